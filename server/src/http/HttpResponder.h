// SPDX-License-Identifier: MIT
// Answers one HTTP request, now or later. Handlers may answer after the store has
// replied; if the client has gone by then, the answer is dropped (the socket is watched
// with a QPointer, never used after it was deleted).
#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QFile>
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

    // `length` bytes of `file` from `offset` as the body, streamed as the client reads
    // (see FileSender): the file is never in memory whole.
    void file(int status, std::unique_ptr<QFile> file, qint64 offset, qint64 length,
              const QByteArray &contentType, const Headers &extra = {}) const;

    bool answered() const { return m_state->answered; }

private:
    // Marks the request answered and counts it; the socket to write to, or null when the
    // client has gone.
    QTcpSocket *begin(int status) const;

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
