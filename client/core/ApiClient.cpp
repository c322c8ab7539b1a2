// SPDX-License-Identifier: MIT
#include "ApiClient.h"

#include "Logging.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QNetworkRequest>

#include <fastchat/JsonReader.h>

using namespace Qt::StringLiterals;

namespace fastchat::client {

namespace {

constexpr int transferTimeoutMs = 20000;

QString capitalized(QString text)
{
    if (!text.isEmpty())
        text[0] = text.at(0).toUpper();
    return text;
}

ApiError badAnswer(const QString &what)
{
    return {ApiError::Kind::BadAnswer, 0,
            u"The server sent an answer this app cannot read (%1)."_s.arg(what)};
}

template<typename T>
ApiResult<T> parseObject(const QJsonValue &body, const ApiError &error)
{
    ApiResult<T> result;
    if (!error.ok()) {
        result.error = error;
        return result;
    }
    if (!body.isObject()) {
        result.error = badAnswer(u"expected a JSON object"_s);
        return result;
    }
    auto parsed = T::fromJson(body.toObject());
    if (!parsed) {
        result.error = badAnswer(parsed.error());
        return result;
    }
    result.value = std::move(parsed.value());
    return result;
}

template<typename T>
ApiResult<QList<T>> parseList(const QJsonValue &body, const ApiError &error)
{
    ApiResult<QList<T>> result;
    if (!error.ok()) {
        result.error = error;
        return result;
    }
    if (!body.isArray()) {
        result.error = badAnswer(u"expected a JSON array"_s);
        return result;
    }
    QList<T> list;
    const QJsonArray array = body.toArray();
    list.reserve(array.size());
    for (const QJsonValue &item : array) {
        auto parsed = T::fromJson(item.toObject());
        if (!parsed) {
            result.error = badAnswer(parsed.error());
            return result;
        }
        list.append(std::move(parsed.value()));
    }
    result.value = std::move(list);
    return result;
}

} // namespace

Parsed<SessionTokens> SessionTokens::fromJson(const QJsonObject &object)
{
    JsonReader r(object);
    SessionTokens t;
    t.accessToken = r.optionalString(u"access_token"_s, 8192).value_or(QString());
    if (t.accessToken.isEmpty())
        t.accessToken = r.requireString(u"token"_s, 8192);
    t.refreshToken = r.requireString(u"refresh_token"_s, 8192);
    t.expiresIn = r.optionalCount(u"expires_in"_s).value_or(900);
    if (!r.ok())
        return Parsed<SessionTokens>::failure(u"invalid_payload"_s, r.error());
    auto user = User::fromJson(object.value(u"user").toObject());
    if (!user)
        return Parsed<SessionTokens>::failure(u"invalid_payload"_s, u"user: "_s + user.error());
    t.user = user.value();
    return t;
}

ApiClient::ApiClient(QObject *parent)
    : QObject(parent)
{
    m_network.setRedirectPolicy(QNetworkRequest::NoLessSafeRedirectPolicy);
}

ApiClient::~ApiClient()
{
    // Answers that come in while we go away must not reach callbacks of a half-destroyed owner.
    const auto replies = m_network.findChildren<QNetworkReply *>();
    for (QNetworkReply *reply : replies) {
        reply->disconnect(this);
        reply->abort();
    }
}

void ApiClient::setBaseUrl(const QUrl &url)
{
    m_baseUrl = url;
}

QUrl ApiClient::urlFor(const QString &path, const QUrlQuery &query) const
{
    QUrl url = m_baseUrl;
    QString base = url.path();
    while (base.endsWith(u'/'))
        base.chop(1);
    url.setPath(base + path);
    url.setQuery(query);
    return url;
}

ApiError ApiClient::errorFrom(QNetworkReply *reply, int status, const QJsonValue &body) const
{
    if (status >= 400) {
        QString text = body.toObject().value(u"error").toString();
        if (text.isEmpty())
            text = u"The server answered %1 %2."_s.arg(status).arg(
                    reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString());
        return {ApiError::Kind::Http, status, capitalized(text)};
    }
    const QString where = m_baseUrl.host().isEmpty()
            ? m_baseUrl.toString()
            : (m_baseUrl.port() > 0 ? u"%1:%2"_s.arg(m_baseUrl.host()).arg(m_baseUrl.port())
                                    : m_baseUrl.host());
    QString text;
    switch (reply->error()) {
    case QNetworkReply::ConnectionRefusedError:
        text = u"Cannot connect to %1: the connection was refused. Is the server running?"_s.arg(
                where);
        break;
    case QNetworkReply::HostNotFoundError:
        text = u"Cannot find the server %1. Check the address."_s.arg(where);
        break;
    case QNetworkReply::OperationCanceledError:
    case QNetworkReply::TimeoutError:
        text = u"The server at %1 did not answer in time."_s.arg(where);
        break;
    case QNetworkReply::RemoteHostClosedError:
        text = u"The server at %1 closed the connection."_s.arg(where);
        break;
    case QNetworkReply::SslHandshakeFailedError:
        text = u"A secure connection to %1 could not be made: %2"_s.arg(where,
                                                                        reply->errorString());
        break;
    case QNetworkReply::ProtocolUnknownError:
        text = u"The address %1 is not an http:// or https:// address."_s.arg(m_baseUrl.toString());
        break;
    default:
        text = u"Cannot reach the server at %1: %2"_s.arg(where, reply->errorString());
        break;
    }
    return {ApiError::Kind::Network, 0, text};
}

void ApiClient::send(Request request, QObject *context, RawCallback done)
{
    QNetworkRequest http(urlFor(request.path, request.query));
    http.setTransferTimeout(transferTimeoutMs);
    http.setRawHeader("Accept", "application/json");
    if (request.auth == Auth::Bearer)
        authorize(http);
    for (const auto &[name, value] : std::as_const(request.headers))
        http.setRawHeader(name, value);
    QByteArray data;
    if (request.body) {
        http.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        data = QJsonDocument(*request.body).toJson(QJsonDocument::Compact);
    } else if (request.rawBody) {
        http.setHeader(QNetworkRequest::ContentTypeHeader, request.contentType);
        data = *request.rawBody;
    }
    qCDebug(lcApi) << request.verb << request.path << request.query.toString();
    QNetworkReply *reply = m_network.sendCustomRequest(http, request.verb, data);
    ++m_pending;
    QPointer<QObject> guard(context);
    if (request.abortWithContext && context)
        connect(context, &QObject::destroyed, reply, &QNetworkReply::abort);
    if (request.progress)
        connect(reply, &QNetworkReply::uploadProgress, context, request.progress);
    connect(reply, &QNetworkReply::finished, this,
            [this, reply, guard, request = std::move(request), done = std::move(done)]() mutable {
                --m_pending;
                reply->deleteLater();
                if (!guard)
                    return;
                const int status
                        = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
                const QByteArray bytes = reply->readAll();
                QJsonValue body;
                if (!bytes.isEmpty()) {
                    QJsonParseError parseError;
                    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &parseError);
                    if (parseError.error == QJsonParseError::NoError)
                        body = doc.isArray() ? QJsonValue(doc.array()) : QJsonValue(doc.object());
                }
                qCDebug(lcApi) << request.verb << request.path << "->" << status << reply->error();
                if (status == 0 || status >= 400) {
                    const ApiError error = errorFrom(reply, status, body);
                    if (error.isUnauthorized() && request.auth == Auth::Bearer && !request.retried
                        && m_tokens) {
                        // The access token expired or was revoked: renew it once, then ask again.
                        qCInfo(lcApi) << request.path
                                      << "was refused with 401; renewing the access token";
                        request.retried = true;
                        m_tokens->renewAccessToken(
                                guard,
                                [this, guard, request, done](const ApiError &renewed) mutable {
                                    if (!guard)
                                        return;
                                    if (!renewed.ok()) {
                                        done({}, renewed);
                                        return;
                                    }
                                    send(std::move(request), guard, std::move(done));
                                });
                        return;
                    }
                    done(body, error);
                    return;
                }
                if (!bytes.isEmpty() && body.isUndefined()) {
                    done({}, badAnswer(u"not JSON"_s));
                    return;
                }
                done(body, {});
            });
}

