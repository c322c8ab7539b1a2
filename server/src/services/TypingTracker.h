// SPDX-License-Identifier: MIT
// Typing indicators: passed to the receiver only, and ended by the server when the
// typist goes quiet (no refresh for 6 s), sends the message, or disconnects.
#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QTimer>

namespace fastchat::server {

class Hub;

class TypingTracker : public QObject
{
    Q_OBJECT
public:
    static constexpr qint64 expiryMs = 6000;

    explicit TypingTracker(Hub &hub, QObject *parent = nullptr);

    void update(qint64 senderId, qint64 receiverId, bool isTyping);
    // Ends the indicator if it is on (after a message, say); silent otherwise.
    void stop(qint64 senderId, qint64 receiverId);
    void stopAllOf(qint64 senderId);

private:
    void expire();
    void publish(qint64 senderId, qint64 receiverId, bool isTyping);

    Hub &m_hub;
    QHash<QPair<qint64, qint64>, qint64> m_deadlines; // (sender, receiver) -> ms
    QElapsedTimer m_clock;
    QTimer m_sweep;
};

} // namespace fastchat::server
