// SPDX-License-Identifier: MIT
#include "Connection.h"

#include "FrameHandler.h"
#include "Hub.h"
#include "SocketBuffers.h"
#include "app/Logging.h"
#include "cluster/Event.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkProxy>
#include <QTimer>

#include <fastchat/Envelope.h>
#include <fastchat/Frames.h>
#include <sys/socket.h>

#include <algorithm>
#include <deque>
#include <utility>

using namespace Qt::StringLiterals;

namespace fastchat::server {

namespace {
constexpr size_t maxTrackedLiveIds = 4096;
// Events that wait for an ack (waitsForAck()). The answer comes right after the commit,
// so these bounds are reached only by a store far behind, or one that stopped.
constexpr size_t maxAwaitingAck = 8192;
constexpr auto maxAckWait = std::chrono::seconds(5);
} // namespace

struct Connection::AckWait
{
    std::deque<Event> events;
    // When the event in front began to wait.
    std::chrono::steady_clock::time_point since = std::chrono::steady_clock::now();
};

std::shared_ptr<Connection> Connection::open(std::unique_ptr<QWebSocket> socket,
                                             QPointer<QTcpSocket> transport, quint64 id,
                                             const AuthContext &auth, FrameHandler *frames)
{
    auto connection = std::make_shared<Connection>(Key{}, std::move(socket), std::move(transport),
                                                   id, auth, frames);
    connection->listen();
    return connection;
}

Connection::Connection(Key, std::unique_ptr<QWebSocket> socket, QPointer<QTcpSocket> transport,
                       quint64 id, const AuthContext &auth, FrameHandler *frames)
    : m_socket(std::move(socket))
    , m_transport(std::move(transport))
    , m_frames(frames)
    , m_id(id)
    , m_userId(auth.userId)
    , m_sessionId(auth.sessionId.toUtf8())
{
    m_sessionId.squeeze(); // toUtf8() leaves room for three bytes a character
}

void Connection::listen()
{
    // The socket is the context of its connections: they go with it, and this owns it.
    // ~Connection cuts them first, as ~QWebSocket still signals while it closes.
    QWebSocket *s = m_socket.get();
    // Frames that arrive after we began to close are not acted on (the client re-sends
    // what it did not get an ack for, after it reconnects).
    QObject::connect(s, &QWebSocket::textMessageReceived, s,
                     [this](const QString &text) { received(text); });
    QObject::connect(s, &QWebSocket::binaryMessageReceived, s,
                     [this](const QByteArray &data) { received(QString::fromUtf8(data)); });
    QObject::connect(s, &QWebSocket::disconnected, s, [this] { onDisconnected(); });
    // Every QWebSocket starts with its own copy of a DefaultProxy setting (about 150 bytes
    // on the heap), read only when a client socket opens a connection; a QNetworkProxy()
    // is the same DefaultProxy without a private copy. setProxy() replaces it, as it
    // compares unequal (not the same object), and the copy is freed.
    s->setProxy(QNetworkProxy());
    // Most sockets are idle once open: drop the buffers the handshake filled as soon as its
    // response is out, instead of keeping 48 KiB of empty chunks per socket (SocketBuffers.h).
    // Connected on the TCP socket, whose signal table Qt's own wiring has already made
    // (a first connection to one of QWebSocket's later signals would allocate its table up
    // to that signal, for good); the weak_ptr makes it safe whenever the signal comes.
    if (m_transport) {
        if (m_transport->bytesToWrite() == 0)
            releaseIdleBuffers();
        else
            QObject::connect(
                    m_transport, &QTcpSocket::bytesWritten, m_transport,
                    [weak = weak_from_this()] {
                        if (const auto connection = weak.lock())
                            connection->releaseIdleBuffers();
                    },
                    Qt::SingleShotConnection);
    }
}

Connection::~Connection()
{
    if (QWebSocket *s = m_socket.get()) {
        QObject::disconnect(s, &QWebSocket::textMessageReceived, s, nullptr);
        QObject::disconnect(s, &QWebSocket::binaryMessageReceived, s, nullptr);
        QObject::disconnect(s, &QWebSocket::disconnected, s, nullptr);
    }
}

void Connection::received(const QString &text)
{
    if (!m_closing && m_frames)
        m_frames->handle(this, text);
}

void Connection::onDisconnected()
{
    if (!m_open)
        return;
    m_open = false;
    qCDebug(lcWs) << "connection" << m_id << "of user" << userId() << "closed"
                  << m_socket->closeCode() << m_socket->closeReason();
    if (m_hub)
        m_hub->remove(this);
}

void Connection::close(QWebSocketProtocol::CloseCode code, const QString &reason)
{
    if (!m_open || m_closing)
        return;
    m_closing = true;
    if (m_transport && m_transport->state() == QAbstractSocket::ConnectedState)
        sendCloseFrame(code, reason);
    else
        m_socket->close(code, reason);
    // Abort if the peer never answers the close handshake.
    QTimer::singleShot(5000, m_socket.get(), [s = m_socket.get()] {
        if (s->state() != QAbstractSocket::UnconnectedState)
            s->abort();
    });
}

// QWebSocket::close() closes the TCP socket right after its close frame. A client that
// is still sending then meets unread data at our end, the kernel answers with a reset,
// and the reset can destroy the close frame before the client reads it: it sees an
// abnormal closure instead of our code. So the close frame is written here, the sending
// half of the connection is shut once it is out, and the client's own close frame (or
// its end of the connection) finishes the closing handshake as RFC 6455 describes.
void Connection::sendCloseFrame(QWebSocketProtocol::CloseCode code, const QString &reason)
{
    const QByteArray reasonUtf8 = reason.toUtf8().left(123);
    QByteArray frame;
    frame += char(0x88); // FIN + close; a server's frames are not masked
    frame += char(2 + reasonUtf8.size());
    frame += char(quint16(code) >> 8);
    frame += char(quint16(code) & 0xff);
    frame += reasonUtf8;
    m_transport->write(frame);
    const auto shutWhenSent = [transport = m_transport] {
        if (transport && transport->bytesToWrite() == 0
            && transport->state() == QAbstractSocket::ConnectedState)
            ::shutdown(int(transport->socketDescriptor()), SHUT_WR);
    };
    // Context: the TCP socket, the only thing the lambda touches (and it may outlive this).
    QObject::connect(m_transport, &QTcpSocket::bytesWritten, m_transport, shutWhenSent);
    m_transport->flush();
    shutWhenSent();
}

void Connection::releaseIdleBuffers()
{
    if (m_open && !m_closing)
        releaseIdleSocketBuffers(m_transport);
}

void Connection::sendText(const QString &frame)
{
    if (!m_open || m_closing)
        return;
    if (m_socket->bytesToWrite() > maxBufferedBytes) {
        qCWarning(lcWs) << "connection" << m_id << "of user" << userId()
                        << "reads too slowly; closing it";
        close(QWebSocketProtocol::CloseCodePolicyViolated, u"too slow: send buffer full"_s);
        return;
    }
    m_socket->sendTextMessage(frame);
}

void Connection::send(FrameType type, const QJsonObject &payload)
{
    sendText(QString::fromUtf8(Envelope{type, payload}.toFrame()));
}

void Connection::deliver(const Event &event)
{
    if (m_ackWait || waitsForAck(event))
        hold(event);
    else
        deliverNow(event);
}

bool Connection::waitsForAck(const Event &event) const
{
    if (!event.messageId || event.messageId <= m_highestAcked || m_messagesInFlight == 0)
        return false;
    if (event.originUnknown)
        return !event.userIds.isEmpty() && event.userIds.first() == m_userId; // the sender
    return event.originConnection == m_id;
}

void Connection::deliverNow(const Event &event)
{
    if (m_resume) {
        m_resume->held.append({event.messageId, event.frame});
        return;
    }
    if (event.messageId) {
        if (event.messageId <= m_highestSent)
            return;
        m_highestSent = event.messageId;
        trackLive(event.messageId);
    }
    sendText(event.frame);
}

void Connection::hold(const Event &event)
{
    if (m_ackWait && std::chrono::steady_clock::now() - m_ackWait->since > maxAckWait) {
        releaseOverdueWait();
        if (!waitsForAck(event)) {
            deliverNow(event);
            return;
        }
    }
    if (!m_ackWait)
        m_ackWait = std::make_unique<AckWait>();
    m_ackWait->events.push_back(event);
    if (m_ackWait->events.size() > maxAwaitingAck)
        releaseHeld();
}

void Connection::messageAnswered(qint64 ackedMessageId)
{
    m_messagesInFlight = std::max(0, m_messagesInFlight - 1);
    m_highestAcked = std::max(m_highestAcked, ackedMessageId);
    if (m_resume && m_resume->afterAnswer)
        std::exchange(m_resume->afterAnswer, {})(); // it asks again if it still has to wait
    if (!m_ackWait)
        return;
    std::deque<Event> &events = m_ackWait->events;
    if (waitsForAck(events.front()))
        return;
    while (!events.empty() && !waitsForAck(events.front())) {
        const Event next = std::move(events.front());
        events.pop_front();
        deliverNow(next);
    }
    if (events.empty())
        m_ackWait.reset();
    else
        m_ackWait->since = std::chrono::steady_clock::now(); // a new event in front
}

void Connection::releaseOverdueWait()
{
    if (!m_ackWait || std::chrono::steady_clock::now() - m_ackWait->since <= maxAckWait)
        return;
    qCWarning(lcWs) << "connection" << m_id << "had no answer for its message in"
                    << maxAckWait.count() << "s; sending the" << m_ackWait->events.size()
                    << "events that waited for it";
    releaseHeld();
}

void Connection::releaseHeld()
{
    const std::unique_ptr<AckWait> wait = std::move(m_ackWait);
    if (!wait)
        return;
    for (const Event &e : wait->events) {
        // Should their ack come after all, nothing waits for it.
        if (waitsForAck(e))
            m_highestAcked = std::max(m_highestAcked, e.messageId);
        deliverNow(e);
    }
}

void Connection::trackLive(qint64 messageId)
{
    if (m_trackLive && m_liveIds.size() < maxTrackedLiveIds)
        m_liveIds.push_back(messageId); // in order: see m_highestSent
}

bool Connection::takeMessageToken(int perSecond)
{
    const double burst = 2.0 * perSecond;
    // Whole milliseconds since the last call, as QElapsedTimer::restart() counted them
    // (the same monotonic clock, in half its size).
    const auto now = std::chrono::steady_clock::now();
    if (m_messageTokens < 0) {
        m_messageTokens = burst;
        m_tokenTime = now;
    }
    const auto elapsedMs
            = std::chrono::duration_cast<std::chrono::milliseconds>(now - m_tokenTime).count();
    m_tokenTime = now;
    m_messageTokens = std::min(burst, m_messageTokens + double(elapsedMs) * perSecond / 1000.0);
    if (m_messageTokens < 1)
        return false;
    m_messageTokens -= 1;
    return true;
}

void Connection::beginResume()
{
    m_resume = std::make_unique<ResumeState>();
}

void Connection::sendResumed(qint64 messageId, const QString &frame)
{
    if (std::binary_search(m_liveIds.cbegin(), m_liveIds.cend(), messageId))
        return;
    if (m_resume) {
        m_resume->resumedIds.insert(messageId);
        ++m_resume->resumedCount;
    }
    m_highestSent = std::max(m_highestSent, messageId);
    sendText(frame);
}

bool Connection::resumeWaitsForAck(qint64 senderId, qint64 messageId) const
{
    return m_resume && senderId == m_userId && messageId > m_highestAcked && m_messagesInFlight > 0;
}

void Connection::resumeAfterAnswer(std::function<void()> readOn)
{
    if (m_resume)
        m_resume->afterAnswer = std::move(readOn);
}

void Connection::endResume(qint64 lastMessageId)
{
    const std::unique_ptr<ResumeState> resume = std::move(m_resume);
    send(FrameType::ResumeDone,
         ResumeDone{lastMessageId, resume ? resume->resumedCount : 0}.toJson());
    if (resume) {
        for (const auto &[messageId, frame] : std::as_const(resume->held)) {
            if (messageId && (resume->resumedIds.contains(messageId) || messageId <= m_highestSent))
                continue;
            m_highestSent = std::max(m_highestSent, messageId);
            sendText(frame);
        }
    }
    m_liveIds = {}; // and its memory
    m_trackLive = false;
}

} // namespace fastchat::server