void ApiClient::authorize(QNetworkRequest &http) const
{
    if (m_tokens && !m_tokens->accessToken().isEmpty())
        http.setRawHeader("Authorization", "Bearer " + m_tokens->accessToken().toUtf8());
}

void ApiClient::registerAccount(const QString &username, const QString &email,
                                const QString &password, QObject *context, Callback<User> done)
{
    send({"POST",
          u"/auth/register"_s,
          {},
          QJsonObject{{u"username"_s, username}, {u"email"_s, email}, {u"password"_s, password}}},
         context, [done](const QJsonValue &body, const ApiError &error) {
             done(parseObject<User>(body, error));
         });
}

void ApiClient::login(const QString &login, const QString &password, QObject *context,
                      Callback<SessionTokens> done)
{
    const QString key = login.contains(u'@') ? u"email"_s : u"username"_s;
    send({"POST",
          u"/auth/login"_s,
          {},
          QJsonObject{{key, login.trimmed()}, {u"password"_s, password}}},
         context, [done](const QJsonValue &body, const ApiError &error) {
             done(parseObject<SessionTokens>(body, error));
         });
}

void ApiClient::refresh(const QString &refreshToken, QObject *context, Callback<SessionTokens> done)
{
    send({"POST", u"/auth/refresh"_s, {}, QJsonObject{{u"refresh_token"_s, refreshToken}}}, context,
         [done](const QJsonValue &body, const ApiError &error) {
             done(parseObject<SessionTokens>(body, error));
         });
}

