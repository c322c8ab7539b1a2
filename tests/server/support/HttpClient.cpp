// SPDX-License-Identifier: MIT
#include "HttpClient.h"

#include <QEventLoop>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace fctest {

QByteArray toJsonBytes(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QByteArray HttpResponse::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers)
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    return {};
}

bool HttpResponse::isJsonContentType() const
{
    const QByteArray type = contentType().split(';').first().trimmed().toLower();
    return type == "application/json";
}

bool HttpResponse::isErrorBody() const
{
    return json.isObject() && json.object().value(u"error").isString()
           && !json.object().value(u"error").toString().isEmpty();
}

QString HttpResponse::describe() const
{
    QString text = u"HTTP %1"_s.arg(status);
    if (!networkError.isEmpty())
        text += u" (network: %1)"_s.arg(networkError);
    text += u" content-type '%1' body: %2"_s.arg(QString::fromUtf8(contentType()), QString::fromUtf8(body.left(500)));
    return text;
}

HttpClient::HttpClient(const QUrl &baseUrl) : m_base(baseUrl)
{
    m_manager.setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
}

QUrl HttpClient::url(const QString &pathAndQuery) const
{
    return QUrl(m_base.toString() + pathAndQuery);
}

HttpResponse HttpClient::get(const QString &path, const QString &token)
{
    return send("GET", path, {}, {}, token);
}

HttpResponse HttpClient::del(const QString &path, const QString &token)
{
    return send("DELETE", path, {}, {}, token);
}

HttpResponse HttpClient::post(const QString &path, const QJsonObject &body, const QString &token)
{
    return send("POST", path, toJsonBytes(body), {}, token);
}

HttpResponse HttpClient::put(const QString &path, const QJsonObject &body, const QString &token)
{
    return send("PUT", path, toJsonBytes(body), {}, token);
}

HttpResponse HttpClient::send(const QByteArray &verb, const QString &path, const QByteArray &body,
                              const RawHeaders &headers, const QString &token)
{
    QNetworkRequest request(url(path));
    request.setTransferTimeout(timeoutMs);
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    if (!body.isEmpty() || verb == "POST" || verb == "PUT")
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
    if (!token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + token.toUtf8());
    for (const auto &[name, value] : headers)
        request.setRawHeader(name, value);

    QNetworkReply *reply = m_manager.sendCustomRequest(request, verb, body);
    QEventLoop loop;
    QTimer timer;
    timer.setSingleShot(true);
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QObject::connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
    timer.start(timeoutMs + 2000);
    if (!reply->isFinished())
        loop.exec();

    HttpResponse response;
    if (!reply->isFinished()) {
        reply->abort();
        response.networkError = u"no answer within %1 ms"_s.arg(timeoutMs + 2000);
    }
    response.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    response.body = reply->readAll();
    for (const auto &pair : reply->rawHeaderPairs())
        response.headers.append(pair);
    if (reply->error() != QNetworkReply::NoError && response.status == 0 && response.networkError.isEmpty())
        response.networkError = reply->errorString();
    response.json = QJsonDocument::fromJson(response.body, &response.parseError);
    delete reply;
    return response;
}

} // namespace fctest
