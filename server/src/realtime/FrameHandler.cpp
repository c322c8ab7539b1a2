// SPDX-License-Identifier: MIT
#include "FrameHandler.h"

#include "Connection.h"
#include "Hub.h"
#include "app/Logging.h"
#include "observability/Metrics.h"
#include "services/ChatService.h"
#include "services/TypingTracker.h"
#include "store/ChatQueries.h"
#include "store/SqlSession.h"
#include "store/Store.h"
#include "store/UserQueries.h"

#include <QElapsedTimer>

#include <fastchat/Envelope.h>
#include <fastchat/Frames.h>
#include <fastchat/NewMessage.h>
#include <fastchat/TypingStatus.h>

using namespace Qt::StringLiterals;

namespace fastchat::server {

namespace {
constexpr int resumePageSize = 500;
constexpr qsizetype maxKnownUsers = 100000;
} // namespace

FrameHandler::FrameHandler(Store &store, Hub &hub, ChatService &chat, TypingTracker &typing,
                           Metrics &metrics, int messagesPerSecond, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_hub(hub)
    , m_chat(chat)
    , m_typing(typing)
    , m_metrics(metrics)
    , m_messagesPerSecond(messagesPerSecond)
{}

QString FrameHandler::errorCode(const StoreError &error)
{
    switch (error.kind) {
    case StoreError::NotFound:
        return u"not_found"_s;
    case StoreError::Conflict:
        return u"conflict"_s;
    case StoreError::Forbidden:
        return u"forbidden"_s;
    case StoreError::Invalid:
        return u"invalid_payload"_s;
    case StoreError::Unavailable:
        return u"unavailable"_s;
    case StoreError::Internal:
        return u"internal"_s;
    }
    return u"internal"_s;
}

void FrameHandler::sendError(Connection *connection, const QString &code, const QString &message,
                             const QString &clientId)
{
    m_metrics.countError(code);
    connection->send(FrameType::Error, ErrorFrame{code, message, clientId}.toJson());
}

void FrameHandler::handle(Connection *connection, const QString &text)
{
    const auto envelope = Envelope::fromFrame(text.toUtf8());
    if (!envelope) {
        sendError(connection, envelope.code(), envelope.error());
        return;
    }
    const QJsonObject &payload = envelope->payload;
    switch (envelope->type) {
    case FrameType::ChatMessage: {
        const auto draft = NewMessage::fromJson(payload);
        if (!draft) {
            sendError(connection, draft.code(), draft.error(),
                      payload.value(u"client_id").toString().left(NewMessage::maxClientIdBytes));
            return;
        }
        if (!connection->takeMessageToken(m_messagesPerSecond)) {
            sendError(connection, u"rate_limited"_s,
                      u"more than %1 messages a second; slow down and send it again"_s.arg(
                              m_messagesPerSecond),
                      draft->clientId);
            return;
        }
        connection->messageSubmitted();
        // Weak: the connection may close before the store answers.
        std::weak_ptr<Connection> weakOrigin = connection->weak_from_this();
        const QString clientId = draft->clientId;
        QElapsedTimer received;
        received.start();
        m_chat.send(connection->userId(), draft.value(), connection->id(),
                    [this, weakOrigin, clientId, received](Result<StoredMessage> result) {
                        if (result && !result->duplicate)
                            m_metrics.deliveryLatency.observe(double(received.nsecsElapsed())
                                                              / 1e9);
                        const auto origin = weakOrigin.lock();
                        if (!origin)
                            return; // the client will resume and re-send with its client_id
                        if (!result) {
                            sendError(origin.get(), errorCode(result.error()),
                                      result.error().message, clientId);
                            origin->messageAnswered(0);
                            return;
                        }
                        const Message &m = result->message;
                        ++m_metrics.acks;
                        origin->sendFrame(QString::fromUtf8(
                                Ack{clientId, m.id, m.conversationId, m.timestamp}.toFrame()));
                        // The sending socket gets the stored message too (the seed echoed
                        // it); a client that knows acks can match it by client_id. In a cluster
                        // the bus brings it, in commit order with the other nodes' messages.
                        if (!result->duplicate && !m_store.publishesMessageEvents()) {
                            Event echo;
                            echo.frame = result->frame;
                            echo.messageId = m.id;
                            origin->deliver(echo);
                        }
                        origin->messageAnswered(m.id);
                    });
        return;
    }
    case FrameType::TypingStatus: {
        const auto status = TypingStatus::fromJson(payload);
        if (!status) {
            sendError(connection, status.code(), status.error());
            return;
        }
        typing(connection, status->receiverId, status->isTyping);
        return;
    }
    case FrameType::Read: {
        const auto request = ReadRequest::fromJson(payload);
        if (!request) {
            sendError(connection, request.code(), request.error());
            return;
        }
        std::weak_ptr<Connection> weakOrigin = connection->weak_from_this();
        m_chat.markRead(
                connection->userId(), request.value(),
                [this, weakOrigin](Result<ReadOutcome> result) {
                    const auto origin = weakOrigin.lock();
                    if (!origin)
                        return;
                    if (!result)
                        sendError(origin.get(), errorCode(result.error()), result.error().message);
                    else if (result->marked == 0) // nothing changed, so nobody else was told
                        origin->send(FrameType::ReadReceipt, result->receipt.toJson());
                });
        return;
    }
    case FrameType::Resume: {
        const auto request = ResumeRequest::fromJson(payload);
        if (!request) {
            sendError(connection, request.code(), request.error());
            return;
        }
        if (connection->isResuming()) {
            sendError(connection, u"conflict"_s, u"a resume is already running"_s);
            return;
        }
        resume(connection, request->lastMessageId);
        return;
    }
    case FrameType::Ping:
        connection->send(FrameType::Pong, {});
        return;
    default:
        sendError(connection, u"forbidden"_s,
                  u"%1 frames are sent by the server, not to it"_s.arg(
                          frameTypeName(envelope->type)));
        return;
    }
}

void FrameHandler::typing(Connection *connection, qint64 receiverId, bool isTyping)
{
    if (receiverId == connection->userId()) {
        sendError(connection, u"forbidden"_s, u"you cannot type to yourself"_s);
        return;
    }
    // An online user exists; anyone else is looked up once.
    if (m_hub.isOnline(receiverId) || m_knownUsers.contains(receiverId)) {
        m_typing.update(connection->userId(), receiverId, isTyping);
        return;
    }
    std::weak_ptr<Connection> weakOrigin = connection->weak_from_this();
    const qint64 senderId = connection->userId();
    m_store.read<UserRecord>(
            [receiverId](SqlSession &s) { return UserQueries::findById(s, receiverId); },
            [this, weakOrigin, senderId, receiverId, isTyping](Result<UserRecord> user) {
                if (!user) {
                    if (const auto origin = weakOrigin.lock())
                        sendError(origin.get(), errorCode(user.error()),
                                  user.error().kind == StoreError::NotFound
                                          ? u"no user with id %1"_s.arg(receiverId)
                                          : user.error().message);
                    return;
                }
                if (m_knownUsers.size() < maxKnownUsers)
                    m_knownUsers.insert(receiverId);
                m_typing.update(senderId, receiverId, isTyping);
            });
}

void FrameHandler::resume(Connection *connection, qint64 lastMessageId)
{
    connection->beginResume();
    resumePage(connection, lastMessageId);
}

void FrameHandler::resumePage(Connection *connection, qint64 afterId)
{
    std::weak_ptr<Connection> weakTarget = connection->weak_from_this();
    const qint64 userId = connection->userId();
    m_store.read<QList<Message>>(
            [userId, afterId](SqlSession &s) {
                return ChatQueries::messagesSince(s, userId, afterId, resumePageSize);
            },
            [this, weakTarget, afterId](Result<QList<Message>> page) {
                const auto target = weakTarget.lock();
                if (!target || !target->isOpen())
                    return;
                if (!page) {
                    // No resume_done: it would tell the client it is caught up, and the live
                    // messages held back (newer than the ones it is missing) would then make
                    // its next resume start past the gap. Close instead: it resumes again.
                    sendError(target.get(), errorCode(page.error()), page.error().message);
                    // 1013 "Try Again Later" (IANA's WebSocket close code registry).
                    target->close(QWebSocketProtocol::CloseCode(1013),
                                  u"resume failed; reconnect and resume again"_s);
                    return;
                }
                qint64 last = afterId;
                for (const Message &m : page.value()) {
                    // Committed, and maybe this socket's own with its ack still to come.
                    if (target->resumeWaitsForAck(m.senderId, m.id)) {
                        target->resumeAfterAnswer([this, weakTarget, last] {
                            if (const auto t = weakTarget.lock(); t && t->isOpen())
                                resumePage(t.get(), last);
                        });
                        return;
                    }
                    target->sendResumed(m.id, ChatService::chatMessageFrame(m));
                    last = m.id;
                }
                if (page->size() == resumePageSize)
                    resumePage(target.get(), last);
                else
                    target->endResume(last);
            });
}

} // namespace fastchat::server
