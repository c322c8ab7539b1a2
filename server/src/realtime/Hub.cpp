// SPDX-License-Identifier: MIT
#include "Hub.h"

#include "Connection.h"
#include "app/Logging.h"
#include "cluster/EventBus.h"
#include "observability/Metrics.h"

#include <QRandomGenerator>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace fastchat::server {

Hub::Hub(EventBus &bus, Metrics &metrics, QObject *parent)
    : QObject(parent)
    , m_bus(bus)
    , m_metrics(metrics)
    , m_nodeTag(QRandomGenerator::system()->generate())
{
    connect(&m_bus, &EventBus::received, this, &Hub::deliverLocal);
    m_bufferSweep.setInterval(bufferSweepMs);
    connect(&m_bufferSweep, &QTimer::timeout, this, &Hub::releaseIdleBuffers);
    m_bufferSweep.start();
}

void Hub::releaseIdleBuffers()
{
    // A copy (implicitly shared: free unless a connection goes meanwhile): releasing an
    // overdue wait sends, and a send can close a connection and remove it at once.
    const auto byUser = m_byUser;
    for (const auto &list : byUser) {
        for (const auto &c : list) {
            c->releaseIdleBuffers();
            c->releaseOverdueWait();
        }
    }
}

void Hub::add(std::shared_ptr<Connection> connection)
{
    connection->setHub(this);
    const qint64 userId = connection->userId();
    auto &list = m_byUser[userId];
    list.append(std::move(connection));
    ++m_count;
    qCDebug(lcHub) << "user" << userId << "connected; connections:" << list.size();
    if (list.size() == 1)
        emit userOnline(userId);
}

void Hub::remove(Connection *connection)
{
    const qint64 userId = connection->userId();
    auto it = m_byUser.find(userId);
    if (it == m_byUser.end())
        return;
    const qsizetype i = std::find_if(it->cbegin(), it->cend(),
                                     [connection](const auto &c) { return c.get() == connection; })
            - it->cbegin();
    if (i == it->size())
        return;
    std::shared_ptr<Connection> gone = it->takeAt(i);
    --m_count;
    if (it->isEmpty()) {
        m_byUser.erase(it);
        emit userOffline(userId);
    }
    // Released from the event loop, not here: this runs inside the socket's own
    // disconnected signal, and the connection owns the socket (what deleteLater() did
    // when it was a QObject). Pending when the hub goes, it is released then.
    QMetaObject::invokeMethod(
            this, [gone = std::move(gone)] {}, Qt::QueuedConnection);
}

void Hub::publish(const Event &event)
{
    m_bus.publish(event);
}

void Hub::deliverLocal(const Event &event)
{
    // On one node the sending connection got its message with its ack (FrameHandler).
    const bool clustered = event.originConnection && m_bus.spansNodes();
    for (qint64 userId : event.userIds) {
        const auto it = m_byUser.constFind(userId);
        if (it == m_byUser.constEnd())
            continue;
        // Copy: closing a connection below may change the list.
        const QList<std::shared_ptr<Connection>> connections = *it;
        for (const auto &c : connections) {
            switch (event.kind) {
            case Event::Kind::Frame:
                if (c->id() != event.originConnection) {
                    c->deliver(event);
                    if (event.messageId)
                        ++m_metrics.messagesDelivered;
                } else if (clustered) {
                    c->deliver(event); // after its ack (Connection::waitsForAck)
                }
                break;
            case Event::Kind::CloseSession:
                if (c->hasSession(event.sessionId))
                    c->close(QWebSocketProtocol::CloseCodePolicyViolated, u"session revoked"_s);
                break;
            case Event::Kind::CloseUser:
                c->close(QWebSocketProtocol::CloseCodePolicyViolated, u"account closed"_s);
                break;
            }
        }
    }
}

void Hub::closeAll(QWebSocketProtocol::CloseCode code, const QString &reason)
{
    // A copy: closing a connection whose socket is already gone removes it at once.
    const auto byUser = m_byUser;
    for (const auto &list : byUser) {
        for (const auto &c : list)
            c->close(code, reason);
    }
}

} // namespace fastchat::server
