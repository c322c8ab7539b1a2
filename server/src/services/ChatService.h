// SPDX-License-Identifier: MIT
// The rules of 1:1 messaging, shared by the REST routes and the WebSocket: store, then
// tell exactly the two users concerned.
#pragma once

#include "store/ChatQueries.h"
#include "store/PendingMessage.h"
#include "store/Result.h"

#include <QObject>

#include <fastchat/Frames.h>

#include <functional>

namespace fastchat::server {

class Hub;
class Metrics;
class Presence;
class Store;
class TypingTracker;

class ChatService : public QObject
{
    Q_OBJECT
public:
    ChatService(Store &store, Hub &hub, Presence &presence, TypingTracker &typing, Metrics &metrics,
                QObject *parent = nullptr);

    // `done` runs after the commit. `fromConnection` (0 for REST) is not sent the
    // message: it gets the ack instead.
    void send(qint64 senderId, const NewMessage &draft, quint64 fromConnection,
              std::function<void(Result<StoredMessage>)> done);
    void markRead(qint64 readerId, const ReadRequest &request,
                  std::function<void(Result<ReadOutcome>)> done);
    // The seed's GET /chat/history/{peer}: everything, and the peer's messages marked read.
    void fullHistoryMarkingRead(qint64 userId, qint64 peerId,
                                std::function<void(Result<QList<Message>>)> done);

    static QString chatMessageFrame(const Message &message);

private:
    void publishReceipt(const ReadReceipt &receipt);

    Store &m_store;
    Hub &m_hub;
    Presence &m_presence;
    TypingTracker &m_typing;
    Metrics &m_metrics;
};

} // namespace fastchat::server
