// SPDX-License-Identifier: MIT
#include "ChatService.h"

#include "Presence.h"
#include "TypingTracker.h"
#include "observability/Metrics.h"
#include "realtime/Hub.h"
#include "store/SqlSession.h"
#include "store/Store.h"
#include "store/UserQueries.h"

#include <fastchat/Envelope.h>

using namespace Qt::StringLiterals;

namespace fastchat::server {

ChatService::ChatService(Store &store, Hub &hub, Presence &presence, TypingTracker &typing,
                         Metrics &metrics, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_hub(hub)
    , m_presence(presence)
    , m_typing(typing)
    , m_metrics(metrics)
{}

QString ChatService::chatMessageFrame(const Message &message)
{
    return QString::fromUtf8(message.toChatMessageFrame());
}

void ChatService::send(qint64 senderId, const NewMessage &draft, quint64 fromConnection,
                       std::function<void(Result<StoredMessage>)> done)
{
    if (draft.receiverId == senderId) {
        done(forbidden(u"you cannot send a message to yourself"_s));
        return;
    }
    m_store.writeMessage(senderId, draft, fromConnection,
                         [this, fromConnection, done](Result<StoredMessage> result) {
                             if (result && !result->duplicate) {
                                 ++m_metrics.messagesStored;
                                 const Message &m = result->message;
                                 // The sender stopped typing to this receiver: say so before the
                                 // message.
                                 m_typing.stop(m.senderId, m.receiverId);
                                 // In a cluster the writer published the message with its
                                 // commit already (NOTIFY or NATS).
                                 if (!m_store.publishesMessageEvents()) {
                                     Event event;
                                     event.userIds = {m.senderId, m.receiverId};
                                     event.frame = result->frame;
                                     event.messageId = m.id;
                                     event.originConnection = fromConnection;
                                     m_hub.publish(event);
                                 }
                                 if (result->newConversation)
                                     m_presence.contactsMet(m.senderId, m.receiverId);
                             }
                             done(std::move(result));
                         });
}

void ChatService::publishReceipt(const ReadReceipt &receipt)
{
    Event event;
    event.userIds = {receipt.readerId, receipt.peerId};
    event.frame = QString::fromUtf8(Envelope{FrameType::ReadReceipt, receipt.toJson()}.toFrame());
    m_hub.publish(event);
}

void ChatService::markRead(qint64 readerId, const ReadRequest &request,
                           std::function<void(Result<ReadOutcome>)> done)
{
    m_store.write<ReadOutcome>(
            [readerId, request](SqlSession &s) {
                return ChatQueries::markRead(s, readerId, request.peerId, request.messageId);
            },
            [this, done](Result<ReadOutcome> result) {
                if (result && result->marked > 0)
                    publishReceipt(result->receipt);
                done(std::move(result));
            });
}

void ChatService::fullHistoryMarkingRead(qint64 userId, qint64 peerId,
                                         std::function<void(Result<QList<Message>>)> done)
{
    struct Answer
    {
        QList<Message> messages;
        std::optional<ReadReceipt> receipt;
    };
    m_store.write<Answer>(
            [userId, peerId](SqlSession &s) -> Result<Answer> {
                const auto peer = UserQueries::findById(s, peerId);
                if (!peer)
                    return peer.error();
                auto messages = ChatQueries::fullHistory(s, userId, peerId);
                if (!messages)
                    return messages.error();
                Answer answer;
                qint64 lastFromPeer = 0;
                for (const Message &m : messages.value()) {
                    if (m.senderId == peerId)
                        lastFromPeer = m.id;
                }
                if (lastFromPeer) {
                    auto read = ChatQueries::markRead(s, userId, peerId, lastFromPeer);
                    if (!read)
                        return read.error();
                    if (read->marked > 0) {
                        answer.receipt = read->receipt;
                        for (Message &m : messages.value()) {
                            if (m.senderId == peerId && !m.readAt.isValid())
                                m.readAt = read->receipt.readAt;
                        }
                    }
                }
                answer.messages = std::move(messages.value());
                return answer;
            },
            [this, done](Result<Answer> result) {
                if (!result) {
                    done(result.error());
                    return;
                }
                if (result->receipt)
                    publishReceipt(*result->receipt);
                done(result->messages);
            });
}

} // namespace fastchat::server
