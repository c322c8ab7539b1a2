// SPDX-License-Identifier: MIT
#include "SocketClient.h"

#include "ApiClient.h"
#include "Logging.h"

#include <QNetworkRequest>
#include <QRandomGenerator>
#include <QWebSocket>

#include <fastchat/Envelope.h>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace fastchat::client {

namespace {

constexpr int firstBackoffMs = 500;
constexpr auto keepAliveInterval = 15s;
constexpr qint64 silenceLimitMs = 40000; // no frame (not even a pong) for this long: dead
constexpr auto openTimeout = 15s;
constexpr qint64 renewMarginSecs = 30; // renew first when the token runs out sooner
constexpr int unavailableRetryMs = 2000;

int backoffMs(int failures)
{
    const int exponent = std::min(failures, 10);
    const double base = firstBackoffMs * double(1 << exponent);
    const double jitter = 0.8 + 0.4 * QRandomGenerator::global()->generateDouble();
    return int(std::min<double>(base * jitter, SocketClient::maxBackoffMs));
}

} // namespace

SocketClient::SocketClient(TokenProvider *tokens, QObject *parent)
    : QObject(parent)
    , m_tokens(tokens)
{
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, &SocketClient::attempt);
    m_keepAliveTimer.setInterval(keepAliveInterval);
    connect(&m_keepAliveTimer, &QTimer::timeout, this, &SocketClient::keepAlive);
    m_openTimeout.setSingleShot(true);
    m_openTimeout.setInterval(openTimeout);
    connect(&m_openTimeout, &QTimer::timeout, this, [this] {
        qCInfo(lcSocket) << "the connection did not open in time";
        m_lastError = u"The server did not answer in time."_s;
        if (m_socket)
            m_socket->abort();
    });
}

SocketClient::~SocketClient()
{
    m_wanted = false;
    discardSocket();
}

void SocketClient::setServerUrl(const QUrl &httpBase)
{
    QUrl url = httpBase;
    url.setScheme(httpBase.scheme() == u"https" ? u"wss"_s : u"ws"_s);
    QString path = url.path();
    while (path.endsWith(u'/'))
        path.chop(1);
    url.setPath(path + u"/ws"_s);
    url.setQuery(QString());
    m_url = url;
}

void SocketClient::setState(State state)
{
    if (state == m_state)
        return;
    qCDebug(lcSocket) << "state" << m_state << "->" << state;
    m_state = state;
    Q_EMIT stateChanged();
}

void SocketClient::setLastMessageId(qint64 id)
{
    m_lastMessageId = std::max(m_lastMessageId, id);
}

void SocketClient::start()
{
    if (m_wanted)
        return;
    m_wanted = true;
    m_failures = 0;
    attempt();
}

void SocketClient::stop()
{
    m_wanted = false;
    ++m_serial;
    m_retryTimer.stop();
    m_keepAliveTimer.stop();
    m_openTimeout.stop();
    if (m_socket) {
        QWebSocket *socket = m_socket;
        m_socket = nullptr;
        socket->disconnect(this);
        socket->close(QWebSocketProtocol::CloseCodeNormal, u"signing out"_s);
        socket->deleteLater();
    }
    m_nextAttemptAt = {};
    Q_EMIT nextAttemptChanged();
    setState(State::Stopped);
}

void SocketClient::reconnectNow()
{
    if (!m_wanted || m_state != State::Waiting)
        return;
    m_retryTimer.stop();
    attempt();
}

void SocketClient::abortConnection()
{
    if (m_socket) {
        qCInfo(lcSocket) << "dropping the connection on purpose";
        m_socket->abort();
    }
}

void SocketClient::discardSocket()
{
    m_openTimeout.stop();
    m_keepAliveTimer.stop();
    if (!m_socket)
        return;
    QWebSocket *socket = std::exchange(m_socket, nullptr);
    socket->disconnect(this);
    socket->abort();
    socket->deleteLater();
}

void SocketClient::attempt()
{
    if (!m_wanted)
        return;
    m_nextAttemptAt = {};
    Q_EMIT nextAttemptChanged();
    setState(State::Connecting);
    const QDateTime expiry = m_tokens->accessTokenExpiry();
    const bool expiring = m_tokens->accessToken().isEmpty() || !expiry.isValid()
            || QDateTime::currentDateTimeUtc().secsTo(expiry) < renewMarginSecs;
    if (!m_renewFirst && !expiring) {
        open();
        return;
    }
    const quint64 serial = ++m_serial;
    m_tokens->renewAccessToken(this, [this, serial](const ApiError &error) {
        if (serial != m_serial || !m_wanted)
            return;
        if (error.ok()) {
            m_renewFirst = false;
            open();
        } else if (error.isUnauthorized()) {
            qCWarning(lcSocket) << "the server refused the session:" << error.message;
            m_lastError = error.message;
            stop();
            Q_EMIT sessionRefused(error.message);
        } else {
            m_lastError = error.message;
            scheduleRetry();
        }
    });
}

