// SPDX-License-Identifier: MIT
#include "HttpResponder.h"

#include "FileSender.h"
#include "HttpServer.h"
#include "app/Logging.h"
#include "observability/Metrics.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace fastchat::server {

HttpResponder::HttpResponder(HttpServer *server, const QHttpServerRequest *request,
                             QTcpSocket *socket, Metrics *metrics, const QByteArray &method,
                             const QString &route)
    : m_state(std::make_shared<State>(State{server, request, socket, metrics, method, route, {}}))
{
    m_state->started.start();
}

QTcpSocket *HttpResponder::begin(int status) const
{
    if (m_state->answered)
        return nullptr;
    m_state->answered = true;
    if (m_state->metrics)
        m_state->metrics->countRequest(m_state->method, m_state->route, status,
                                       double(m_state->started.nsecsElapsed()) / 1e9);
    // The socket owns the request object: both are alive, or both are gone.
    if (!m_state->server || !m_state->socket
        || m_state->socket->state() != QAbstractSocket::ConnectedState) {
        qCDebug(lcHttp) << "client left before its answer was ready";
        return nullptr;
    }
    return m_state->socket;
}

void HttpResponder::raw(int status, const QByteArray &body, const QByteArray &contentType,
                        const Headers &extra) const
{
    QTcpSocket *socket = begin(status);
    if (!socket)
        return;
    QHttpServerResponder r = HttpServer::responderFor(*m_state->request, socket);
    r.writeStatusLine(QHttpServerResponder::StatusCode(status));
    r.writeHeader("Content-Type", contentType);
    for (const auto &[key, value] : extra)
        r.writeHeader(key, value);
    r.writeHeader("Content-Length", QByteArray::number(body.size()));
    r.writeBody(body);
}

void HttpResponder::file(int status, std::unique_ptr<QFile> file, qint64 offset, qint64 length,
                         const QByteArray &contentType, const Headers &extra) const
{
    QTcpSocket *socket = begin(status);
    if (!socket)
        return;
    QHttpServerResponder r = HttpServer::responderFor(*m_state->request, socket);
    r.writeStatusLine(QHttpServerResponder::StatusCode(status));
    r.writeHeader("Content-Type", contentType);
    for (const auto &[key, value] : extra)
        r.writeHeader(key, value);
    r.writeHeader("Content-Length", QByteArray::number(length));
    r.writeBody(QByteArray()); // ends the headers
    FileSender::start(socket, std::move(file), offset, length, m_state->server);
}

void HttpResponder::json(int status, const QJsonValue &body, const Headers &extra) const
{
    const QByteArray bytes = body.isArray()
            ? QJsonDocument(body.toArray()).toJson(QJsonDocument::Compact)
            : QJsonDocument(body.toObject()).toJson(QJsonDocument::Compact);
    raw(status, bytes, "application/json", extra);
}

void HttpResponder::error(int status, const QString &message, const Headers &extra) const
{
    json(status, QJsonObject{{u"error"_s, message}}, extra);
}

} // namespace fastchat::server
