// SPDX-License-Identifier: MIT
// GET /chat/conversations, GET /chat/history/{peer}, POST /chat/message, POST /chat/read.
#pragma once

#include <QObject>

namespace fastchat::server {

class ChatService;
class HttpServer;
class Presence;
class Store;

class ChatApi : public QObject
{
    Q_OBJECT
public:
    ChatApi(Store &store, ChatService &chat, Presence &presence, QObject *parent = nullptr);
    void registerRoutes(HttpServer &server);

private:
    Store &m_store;
    ChatService &m_chat;
    Presence &m_presence;
};

} // namespace fastchat::server
