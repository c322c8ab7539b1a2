// SPDX-License-Identifier: MIT
// One authenticated WebSocket. Sends frames, caps what a slow reader may make us buffer,
// and while the client resumes, holds live messages back so that it gets everything it
// missed first, in order, and nothing twice.
#pragma once

#include "auth/Authenticator.h"

#include <QPointer>
#include <QSet>
#include <QTcpSocket>
#include <QWebSocket>

#include <fastchat/FrameType.h>

#include <chrono>
#include <functional>
#include <memory>
#include <vector>

class QJsonObject;

namespace fastchat::server {

struct Event;
class FrameHandler;
class Hub;

// Not a QObject: every idle socket would pay for its private object and for the signal
// connections to it (docs/performance.md, "Idle sockets"). The hub owns each connection
// through a shared_ptr; code that waits for the store holds a weak_ptr (weak_from_this()),
// which expires when the hub lets the connection go.
class Connection : public std::enable_shared_from_this<Connection>
{
    struct Key // only open() constructs (the socket's signals are wired there)
    {
        explicit Key() = default;
    };

public:
    // Past this much unsent data the reader is too slow: it is cut off (1008) rather
    // than making the server buffer without bound.
    static constexpr qint64 maxBufferedBytes = 8 * 1024 * 1024;

    // `transport`: the TCP socket under `socket`, for a clean close (may be null).
    // `frames` gets every frame the client sends; ServerApp destroys the hub, and with it
    // every connection, before the frame handler.
    static std::shared_ptr<Connection> open(std::unique_ptr<QWebSocket> socket,
                                            QPointer<QTcpSocket> transport, quint64 id,
                                            const AuthContext &auth, FrameHandler *frames);
    Connection(Key, std::unique_ptr<QWebSocket> socket, QPointer<QTcpSocket> transport, quint64 id,
               const AuthContext &auth, FrameHandler *frames);
    ~Connection();
    Connection(const Connection &) = delete;
    Connection &operator=(const Connection &) = delete;

    quint64 id() const { return m_id; }
    // The hub that owns this connection; told when it closes (Hub::add sets it).
    void setHub(Hub *hub) { m_hub = hub; }
    qint64 userId() const { return m_userId; }
    bool hasSession(const QString &sessionId) const { return m_sessionId == sessionId.toUtf8(); }
    bool isOpen() const { return m_open && !m_closing; }
    // Token bucket for chat messages: `perSecond`, with bursts of twice that.
    bool takeMessageToken(int perSecond);

    void send(FrameType type, const QJsonObject &payload);
    // A frame already encoded (sent now, even during a resume).
    void sendFrame(const QString &frame) { sendText(frame); }
    // A live event from the hub (held back while a resume is running, and in a cluster
    // while a message of this socket's waits for its ack: see waitsForAck()).
    void deliver(const Event &event);
    // A chat message from this socket went to the store, and the store answered it (with
    // the stored id of what was acked, or 0 for an error). In a cluster, events held for
    // that ack go out now.
    void messageSubmitted() { ++m_messagesInFlight; }
    void messageAnswered(qint64 ackedMessageId);
    // Sends what waited for an answer for more than 5 s (at the next event, or the hub's
    // 30-s sweep calls it). An answer comes right after the commit, but one that waits for
    // a message read back from the database (NATS) may wait behind a long write queue.
    void releaseOverdueWait();
    void close(QWebSocketProtocol::CloseCode code, const QString &reason);
    // Frees the TCP socket's empty read and write buffers (see SocketBuffers.h); the hub
    // calls it now and then, as a socket that was busy may since have gone idle.
    void releaseIdleBuffers();

    // Resume: begin holds live chat messages; sendResumed() sends missed ones (skipping
    // any this socket already got live); endResume() sends resume_done, then the held
    // live events the resume did not already cover.
    bool isResuming() const { return bool(m_resume); }
    void beginResume();
    void sendResumed(qint64 messageId, const QString &frame);
    // True when a message a resume read (from `senderId`) may be one of this socket's whose
    // ack is not out yet: a resume reads what is committed, and the store's answer may still
    // be on its way. The resume then waits: `readOn` runs at the next answer.
    bool resumeWaitsForAck(qint64 senderId, qint64 messageId) const;
    void resumeAfterAnswer(std::function<void()> readOn);
    void endResume(qint64 lastMessageId);

private:
    void listen();
    void received(const QString &text);
    void sendText(const QString &frame);
    void onDisconnected();
    // A cluster's bus brings the messages of this socket in commit order with everyone
    // else's, and it can be quicker than the store's answer: a NOTIFY reaches the listener
    // as the commit ends, NATS loops a message back before the publish's flush returns. A
    // client gets the ack before the message, so such an event, and every event after it,
    // waits (m_ackWait) while it may be this socket's and its ack is not out. The bus names
    // the socket a message came from; one read from the database (NATS filling a gap) may be
    // ours if it is our user's and this socket has messages without an answer.
    bool waitsForAck(const Event &event) const;
    // deliver() without the wait for an ack.
    void deliverNow(const Event &event);
    void hold(const Event &event);
    // Sends whatever waits for an ack, for an answer that does not come.
    void releaseHeld();
    // Remembers a message id sent live, for a resume that may come (m_liveIds).
    void trackLive(qint64 messageId);

    void sendCloseFrame(QWebSocketProtocol::CloseCode code, const QString &reason);

    // Every idle socket holds one of these, so it is kept small (docs/performance.md,
    // "Idle sockets"): what only a resume needs is allocated while one runs, the flags sit
    // together, and the session id is kept as UTF-8 in a buffer of its own size.
    std::unique_ptr<QWebSocket> m_socket;
    QPointer<QTcpSocket> m_transport;
    // Plain pointers rather than signals to the frame handler and the hub: a signal
    // connection costs every idle socket a few hundred bytes (docs/performance.md).
    FrameHandler *m_frames;
    Hub *m_hub = nullptr;
    quint64 m_id;
    qint64 m_userId;
    QByteArray m_sessionId;
    double m_messageTokens = -1;
    std::chrono::steady_clock::time_point m_tokenTime;

    struct ResumeState
    {
        int resumedCount = 0;
        QList<QPair<qint64, QString>> held; // (message id or 0, frame)
        QSet<qint64> resumedIds;
        std::function<void()> afterAnswer; // see resumeWaitsForAck()
    };
    std::unique_ptr<ResumeState> m_resume; // set while a resume runs
    // Message ids sent live before the first resume finished: a resume must not send them
    // again. Ascending, for a binary search (live ids only go up, see m_highestSent).
    // Bounded: a client that resumes does so right after it connects, and one that never
    // does stops being tracked after maxTrackedLiveIds.
    std::vector<qint64> m_liveIds;
    // The highest message id sent on this socket, live or resumed. A node delivers live
    // messages in id order, so a live one at or below it was sent already: by a resume,
    // before a cluster bus (NATS) delivered it late from the database.
    qint64 m_highestSent = 0;
    // The highest id of this socket's messages whose ack is out, and the events that wait
    // for an ack (see waitsForAck()), allocated only while there are any.
    qint64 m_highestAcked = 0;
    struct AckWait;
    std::unique_ptr<AckWait> m_ackWait;
    bool m_open = true;
    bool m_closing = false;
    bool m_trackLive = true;
    int m_messagesInFlight = 0; // chat messages submitted and not yet answered
};

} // namespace fastchat::server
