// SPDX-License-Identifier: MIT
// The parts of an HTTP request a handler reads, copied out of Qt's request object so
// that a handler can keep them while it waits for the store.
#pragma once

#include "auth/Authenticator.h"

#include <QByteArray>
#include <QHostAddress>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QUrlQuery>

#include <optional>

namespace fastchat::server {

struct HttpRequest
{
    QByteArray method; // "GET", "POST", ...
    QString path;
    QUrlQuery query;
    QByteArray body;
    QHostAddress peer;
    QList<QPair<QByteArray, QByteArray>> headers;
    QList<qint64> pathIds;           // the {id} parts of the route, in order
    QStringList pathKeys;            // the {key} parts of the route, in order
    std::optional<AuthContext> auth; // set for routes that require authentication

    QByteArray header(const QByteArray &name) const;
    qint64 userId() const { return auth ? auth->userId : 0; }
    // The body as a JSON object; on failure, a message for a 400.
    std::optional<QJsonObject> jsonBody(QString *error) const;
};

} // namespace fastchat::server
