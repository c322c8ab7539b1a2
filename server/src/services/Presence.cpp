// SPDX-License-Identifier: MIT
#include "Presence.h"

#include "realtime/Hub.h"
#include "store/SqlSession.h"
#include "store/Store.h"
#include "store/UserQueries.h"

#include <QDateTime>
#include <fastchat/Envelope.h>
#include <fastchat/Frames.h>
#include <fastchat/Time.h>

namespace fastchat::server {

Presence::Presence(Store &store, Hub &hub, QObject *parent)
    : QObject(parent), m_store(store), m_hub(hub)
{
    connect(&hub, &Hub::userOnline, this, &Presence::wentOnline);
    connect(&hub, &Hub::userOffline, this, &Presence::wentOffline);
}

bool Presence::isOnline(qint64 userId) const
{
    return m_hub.isOnline(userId);
}

void Presence::announce(qint64 userId, bool online, qint64 lastSeenMs, const QList<qint64> &to)
{
    if (to.isEmpty())
        return;
    UserStatus status{userId, online, lastSeenMs ? fromEpochMs(lastSeenMs) : QDateTime()};
    Event event;
    event.userIds = to;
    event.frame = QString::fromUtf8(Envelope{FrameType::UserStatus, status.toJson()}.toFrame());
    m_hub.publish(event);
}

void Presence::wentOnline(qint64 userId)
{
    m_store.read<QList<qint64>>(
            [userId](SqlSession &s) { return UserQueries::contactsOf(s, userId); },
            [this, userId](Result<QList<qint64>> contacts) {
                if (!contacts || !m_hub.isOnline(userId))
                    return; // gone again already: wentOffline() told them
                QSet<qint64> &known = m_contacts[userId];
                for (qint64 id : contacts.value())
                    known.insert(id);
                announce(userId, true, 0, contacts.value());
            });
}

void Presence::wentOffline(qint64 userId)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    m_store.write<Done>([userId, now](SqlSession &s) { return UserQueries::setLastSeen(s, userId, now); },
                        [](Result<Done>) {});
    const auto it = m_contacts.constFind(userId);
    if (it != m_contacts.constEnd()) {
        announce(userId, false, now, it->values());
        m_contacts.erase(it);
        return;
    }
    // Went offline before its contacts were loaded.
    m_store.read<QList<qint64>>(
            [userId](SqlSession &s) { return UserQueries::contactsOf(s, userId); },
            [this, userId, now](Result<QList<qint64>> contacts) {
                if (contacts && !m_hub.isOnline(userId))
                    announce(userId, false, now, contacts.value());
            });
}

void Presence::contactsMet(qint64 a, qint64 b)
{
    const auto meet = [this](qint64 user, qint64 other) {
        const auto it = m_contacts.find(user);
        if (it != m_contacts.end() && !it->contains(other)) {
            it->insert(other);
            announce(user, true, 0, {other});
        }
    };
    meet(a, b);
    meet(b, a);
}

} // namespace fastchat::server
