// SPDX-License-Identifier: MIT
#include "Accounts.h"

#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace fastchat::bench {

namespace {

QNetworkRequest jsonRequest(const QUrl &url)
{
    QNetworkRequest r(url);
    r.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    return r;
}

} // namespace

QList<Account> prepareAccounts(const QList<QUrl> &servers, const QString &prefix, int count,
                               const QString &password)
{
    QNetworkAccessManager net;
    QList<Account> accounts(count);
    int pending = 0;
    int failures = 0;
    QEventLoop loop;
    int next = 0;
    constexpr int parallel = 16;

    std::function<void()> startOne = [&] {
        if (next >= count)
            return;
        const int i = next++;
        const QUrl base = servers.at(i % servers.size());
        accounts[i].server = base;
        const QString name = u"%1-%2"_s.arg(prefix).arg(i);
        const QByteArray reg
                = QJsonDocument(QJsonObject{{u"username"_s, name},
                                            {u"email"_s, QString(name + u"@bench.invalid"_s)},
                                            {u"password"_s, password}})
                          .toJson(QJsonDocument::Compact);
        ++pending;
        QNetworkReply *r = net.post(jsonRequest(base.resolved(QUrl(u"/auth/register"_s))), reg);
        QObject::connect(r, &QNetworkReply::finished, &loop, [&, r, i, base, name] {
            r->deleteLater();
            const int status = r->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            if (status != 201 && status != 409) {
                std::fprintf(stderr, "register %s: HTTP %d\n", qPrintable(name), status);
                ++failures;
            }
            const QByteArray login
                    = QJsonDocument(QJsonObject{{u"email"_s, QString(name + u"@bench.invalid"_s)},
                                                {u"password"_s, password}})
                              .toJson(QJsonDocument::Compact);
            QNetworkReply *l = net.post(jsonRequest(base.resolved(QUrl(u"/auth/login"_s))), login);
            QObject::connect(l, &QNetworkReply::finished, &loop, [&, l, i, name] {
                l->deleteLater();
                const QJsonObject o = QJsonDocument::fromJson(l->readAll()).object();
                accounts[i].token = o.value(u"token").toString();
                accounts[i].id = qint64(o.value(u"user").toObject().value(u"id").toDouble());
                if (accounts[i].token.isEmpty()) {
                    std::fprintf(stderr, "login %s failed\n", qPrintable(name));
                    ++failures;
                }
                --pending;
                if (next < count)
                    startOne();
                else if (pending == 0)
                    loop.quit();
            });
        });
    };
    for (int i = 0; i < parallel && i < count; ++i)
        startOne();
    if (count > 0)
        loop.exec();
    if (failures)
        return {};
    return accounts;
}

} // namespace fastchat::bench
