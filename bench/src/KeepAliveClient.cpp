// SPDX-License-Identifier: MIT
#include "KeepAliveClient.h"

#include <utility>

namespace fastchat::bench {

KeepAliveClient::KeepAliveClient(const QUrl &server, QObject *parent)
    : QObject(parent)
    , m_server(server)
{
    m_timeout.setSingleShot(true);
    m_timeout.setInterval(10000);
    connect(&m_timeout, &QTimer::timeout, this, &KeepAliveClient::fail);
    connect(&m_socket, &QTcpSocket::connected, this,
            [this] { m_socket.setSocketOption(QAbstractSocket::LowDelayOption, 1); });
    connect(&m_socket, &QTcpSocket::readyRead, this, &KeepAliveClient::readAnswer);
    connect(&m_socket, &QTcpSocket::errorOccurred, this, &KeepAliveClient::fail);
    connect(&m_socket, &QTcpSocket::disconnected, this, &KeepAliveClient::fail);
}

void KeepAliveClient::get(const QByteArray &pathAndQuery, const QByteArray &authorization,
                          Answer answer)
{
    // A socket the server closed is reset before the request is taken on: abort() may
    // signal its disconnection, which fails the request in hand.
    const bool reconnect = m_socket.state() != QAbstractSocket::ConnectedState;
    if (reconnect)
        m_socket.abort();
    m_answer = std::move(answer);
    m_buffer.clear();
    m_headerEnd = -1;
    m_timeout.start();
    if (m_server.scheme() != u"http") {
        fail();
        return;
    }
    if (reconnect)
        m_socket.connectToHost(m_server.host(), quint16(m_server.port(80)));
    // Written before the connection is up, it goes out once it is.
    m_socket.write("GET " + pathAndQuery + " HTTP/1.1\r\nHost: " + m_server.host().toLatin1() + ':'
                   + QByteArray::number(m_server.port(80)) + "\r\nAuthorization: " + authorization
                   + "\r\n\r\n");
}

void KeepAliveClient::readAnswer()
{
    m_buffer += m_socket.readAll();
    if (!m_answer)
        return;
    if (m_headerEnd < 0) {
        const qsizetype end = m_buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        m_headerEnd = end + 4;
        const QList<QByteArray> lines = m_buffer.left(end).split('\n');
        // "HTTP/1.1 200 OK"
        m_status = lines.first().mid(9, 3).toInt();
        m_bodyLength = 0;
        for (const QByteArray &line : lines) {
            if (line.toLower().startsWith("content-length:"))
                m_bodyLength = line.mid(15).trimmed().toLongLong();
        }
    }
    if (m_buffer.size() < m_headerEnd + m_bodyLength)
        return;
    const QByteArray body = m_buffer.mid(m_headerEnd, m_bodyLength);
    m_buffer.clear();
    m_headerEnd = -1;
    m_timeout.stop();
    // Straight from readyRead: the next request may be written from here.
    std::exchange(m_answer, {})(m_status, body);
}

void KeepAliveClient::fail()
{
    // The socket is reset when the next request starts, not here, and the answer waits for
    // the event loop: this may run inside one of the socket's signals, or inside get().
    m_buffer.clear();
    m_headerEnd = -1;
    m_timeout.stop();
    if (m_answer)
        QMetaObject::invokeMethod(
                this, [answer = std::exchange(m_answer, {})] { answer(0, {}); },
                Qt::QueuedConnection);
}

} // namespace fastchat::bench