void ApiClient::logout(QObject *context, Callback<bool> done)
{
    // No renewal on 401 here: a session that is already over is what logout wants.
    Request request{"POST", u"/auth/logout"_s, {}, QJsonObject{}, Auth::Bearer};
    request.retried = true;
    send(std::move(request), context, [done](const QJsonValue &, const ApiError &error) {
        ApiResult<bool> result;
        if (error.ok())
            result.value = true;
        else
            result.error = error;
        done(result);
    });
}

void ApiClient::me(QObject *context, Callback<User> done)
{
    send({"GET", u"/users/me"_s, {}, std::nullopt, Auth::Bearer}, context,
         [done](const QJsonValue &body, const ApiError &error) {
             done(parseObject<User>(body, error));
         });
}

void ApiClient::user(qint64 id, QObject *context, Callback<User> done)
{
    send({"GET", u"/users/%1"_s.arg(id), {}, std::nullopt, Auth::Bearer}, context,
         [done](const QJsonValue &body, const ApiError &error) {
             done(parseObject<User>(body, error));
         });
}

void ApiClient::searchUsers(const QString &query, int limit, QObject *context,
                            Callback<QList<User>> done)
{
    QUrlQuery q;
    if (!query.isEmpty())
        q.addQueryItem(u"q"_s, QString::fromUtf8(QUrl::toPercentEncoding(query)));
    q.addQueryItem(u"limit"_s, QString::number(limit));
    send({"GET", u"/users"_s, q, std::nullopt, Auth::Bearer}, context,
         [done](const QJsonValue &body, const ApiError &error) {
             done(parseList<User>(body, error));
         });
}

void ApiClient::conversations(QObject *context, Callback<QList<Conversation>> done)
{
    send({"GET", u"/chat/conversations"_s, {}, std::nullopt, Auth::Bearer}, context,
         [done](const QJsonValue &body, const ApiError &error) {
             done(parseList<Conversation>(body, error));
         });
}

void ApiClient::history(qint64 peerId, qint64 beforeId, int limit, QObject *context,
                        Callback<QList<Message>> done)
{
    QUrlQuery q;
    if (beforeId > 0)
        q.addQueryItem(u"before"_s, QString::number(beforeId));
    q.addQueryItem(u"limit"_s, QString::number(limit));
    send({"GET", u"/chat/history/%1"_s.arg(peerId), q, std::nullopt, Auth::Bearer}, context,
         [done](const QJsonValue &body, const ApiError &error) {
             done(parseList<Message>(body, error));
         });
}

// ---- end-to-end encryption keys ------------------------------------------------------------

namespace {

ApiResult<int> parseKeyCount(const QJsonValue &body, const ApiError &error)
{
    ApiResult<int> result;
    if (!error.ok()) {
        result.error = error;
        return result;
    }
    const QJsonValue count = body.toObject().value(u"one_time_prekeys"_s);
    if (!count.isDouble()) {
        result.error = {ApiError::Kind::BadAnswer, 0,
                        u"The server's answer about keys could not be read."_s};
        return result;
    }
    result.value = count.toInt();
    return result;
}

} // namespace

