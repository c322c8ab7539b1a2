// SPDX-License-Identifier: MIT
#include "Hub.h"

#include "Connection.h"
#include "app/Logging.h"
#include "cluster/EventBus.h"
#include "observability/Metrics.h"

#include <QRandomGenerator>

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
    for (const QList<Connection *> &list : std::as_const(m_byUser)) {
        for (Connection *c : list)
            c->releaseIdleBuffers();
    }
}

void Hub::add(Connection *connection)
{
    connection->setParent(this);
    connection->setHub(this);
    QList<Connection *> &list = m_byUser[connection->userId()];
    list.append(connection);
    ++m_count;
    qCDebug(lcHub) << "user" << connection->userId() << "connected; connections:" << list.size();
    if (list.size() == 1)
        emit userOnline(connection->userId());
}

void Hub::remove(Connection *connection)
{
    const qint64 userId = connection->userId();
    auto it = m_byUser.find(userId);
    if (it != m_byUser.end() && it->removeOne(connection)) {
        --m_count;
        if (it->isEmpty()) {
            m_byUser.erase(it);
            emit userOffline(userId);
        }
    }
    connection->deleteLater();
}

void Hub::publish(const Event &event)
{
    m_bus.publish(event);
}

void Hub::deliverLocal(const Event &event)
{
    for (qint64 userId : event.userIds) {
        const auto it = m_byUser.constFind(userId);
        if (it == m_byUser.constEnd())
            continue;
        // Copy: closing a connection below may change the list.
        const QList<Connection *> connections = *it;
        for (Connection *c : connections) {
            switch (event.kind) {
            case Event::Kind::Frame:
                if (c->id() != event.skipConnection) {
                    c->deliver(event);
                    if (event.messageId)
                        ++m_metrics.messagesDelivered;
                }
                break;
            case Event::Kind::CloseSession:
                if (c->sessionId() == event.sessionId)
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
    for (const QList<Connection *> &list : std::as_const(m_byUser)) {
        for (Connection *c : list)
            c->close(code, reason);
    }
}

} // namespace fastchat::server
