// SPDX-License-Identifier: MIT
#include "HttpServer.h"

#include "app/Logging.h"
#include "auth/Authenticator.h"
#include "observability/Metrics.h"

#include <QHttpServerRequest>
#include <QUrlQuery>

#include <fastchat/FileUpload.h>

using namespace Qt::StringLiterals;

namespace fastchat::server {

namespace {

QByteArray methodName(QHttpServerRequest::Method method)
{
    switch (method) {
    case QHttpServerRequest::Method::Get:
        return "GET";
    case QHttpServerRequest::Method::Put:
        return "PUT";
    case QHttpServerRequest::Method::Delete:
        return "DELETE";
    case QHttpServerRequest::Method::Post:
        return "POST";
    case QHttpServerRequest::Method::Head:
        return "HEAD";
    case QHttpServerRequest::Method::Options:
        return "OPTIONS";
    case QHttpServerRequest::Method::Patch:
        return "PATCH";
    default:
        return "OTHER";
    }
}

QStringList splitPath(const QString &path)
{
    QStringList parts = path.split(u'/', Qt::SkipEmptyParts);
    return parts;
}

} // namespace

HttpServer::HttpServer(Authenticator &auth, Metrics &metrics, const QStringList &allowedOrigins,
                       QObject *parent)
    : QAbstractHttpServer(parent)
    , m_auth(auth)
    , m_metrics(metrics)
    , m_allowedOrigins(allowedOrigins)
{}

void HttpServer::route(const QByteArray &method, const QString &pattern, Access access,
                       Handler handler)
{
    m_routes.append(Route{method, pattern, splitPath(pattern), access, std::move(handler)});
}

bool HttpServer::matches(const Route &route, const QStringList &segments, PathParameters *found)
{
    if (route.segments.size() != segments.size())
        return false;
    found->ids.clear();
    found->keys.clear();
    for (qsizetype i = 0; i < segments.size(); ++i) {
        if (route.segments[i] == u"{id}") {
            bool ok = false;
            const qint64 id = segments[i].toLongLong(&ok);
            if (!ok || id <= 0 || segments[i].startsWith(u'+'))
                return false;
            found->ids.append(id);
        } else if (route.segments[i] == u"{key}") {
            if (!FileUpload::isValidId(segments[i]))
                return false;
            found->keys.append(segments[i]);
        } else if (route.segments[i] != segments[i]) {
            return false;
        }
    }
    return true;
}

bool HttpServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    const QString path = request.url().path();
    const QByteArray method = methodName(request.method());
    qCDebug(lcHttp) << method << path;

    if (path == u"/ws")
        return handleUpgrade(request, socket,
                             HttpResponder(this, &request, socket, &m_metrics, method, u"/ws"_s));

    // Labelled by route pattern (bounded), or "other" for paths that match none.
    const QStringList segments = splitPath(path);
    PathParameters parameters;
    QString label = u"other"_s;
    for (const Route &route : std::as_const(m_routes)) {
        if (matches(route, segments, &parameters)) {
            label = route.pattern;
            break;
        }
    }
    HttpResponder responder(this, &request, socket, &m_metrics, method, label);

    if (request.body().size() > maxBodyBytes) {
        responder.error(413, u"the request body is larger than 1 MiB"_s);
        return true;
    }

    QByteArrayList allowed;
    for (const Route &route : std::as_const(m_routes)) {
        if (!matches(route, segments, &parameters))
            continue;
        if (route.method != method) {
            allowed << route.method;
            continue;
        }
        HttpRequest r;
        r.method = method;
        r.path = path;
        r.query = QUrlQuery(request.url());
        r.body = request.body();
        r.peer = request.remoteAddress();
        r.headers = request.headers();
        r.pathIds = parameters.ids;
        r.pathKeys = parameters.keys;
        if (route.access == Access::Authenticated) {
            r.auth = m_auth.fromAuthorizationHeader(r.header("Authorization"));
            if (!r.auth) {
                responder.error(401, u"missing, invalid or expired access token"_s,
                                {{"WWW-Authenticate", "Bearer"}});
                return true;
            }
        }
        route.handler(r, responder);
        return true;
    }
    if (!allowed.isEmpty()) {
        responder.error(405, u"method not allowed"_s, {{"Allow", allowed.join(", ")}});
        return true;
    }
    return false;
}

QPointer<QTcpSocket> HttpServer::takeUpgradedSocket(const QHostAddress &peer, quint16 port)
{
    QPointer<QTcpSocket> found;
    m_upgrading.removeIf([&](const QPointer<QTcpSocket> &s) {
        if (!s)
            return true; // gone before its handshake finished
        if (s->peerPort() == port && s->peerAddress() == peer) {
            found = s;
            return true;
        }
        return false;
    });
    return found;
}

bool HttpServer::handleUpgrade(const QHttpServerRequest &request, QTcpSocket *socket,
                               const HttpResponder &responder)
{
    const bool upgrade = request.value("upgrade").compare("websocket", Qt::CaseInsensitive) == 0;
    if (!upgrade) {
        responder.error(426, u"this endpoint speaks WebSocket only"_s,
                        {{"Upgrade", "websocket"}, {"Connection", "Upgrade"}});
        return true;
    }
    // Browsers send Origin; only the configured ones may connect (the seed allowed any).
    const QByteArray origin = request.value("origin");
    if (!origin.isEmpty() && !m_allowedOrigins.contains(QString::fromUtf8(origin))) {
        responder.error(403,
                        u"origin %1 is not allowed"_s.arg(QString::fromUtf8(origin).left(200)));
        m_refusedUpgrade = true;
        return false;
    }
    // Refuse before the handshake, so a bad token gets a plain 401 (the seed's contract).
    const QByteArray header = request.value("authorization");
    const QByteArray queryToken
            = QUrlQuery(request.url()).queryItemValue(u"token"_s, QUrl::FullyDecoded).toUtf8();
    const bool ok = header.isEmpty() ? bool(m_auth.fromToken(queryToken))
                                     : bool(m_auth.fromAuthorizationHeader(header));
    if (!ok) {
        responder.error(401, u"missing, invalid or expired access token"_s);
        // Qt calls missingHandler() next and then closes the socket; the flag keeps
        // missingHandler from answering a second time.
        m_refusedUpgrade = true;
        return false;
    }
    // Chat frames are small and must go at once: without this, Nagle's algorithm holds a
    // frame back while an earlier one waits for the peer's (delayed, up to 40 ms) ACK.
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_upgrading.append(socket);
    return true;
}

void HttpServer::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket)
{
    if (m_refusedUpgrade) {
        m_refusedUpgrade = false;
        return;
    }
    HttpResponder(this, &request, socket, &m_metrics, methodName(request.method()), u"other"_s)
            .error(404, u"not found"_s);
}

} // namespace fastchat::server