void ApiClient::publishKeys(const QJsonObject &upload, QObject *context, Callback<int> done)
{
    send({"PUT", u"/keys"_s, {}, upload, Auth::Bearer}, context,
         [done](const QJsonValue &body, const ApiError &error) {
             done(parseKeyCount(body, error));
         });
}

void ApiClient::keyCount(QObject *context, Callback<int> done)
{
    send({"GET", u"/keys"_s, {}, std::nullopt, Auth::Bearer}, context,
         [done](const QJsonValue &body, const ApiError &error) {
             done(parseKeyCount(body, error));
         });
}

void ApiClient::fetchBundle(qint64 userId, QObject *context, Callback<QJsonObject> done)
{
    send({"POST", u"/users/%1/bundle"_s.arg(userId), {}, QJsonObject{}, Auth::Bearer}, context,
         [done](const QJsonValue &body, const ApiError &error) {
             ApiResult<QJsonObject> result;
             if (!error.ok())
                 result.error = error;
             else if (!body.isObject())
                 result.error = {ApiError::Kind::BadAnswer, 0,
                                 u"The server's key bundle could not be read."_s};
             else
                 result.value = body.toObject();
             done(result);
         });
}

// ---- files -------------------------------------------------------------------------------

void ApiClient::createUpload(const NewUpload &upload, QObject *context, Callback<FileUpload> done)
{
    Request request{"POST", u"/files"_s, {}, upload.toJson(), Auth::Bearer};
    request.abortWithContext = true;
    send(std::move(request), context, [done](const QJsonValue &body, const ApiError &error) {
        done(parseObject<FileUpload>(body, error));
    });
}

void ApiClient::fileStatus(const QString &fileId, QObject *context, Callback<FileUpload> done)
{
    Request request{"GET", u"/files/%1"_s.arg(fileId), {}, std::nullopt, Auth::Bearer};
    request.abortWithContext = true;
    send(std::move(request), context, [done](const QJsonValue &body, const ApiError &error) {
        done(parseObject<FileUpload>(body, error));
    });
}

void ApiClient::deleteFile(const QString &fileId, QObject *context, Callback<bool> done)
{
    Request request{"DELETE", u"/files/%1"_s.arg(fileId), {}, std::nullopt, Auth::Bearer};
    send(std::move(request), context, [done](const QJsonValue &, const ApiError &error) {
        ApiResult<bool> result;
        if (error.ok())
            result.value = true;
        else
            result.error = error;
        done(result);
    });
}

void ApiClient::uploadChunk(const QString &fileId, qint64 offset, const QByteArray &bytes,
                            QObject *context, ChunkCallback done,
                            std::function<void(qint64 sent)> progress)
{
    Request request{"PATCH", u"/files/%1"_s.arg(fileId), {}, std::nullopt, Auth::Bearer};
    request.rawBody = bytes;
    request.contentType = "application/offset+octet-stream";
    request.headers = {{"Upload-Offset", QByteArray::number(offset)}};
    request.abortWithContext = true;
    if (progress)
        request.progress = [progress](qint64 sent) { progress(sent); };
    send(std::move(request), context, [done](const QJsonValue &body, const ApiError &error) {
        qint64 serverOffset = -1;
        if (error.kind == ApiError::Kind::Http && error.status == 409) {
            const QJsonValue offset = body.toObject().value(u"offset");
            if (offset.isDouble() && offset.toDouble() >= 0)
                serverOffset = qint64(offset.toDouble());
        }
        done(parseObject<FileUpload>(body, error), serverOffset);
    });
}

QNetworkReply *ApiClient::openContent(const QString &fileId, qint64 from)
{
    QNetworkRequest http(urlFor(u"/files/%1/content"_s.arg(fileId), {}));
    http.setTransferTimeout(transferTimeoutMs);
    authorize(http);
    if (from > 0)
        http.setRawHeader("Range", "bytes=" + QByteArray::number(from) + '-');
    qCDebug(lcApi) << "GET content of" << fileId << "from" << from;
    return m_network.get(http);
}

ApiError ApiClient::errorFor(QNetworkReply *reply) const
{
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    QJsonValue body;
    if (status >= 400) {
        const QJsonDocument doc = QJsonDocument::fromJson(reply->readAll());
        body = doc.object();
    }
    return errorFrom(reply, status, body);
}

} // namespace fastchat::client