void SocketClient::open()
{
    discardSocket();
    const quint64 serial = ++m_serial;
    m_socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    QWebSocket *socket = m_socket;
    connect(socket, &QWebSocket::connected, this, [this, socket, serial] {
        // Frames are small and should leave at once (no Nagle delay behind the server's
        // delayed ACK of the frame before). QWebSocket keeps its TCP socket as a child.
        if (auto *tcp = socket->findChild<QAbstractSocket *>())
            tcp->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        if (serial == m_serial)
            onConnected();
    });
    connect(socket, &QWebSocket::stateChanged, this,
            [this, serial](QAbstractSocket::SocketState s) {
                if (serial == m_serial && s == QAbstractSocket::UnconnectedState)
                    onClosed();
            });
    connect(socket, &QWebSocket::textMessageReceived, this, [this, serial](const QString &text) {
        if (serial == m_serial)
            onFrame(text);
    });
    connect(socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
            [this, socket, serial](QAbstractSocket::SocketError) {
                if (serial != m_serial)
                    return;
                m_lastError = socket->errorString();
                // A refused upgrade: Qt reports the HTTP status only in the text.
                if (m_lastError.contains(u"401"))
                    m_renewFirst = true;
                qCInfo(lcSocket) << "socket error:" << m_lastError;
            });
    QNetworkRequest request(m_url);
    request.setRawHeader("Authorization", "Bearer " + m_tokens->accessToken().toUtf8());
    qCDebug(lcSocket) << "connecting to" << m_url.toString();
    m_openTimeout.start();
    socket->open(request);
}

void SocketClient::onConnected()
{
    m_openTimeout.stop();
    ++m_connectionCount;
    m_lastError.clear();
    m_lastFrameAt = QDateTime::currentDateTimeUtc();
    m_keepAliveTimer.start();
    setState(State::Resuming);
    qCInfo(lcSocket) << "connected; resuming after message" << m_lastMessageId << "with"
                     << m_outbox.size() << "queued message(s)";
    sendFrame(FrameType::Resume, ResumeRequest{m_lastMessageId}.toJson());
    for (auto it = m_pendingReads.cbegin(); it != m_pendingReads.cend(); ++it)
        sendFrame(FrameType::Read, ReadRequest{it.key(), it.value()}.toJson());
    m_pendingReads.clear();
    for (const NewMessage &message : std::as_const(m_outbox))
        sendQueued(message);
}

void SocketClient::onClosed()
{
    if (!m_socket)
        return;
    const auto closeCode = m_socket->closeCode();
    const QString reason = m_socket->closeReason();
    qCInfo(lcSocket) << "connection closed:" << closeCode << reason << m_lastError;
    if (closeCode == QWebSocketProtocol::CloseCodePolicyViolated)
        m_renewFirst = true; // 1008: the session was revoked, or the token is no longer good
    if (m_lastError.isEmpty())
        m_lastError = reason.isEmpty() ? u"The connection to the server was lost."_s : reason;
    discardSocket();
    if (m_wanted)
        scheduleRetry();
    else
        setState(State::Stopped);
}

void SocketClient::scheduleRetry()
{
    const int delay = backoffMs(m_failures++);
    m_nextAttemptAt = QDateTime::currentDateTimeUtc().addMSecs(delay);
    qCInfo(lcSocket) << "next attempt in" << delay << "ms";
    m_retryTimer.start(delay);
    setState(State::Waiting);
    Q_EMIT nextAttemptChanged();
}

void SocketClient::keepAlive()
{
    if (!m_socket || m_state < State::Resuming)
        return;
    if (m_lastFrameAt.msecsTo(QDateTime::currentDateTimeUtc()) > silenceLimitMs) {
        qCInfo(lcSocket) << "the server has been silent too long; reconnecting";
        m_lastError = u"The server stopped answering."_s;
        m_socket->abort();
        return;
    }
    sendFrame(FrameType::Ping, {});
}

void SocketClient::sendFrame(FrameType type, const QJsonObject &payload)
{
    if (!m_socket || m_state < State::Resuming)
        return;
    m_socket->sendTextMessage(QString::fromUtf8(Envelope{type, payload}.toFrame()));
}

void SocketClient::sendQueued(const NewMessage &message)
{
    sendFrame(FrameType::ChatMessage, message.toJson());
}

