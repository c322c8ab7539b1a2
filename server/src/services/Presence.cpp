// SPDX-License-Identifier: MIT
#include "Presence.h"

#include "app/Logging.h"
#include "cluster/EventBus.h"
#include "realtime/Hub.h"
#include "store/PresenceQueries.h"
#include "store/SqlSession.h"
#include "store/Store.h"
#include "store/UserQueries.h"

#include <QDateTime>

#include <fastchat/Envelope.h>
#include <fastchat/Frames.h>
#include <fastchat/Time.h>

namespace fastchat::server {

Presence::Presence(Store &store, Hub &hub, EventBus &bus, const QString &nodeId, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_hub(hub)
    , m_nodeId(nodeId)
{
    connect(&hub, &Hub::userOnline, this, &Presence::wentOnline);
    connect(&hub, &Hub::userOffline, this, &Presence::wentOffline);
    connect(&bus, &EventBus::received, this, &Presence::observe);
}

bool Presence::joinCluster(QString *error)
{
    const QString node = m_nodeId;
    auto joined = m_store.writeNow<Done>(
            [node](SqlSession &s) { return PresenceQueries::heartbeat(s, node); });
    auto online = m_store.readNow<QSet<qint64>>(
            [](SqlSession &s) { return PresenceQueries::onlineUsers(s); });
    if (!joined || !online) {
        *error = (joined ? online.error() : joined.error()).message;
        return false;
    }
    m_onlineAnywhere = online.value();
    m_tick.setInterval(heartbeatMs);
    connect(&m_tick, &QTimer::timeout, this, &Presence::clusterTick);
    m_tick.start();
    return true;
}

void Presence::leaveCluster()
{
    if (m_nodeId.isEmpty())
        return;
    m_tick.stop();
    const QString node = m_nodeId;
    m_store.write<Done>([node](SqlSession &s) { return PresenceQueries::leave(s, node); },
                        [](Result<Done>) {});
}

bool Presence::isOnline(qint64 userId) const
{
    return m_hub.isOnline(userId) || m_onlineAnywhere.contains(userId);
}

void Presence::observe(const Event &event)
{
    if (!event.presenceUserId)
        return;
    if (event.presenceOnline)
        m_onlineAnywhere.insert(event.presenceUserId);
    else
        m_onlineAnywhere.remove(event.presenceUserId);
}

void Presence::announce(qint64 userId, bool online, qint64 lastSeenMs, const QList<qint64> &to)
{
    UserStatus status{userId, online, lastSeenMs ? fromEpochMs(lastSeenMs) : QDateTime()};
    Event event;
    event.userIds = to;
    event.frame = QString::fromUtf8(Envelope{FrameType::UserStatus, status.toJson()}.toFrame());
    event.presenceUserId = userId;
    event.presenceOnline = online;
    m_hub.publish(event);
}

void Presence::wentOnline(qint64 userId)
{
    if (!m_nodeId.isEmpty()) {
        const QString node = m_nodeId;
        m_store.write<PresenceChange>(
                [node, userId](SqlSession &s) {
                    return PresenceQueries::connected(s, node, userId);
                },
                [this, userId](Result<PresenceChange> change) {
                    if (change && change->changed)
                        announce(userId, true, 0, change->contacts);
                });
        return;
    }
    m_store.read<QList<qint64>>(
            [userId](SqlSession &s) { return UserQueries::contactsOf(s, userId); },
            [this, userId](Result<QList<qint64>> contacts) {
                if (contacts && m_hub.isOnline(userId)) // else gone again: wentOffline() told them
                    announce(userId, true, 0, contacts.value());
            });
}

void Presence::wentOffline(qint64 userId)
{
    if (!m_nodeId.isEmpty()) {
        const QString node = m_nodeId;
        m_store.write<PresenceChange>(
                [node, userId](SqlSession &s) {
                    return PresenceQueries::disconnected(s, node, userId);
                },
                [this, userId](Result<PresenceChange> change) {
                    if (change && change->changed)
                        announce(userId, false, change->lastSeenMs, change->contacts);
                });
        return;
    }
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    m_store.write<QList<qint64>>(
            [userId, now](SqlSession &s) -> Result<QList<qint64>> {
                auto saved = UserQueries::setLastSeen(s, userId, now);
                if (!saved)
                    return saved.error();
                return UserQueries::contactsOf(s, userId);
            },
            [this, userId, now](Result<QList<qint64>> contacts) {
                if (contacts && !m_hub.isOnline(userId))
                    announce(userId, false, now, contacts.value());
            });
}

void Presence::contactsMet(qint64 a, qint64 b)
{
    // Called once, for the message that created the conversation, on the node that
    // stored it; isOnline() knows about every node, so a peer on another node is told too.
    if (isOnline(a))
        announce(a, true, 0, {b});
    if (isOnline(b))
        announce(b, true, 0, {a});
}

void Presence::clusterTick()
{
    const QString node = m_nodeId;
    m_store.write<Done>([node](SqlSession &s) { return PresenceQueries::heartbeat(s, node); },
                        [](Result<Done>) {});
    const qint64 deadBefore = QDateTime::currentMSecsSinceEpoch() - nodeDeadAfterMs;
    m_store.write<QList<DeadNodeUser>>(
            [deadBefore](SqlSession &s) { return PresenceQueries::sweepDeadNodes(s, deadBefore); },
            [this](Result<QList<DeadNodeUser>> gone) {
                if (!gone)
                    return;
                for (const DeadNodeUser &u : gone.value()) {
                    qCInfo(lcHub) << "user" << u.userId << "went offline with a node that stopped";
                    announce(u.userId, false, u.change.lastSeenMs, u.change.contacts);
                }
            });
    // Now and then, the database's view replaces the one built from events.
    if (++m_ticks % 6 == 0)
        m_store.read<QSet<qint64>>([](SqlSession &s) { return PresenceQueries::onlineUsers(s); },
                                   [this](Result<QSet<qint64>> online) {
                                       if (online)
                                           m_onlineAnywhere = online.value();
                                   });
}

} // namespace fastchat::server
