// SPDX-License-Identifier: MIT
// The real-time half of the protocol: one QWebSocket to /ws, opened with an
// "Authorization: Bearer" header (which QML's WebSocket cannot send). It keeps itself
// connected: exponential backoff between attempts (capped at 30 s, reset once a connection
// has resumed), a fresh access token before each attempt when the old one is about to run
// out, `resume` with the last message id on every (re)connect, and an outbox of chat
// messages that stay there until the server acknowledges their client_id, re-sent after
// every reconnect (the server stores a client_id once, so nothing doubles).
#pragma once

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QObject>
#include <QTimer>
#include <QUrl>

#include <fastchat/FrameType.h>
#include <fastchat/Frames.h>
#include <fastchat/Message.h>
#include <fastchat/NewMessage.h>
#include <fastchat/TypingStatus.h>

class QWebSocket;

namespace fastchat::client {

class TokenProvider;

class SocketClient : public QObject
{
    Q_OBJECT

public:
    enum class State {
        Stopped, // not wanted (signed out)
        Waiting, // a connection failed or dropped; the next attempt is planned at nextAttemptAt()
        Connecting, // renewing the token or opening the socket
        Resuming,   // open; the missed messages are coming
        Online,     // open and up to date
    };
    Q_ENUM(State)

    static constexpr int maxBackoffMs = 30000;

    explicit SocketClient(TokenProvider *tokens, QObject *parent = nullptr);
    ~SocketClient() override;

    // The server's http(s) base address; the socket goes to ws(s)://.../ws.
    void setServerUrl(const QUrl &httpBase);
    QUrl socketUrl() const { return m_url; }

    void start();
    void stop();
    // Skip the wait before the next attempt.
    void reconnectNow();
    // Drops the connection at once, as a broken network would; reconnecting follows as usual.
    void abortConnection();

    State state() const { return m_state; }
    bool isOnline() const { return m_state == State::Online; }
    QDateTime nextAttemptAt() const { return m_nextAttemptAt; }
    QString lastError() const { return m_lastError; }
    int connectionCount() const { return m_connectionCount; }

    // The highest message id this client has; sent with every resume.
    qint64 lastMessageId() const { return m_lastMessageId; }
    void setLastMessageId(qint64 id);

    // Queues a chat message (its clientId must be set) and sends it when connected. It stays
    // queued until acknowledged or refused.
    void sendChatMessage(const NewMessage &message);
    // Forgets a queued message (it may still arrive if it was already on its way).
    void cancelMessage(const QString &clientId);
    bool isQueued(const QString &clientId) const;
    QList<NewMessage> outbox() const;
    // Typing notices only make sense now: dropped when not connected.
    void sendTyping(qint64 receiverId, bool isTyping);
    // Read marks are kept (the highest per peer) until they can be sent.
    void sendRead(qint64 peerId, qint64 messageId);

Q_SIGNALS:
    void stateChanged();
    void nextAttemptChanged();
    void messageReceived(const fastchat::Message &message);
    void acknowledged(const fastchat::Ack &ack);
    void typingReceived(const fastchat::TypingStatus &status);
    void userStatusReceived(const fastchat::UserStatus &status);
    void readReceiptReceived(const fastchat::ReadReceipt &receipt);
    void resumed(const fastchat::ResumeDone &done);
    // The server refused a queued message for good (it left the outbox).
    void sendFailed(const QString &clientId, const QString &code, const QString &message);
    // The server ended the session (the refresh token was refused); no more attempts.
    void sessionRefused(const QString &reason);

private:
    void setState(State state);
    void attempt();
    void open();
    void onConnected();
    void onClosed();
    void onFrame(const QString &text);
    void scheduleRetry();
    void sendFrame(FrameType type, const QJsonObject &payload);
    void sendQueued(const NewMessage &message);
    void keepAlive();
    void discardSocket();

    TokenProvider *m_tokens;
    QUrl m_url;
    QWebSocket *m_socket = nullptr;
    State m_state = State::Stopped;
    bool m_wanted = false;
    bool m_renewFirst = false;
    int m_failures = 0;
    int m_connectionCount = 0;
    quint64 m_serial = 0; // bumped per connection attempt; stale callbacks compare it
    QString m_lastError;
    QDateTime m_nextAttemptAt;
    QDateTime m_lastFrameAt;
    QTimer m_retryTimer;
    QTimer m_keepAliveTimer;
    QTimer m_openTimeout;
    qint64 m_lastMessageId = 0;
    QList<NewMessage> m_outbox;
    QHash<qint64, qint64> m_pendingReads;
};

} // namespace fastchat::client
