// SPDX-License-Identifier: MIT
// Reads the frames a client sends and answers each: parse, check, act, reply. A bad
// frame gets an error frame; the connection stays open and nothing changes.
#pragma once

#include "store/Result.h"

#include <QObject>
#include <QSet>

namespace fastchat::server {

class ChatService;
class Connection;
class Hub;
class Metrics;
class Store;
class TypingTracker;

class FrameHandler : public QObject
{
    Q_OBJECT
public:
    FrameHandler(Store &store, Hub &hub, ChatService &chat, TypingTracker &typing, Metrics &metrics,
                 int messagesPerSecond, QObject *parent = nullptr);

    void handle(Connection *connection, const QString &text);
    // Sends every message after `lastMessageId`, then resume_done.
    void resume(Connection *connection, qint64 lastMessageId);

    void sendError(Connection *connection, const QString &code, const QString &message,
                   const QString &clientId = {});
    static QString errorCode(const StoreError &error);

private:
    void resumePage(Connection *connection, qint64 afterId);
    void typing(Connection *connection, qint64 receiverId, bool isTyping);

    Store &m_store;
    Hub &m_hub;
    ChatService &m_chat;
    TypingTracker &m_typing;
    Metrics &m_metrics;
    int m_messagesPerSecond;
    QSet<qint64> m_knownUsers; // receivers confirmed to exist (for typing)
};

} // namespace fastchat::server
