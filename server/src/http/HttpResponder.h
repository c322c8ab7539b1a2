// SPDX-License-Identifier: MIT
// Answers one HTTP request, now or later. Handlers may answer after the store has
// replied; if the client has gone by then, the answer is dropped (the socket is watched
// with a QPointer, never used after it was deleted).
#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QJsonValue>
#include <QList>
#include <QPair>
#include <QPointer>
#include <QTcpSocket>

#include <memory>

class QHttpServerRequest;

namespace fastchat::server {

class HttpServer;
class Metrics;

class HttpResponder
{
public:
    using Headers = QList<QPair<QByteArray, QByteArray>>;

    // `route` labels the request in the metrics (a pattern such as "/users/{id}").
    HttpResponder(HttpServer *server, const QHttpServerRequest *request, QTcpSocket *socket,
                  Metrics *metrics = nullptr, const QByteArray &method = {},
                  const QString &route = {});

    // JSON body with Content-Type application/json.
    void json(int status, const QJsonValue &body, const Headers &extra = {}) const;
    // {"error": message}
    void error(int status, const QString &message, const Headers &extra = {}) const;
    void raw(int status, const QByteArray &body, const QByteArray &contentType,
             const Headers &extra = {}) const;

    bool answered() const { return m_state->answered; }

private:
    struct State
    {
        QPointer<HttpServer> server;
        const QHttpServerRequest *request;
        QPointer<QTcpSocket> socket;
        Metrics *metrics;
        QByteArray method;
        QString route;
        QElapsedTimer started;
        bool answered = false;
    };
    std::shared_ptr<State> m_state;
};

} // namespace fastchat::server
