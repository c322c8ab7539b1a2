// SPDX-License-Identifier: MIT
#include "TypingTracker.h"

#include "realtime/Hub.h"

#include <QDateTime>

#include <fastchat/Envelope.h>
#include <fastchat/TypingStatus.h>

namespace fastchat::server {

TypingTracker::TypingTracker(Hub &hub, QObject *parent)
    : QObject(parent)
    , m_hub(hub)
{
    m_clock.start();
    m_sweep.setInterval(500);
    connect(&m_sweep, &QTimer::timeout, this, &TypingTracker::expire);
    connect(&hub, &Hub::userOffline, this, &TypingTracker::stopAllOf);
}

void TypingTracker::publish(qint64 senderId, qint64 receiverId, bool isTyping)
{
    TypingStatus status{senderId, receiverId, isTyping, QDateTime::currentDateTimeUtc()};
    Event event;
    event.userIds = {receiverId};
    event.frame = QString::fromUtf8(Envelope{FrameType::TypingStatus, status.toJson()}.toFrame());
    m_hub.publish(event);
}

void TypingTracker::update(qint64 senderId, qint64 receiverId, bool isTyping)
{
    const QPair<qint64, qint64> key(senderId, receiverId);
    if (isTyping) {
        m_deadlines.insert(key, m_clock.elapsed() + expiryMs);
        if (!m_sweep.isActive())
            m_sweep.start();
    } else {
        m_deadlines.remove(key);
    }
    publish(senderId, receiverId, isTyping);
}

void TypingTracker::stop(qint64 senderId, qint64 receiverId)
{
    if (m_deadlines.remove(qMakePair(senderId, receiverId)))
        publish(senderId, receiverId, false);
}

void TypingTracker::stopAllOf(qint64 senderId)
{
    QList<qint64> receivers;
    for (auto it = m_deadlines.cbegin(); it != m_deadlines.cend(); ++it) {
        if (it.key().first == senderId)
            receivers.append(it.key().second);
    }
    for (qint64 receiver : receivers)
        stop(senderId, receiver);
}

void TypingTracker::expire()
{
    const qint64 now = m_clock.elapsed();
    QList<QPair<qint64, qint64>> expired;
    for (auto it = m_deadlines.cbegin(); it != m_deadlines.cend(); ++it) {
        if (it.value() <= now)
            expired.append(it.key());
    }
    for (const auto &key : expired)
        stop(key.first, key.second);
    if (m_deadlines.isEmpty())
        m_sweep.stop();
}

} // namespace fastchat::server
