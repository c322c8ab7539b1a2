// SPDX-License-Identifier: MIT
// One server node: builds the parts in order, listens, accepts WebSockets, and stops
// gracefully (close sockets with 1001, finish every stored message, then exit).
#pragma once

#include "ServerConfig.h"

#include <QLockFile>
#include <QObject>

#include <memory>

class QWebSocket;

namespace fastchat::server {

class AuthApi;
class Metrics;
class OpsApi;
class Authenticator;
class ChatApi;
class ChatService;
class EventBus;
class FileApi;
class FileService;
class FrameHandler;
class KeyApi;
class HttpServer;
class Hub;
class PasswordHasher;
class Presence;
class SessionService;
class Store;
class TypingTracker;
class UserApi;

class ServerApp : public QObject
{
    Q_OBJECT
public:
    explicit ServerApp(const ServerConfig &config, QObject *parent = nullptr);
    ~ServerApp() override;

    // False with a message when the node cannot start (the caller exits non-zero).
    bool start(QString *error);
    quint16 port() const { return m_port; }
    // Stops accepting, closes sockets with 1001, drains the store; then emits stopped().
    void stop();

signals:
    void stopped();

private:
    void accept(std::unique_ptr<QWebSocket> socket);
    bool setUpTls(QString *error);

    ServerConfig m_config;
    std::unique_ptr<QLockFile> m_sqliteLock;
    std::unique_ptr<Metrics> m_metrics;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<Authenticator> m_auth;
    std::unique_ptr<PasswordHasher> m_hasher;
    std::unique_ptr<EventBus> m_bus;
    std::unique_ptr<Hub> m_hub;
    std::unique_ptr<Presence> m_presence;
    std::unique_ptr<TypingTracker> m_typing;
    std::unique_ptr<ChatService> m_chat;
    std::unique_ptr<SessionService> m_sessions;
    std::unique_ptr<FrameHandler> m_frames;
    std::unique_ptr<AuthApi> m_authApi;
    std::unique_ptr<UserApi> m_userApi;
    std::unique_ptr<ChatApi> m_chatApi;
    std::unique_ptr<FileService> m_files;
    std::unique_ptr<FileApi> m_fileApi;
    std::unique_ptr<KeyApi> m_keyApi;
    std::unique_ptr<OpsApi> m_opsApi;
    std::unique_ptr<HttpServer> m_http;
    quint16 m_port = 0;
    bool m_stopping = false;
};

} // namespace fastchat::server