void SocketClient::sendChatMessage(const NewMessage &message)
{
    Q_ASSERT(!message.clientId.isEmpty());
    if (isQueued(message.clientId))
        cancelMessage(message.clientId);
    m_outbox.append(message);
    sendQueued(message);
}

void SocketClient::cancelMessage(const QString &clientId)
{
    m_outbox.removeIf([&](const NewMessage &m) { return m.clientId == clientId; });
}

bool SocketClient::isQueued(const QString &clientId) const
{
    return std::any_of(m_outbox.cbegin(), m_outbox.cend(),
                       [&](const NewMessage &m) { return m.clientId == clientId; });
}

QList<NewMessage> SocketClient::outbox() const
{
    return m_outbox;
}

void SocketClient::sendTyping(qint64 receiverId, bool isTyping)
{
    const QJsonObject payload{{u"receiver_id"_s, receiverId}, {u"is_typing"_s, isTyping}};
    sendFrame(FrameType::TypingStatus, payload);
}

void SocketClient::sendRead(qint64 peerId, qint64 messageId)
{
    if (m_state >= State::Resuming) {
        sendFrame(FrameType::Read, ReadRequest{peerId, messageId}.toJson());
        return;
    }
    qint64 &pending = m_pendingReads[peerId];
    pending = std::max(pending, messageId);
}

void SocketClient::onFrame(const QString &text)
{
    m_lastFrameAt = QDateTime::currentDateTimeUtc();
    const auto envelope = Envelope::fromFrame(text.toUtf8());
    if (!envelope) {
        qCWarning(lcSocket) << "unreadable frame:" << envelope.error();
        return;
    }
    const QJsonObject &payload = envelope->payload;
    const auto warnBad = [&](const QString &error) {
        qCWarning(lcSocket) << "bad" << frameTypeName(envelope->type) << "frame:" << error;
    };
    switch (envelope->type) {
    case FrameType::ChatMessage: {
        const auto message = Message::fromJson(payload);
        if (!message)
            return warnBad(message.error());
        setLastMessageId(message->id);
        Q_EMIT messageReceived(*message);
        break;
    }
    case FrameType::Ack: {
        const auto ack = Ack::fromJson(payload);
        if (!ack)
            return warnBad(ack.error());
        cancelMessage(ack->clientId);
        Q_EMIT acknowledged(*ack);
        break;
    }
    case FrameType::TypingStatus: {
        const auto status = TypingStatus::fromJson(payload);
        if (!status)
            return warnBad(status.error());
        Q_EMIT typingReceived(*status);
        break;
    }
    case FrameType::UserStatus: {
        const auto status = UserStatus::fromJson(payload);
        if (!status)
            return warnBad(status.error());
        Q_EMIT userStatusReceived(*status);
        break;
    }
    case FrameType::ReadReceipt: {
        const auto receipt = ReadReceipt::fromJson(payload);
        if (!receipt)
            return warnBad(receipt.error());
        Q_EMIT readReceiptReceived(*receipt);
        break;
    }
    case FrameType::ResumeDone: {
        const auto done = ResumeDone::fromJson(payload);
        if (!done)
            return warnBad(done.error());
        setLastMessageId(done->lastMessageId);
        m_failures = 0; // this connection works: the next drop starts the backoff afresh
        qCInfo(lcSocket) << "resumed:" << done->count << "missed message(s)";
        setState(State::Online);
        Q_EMIT resumed(*done);
        break;
    }
    case FrameType::Error: {
        const auto error = ErrorFrame::fromJson(payload);
        if (!error)
            return warnBad(error.error());
        if (!error->clientId.isEmpty() && isQueued(error->clientId)) {
            if (error->code == u"unavailable") {
                // The database did not answer: the same client_id again, a little later.
                const QString clientId = error->clientId;
                const quint64 serial = m_serial;
                QTimer::singleShot(unavailableRetryMs, this, [this, clientId, serial] {
                    if (serial != m_serial)
                        return; // a reconnect re-sends the whole outbox anyway
                    for (const NewMessage &m : std::as_const(m_outbox)) {
                        if (m.clientId == clientId)
                            sendQueued(m);
                    }
                });
                return;
            }
            cancelMessage(error->clientId);
            Q_EMIT sendFailed(error->clientId, error->code, error->message);
            return;
        }
        qCWarning(lcSocket) << "the server refused a frame:" << error->code << error->message;
        break;
    }
    case FrameType::Pong:
        break;
    case FrameType::Resume:
    case FrameType::Read:
    case FrameType::Ping:
        warnBad(u"a client-to-server type"_s);
        break;
    }
}

} // namespace fastchat::client
