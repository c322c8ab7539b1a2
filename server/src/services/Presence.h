// SPDX-License-Identifier: MIT
// Online and last-seen, told to the users who share a conversation with someone (not to
// everyone). Driven by the hub's first-socket-opened and last-socket-closed signals.
// In a cluster the question is "a socket on any node": nodes record their users in the
// database, beat a heartbeat, and remove the users of a node that stopped beating.
#pragma once

#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>

namespace fastchat::server {

class EventBus;
class Hub;
class Store;
struct Event;
struct PresenceChange;

class Presence : public QObject
{
    Q_OBJECT
public:
    // A node silent this long is dead; its users go offline for everyone.
    static constexpr qint64 nodeDeadAfterMs = 20000;
    static constexpr int heartbeatMs = 5000;

    // `nodeId` empty: a single node, presence is what the hub sees.
    Presence(Store &store, Hub &hub, EventBus &bus, const QString &nodeId,
             QObject *parent = nullptr);

    // Blocking, at start-up in a cluster: register the node, learn who is online.
    bool joinCluster(QString *error);
    // At a clean stop in a cluster: this node's rows go.
    void leaveCluster();

    bool isOnline(qint64 userId) const;
    // Two users just exchanged their first message: from now on each hears about the
    // other's presence, starting with the present state.
    void contactsMet(qint64 a, qint64 b);

private:
    void wentOnline(qint64 userId);
    void wentOffline(qint64 userId);
    void announce(qint64 userId, bool online, qint64 lastSeenMs, const QList<qint64> &to);
    void observe(const Event &event);
    void clusterTick();

    Store &m_store;
    Hub &m_hub;
    QString m_nodeId;
    // Cluster: users with a socket on any node, from the presence events of all nodes
    // (and reloaded from the database now and then).
    QSet<qint64> m_onlineAnywhere;
    QTimer m_tick;
    int m_ticks = 0;
};

} // namespace fastchat::server
