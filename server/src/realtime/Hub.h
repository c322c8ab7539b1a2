// SPDX-License-Identifier: MIT
// Who is connected to this node, and delivery of events to exactly the connections of
// the users an event concerns (never to everyone). Counts connections per user, so
// presence changes only when a user's first socket opens or last one closes.
#pragma once

#include "cluster/Event.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QTimer>
#include <QWebSocketProtocol>

#include <memory>

namespace fastchat::server {

class Connection;
class EventBus;
class Metrics;

class Hub : public QObject
{
    Q_OBJECT
public:
    Hub(EventBus &bus, Metrics &metrics, QObject *parent = nullptr);

    // Keeps the connection until it closes; then it is removed, and released later.
    void add(std::shared_ptr<Connection> connection);
    bool isOnline(qint64 userId) const { return m_byUser.contains(userId); }
    int connectionCount() const { return m_count; }
    int onlineUserCount() const { return int(m_byUser.size()); }
    // Unique across nodes (a random node tag in the high half), so that an event from
    // another node can name the connection it came from.
    quint64 nextConnectionId() { return m_nodeTag << 32 | ++m_lastConnectionId; }

    // Publishes through the bus (every node delivers to its own connections).
    void publish(const Event &event);
    void closeAll(QWebSocketProtocol::CloseCode code, const QString &reason);
    // Delivers to the connections of this node only (the bus calls it for every event).
    void deliverLocal(const Event &event);
    // Called by a connection when it has closed: it is removed, and released later.
    void remove(Connection *connection);

signals:
    void userOnline(qint64 userId);
    void userOffline(qint64 userId);

private:
    // Sockets that were busy and went idle give back their empty buffers (SocketBuffers.h),
    // and events that waited too long for an ack go out (Connection::releaseOverdueWait);
    // one timer for all connections rather than one per connection.
    static constexpr int bufferSweepMs = 30000;
    void releaseIdleBuffers();

    EventBus &m_bus;
    Metrics &m_metrics;
    // The owners of the connections (weak_ptrs elsewhere expire when they go).
    QHash<qint64, QList<std::shared_ptr<Connection>>> m_byUser;
    int m_count = 0;
    quint64 m_nodeTag;
    quint32 m_lastConnectionId = 0;
    QTimer m_bufferSweep;
};

} // namespace fastchat::server
