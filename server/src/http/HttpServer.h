// SPDX-License-Identifier: MIT
// REST and WebSocket on one port. A small router over QAbstractHttpServer: handlers get
// a copy of the request and an HttpResponder they may use after returning, which Qt
// 6.4's QHttpServer route handlers cannot do safely. /ws upgrades are authenticated
// before the handshake and then handed out as QWebSockets.
#pragma once

#include "HttpRequest.h"
#include "HttpResponder.h"

#include <QAbstractHttpServer>
#include <QHttpServerResponder>
#include <QPointer>
#include <QTcpSocket>

#include <functional>

class QWebSocket;

namespace fastchat::server {

class Authenticator;
class Metrics;

class HttpServer : public QAbstractHttpServer
{
    Q_OBJECT
public:
    using Handler = std::function<void(const HttpRequest &, const HttpResponder &)>;
    enum class Access { Public, Authenticated };

    static constexpr qsizetype maxBodyBytes = 1024 * 1024;

    // `allowedOrigins`: browser origins that may open a WebSocket (a client that sends no
    // Origin, like the desktop client, is always allowed).
    HttpServer(Authenticator &auth, Metrics &metrics, const QStringList &allowedOrigins,
               QObject *parent = nullptr);

    // `pattern` is a path such as "/users/{id}"; {id} matches a positive integer, {key}
    // a server-made string id (letters, digits, '-' and '_', as file ids are).
    // Routes are tried in the order they were added.
    void route(const QByteArray &method, const QString &pattern, Access access, Handler handler);

    // The TCP socket under an upgraded WebSocket (QWebSocket does not expose it), found
    // by the peer's address and port. A clean close needs it: see Connection::close().
    QPointer<QTcpSocket> takeUpgradedSocket(const QHostAddress &peer, quint16 port);

    // Cuts every file download still streaming (FileSender): a stopping server does not
    // keep serving them; clients go on with a Range request later.
    void abortDownloads() { emit downloadsAborted(); }

    static QHttpServerResponder responderFor(const QHttpServerRequest &request, QTcpSocket *socket)
    {
        return makeResponder(request, socket);
    }

signals:
    void downloadsAborted();

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    struct Route
    {
        QByteArray method;
        QString pattern;
        QStringList segments;
        Access access;
        Handler handler;
    };
    bool handleUpgrade(const QHttpServerRequest &request, QTcpSocket *socket,
                       const HttpResponder &responder);
    struct PathParameters
    {
        QList<qint64> ids;
        QStringList keys;
    };
    static bool matches(const Route &route, const QStringList &segments, PathParameters *found);

    Authenticator &m_auth;
    Metrics &m_metrics;
    QStringList m_allowedOrigins;
    QList<Route> m_routes;
    bool m_refusedUpgrade = false;
    QList<QPointer<QTcpSocket>> m_upgrading;
};

} // namespace fastchat::server
