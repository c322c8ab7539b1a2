// SPDX-License-Identifier: MIT
// Turns composer edits into typing_status frames: "true" at the first key, again every few
// seconds while typing goes on (the server forgets a typist after 6 s without one), and
// "false" once the typing pauses for idleMs, the text is cleared or sent, or the user
// switches conversations.
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <functional>

namespace fastchat::client {

class TypingNotifier : public QObject
{
    Q_OBJECT

public:
    static constexpr int idleMs = 3000;
    static constexpr int refreshMs = 3000;

    using Send = std::function<void(qint64 peerId, bool isTyping)>;

    explicit TypingNotifier(Send send, QObject *parent = nullptr);

    // The user changed the composer's text in the conversation with peerId.
    void edited(qint64 peerId, bool textEmpty);
    // Typing is over (sent, cleared, conversation left).
    void stop();
    bool isTyping() const { return m_typing; }
    void setIdleInterval(int ms) { m_idle.setInterval(ms); }

private:
    Send m_send;
    qint64 m_peer = 0;
    bool m_typing = false;
    QElapsedTimer m_sinceSent;
    QTimer m_idle;
};

} // namespace fastchat::client
