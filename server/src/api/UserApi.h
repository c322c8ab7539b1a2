// SPDX-License-Identifier: MIT
// GET /users, /users/me, /users/{id}; PUT and DELETE /users/{id} (only by the user).
#pragma once

#include <QObject>

namespace fastchat::server {

class HttpServer;
class PasswordHasher;
class Presence;
class SessionService;
class Store;

class UserApi : public QObject
{
    Q_OBJECT
public:
    UserApi(Store &store, PasswordHasher &hasher, SessionService &sessions, Presence &presence,
            QObject *parent = nullptr);
    void registerRoutes(HttpServer &server);

private:
    Store &m_store;
    PasswordHasher &m_hasher;
    SessionService &m_sessions;
    Presence &m_presence;
};

} // namespace fastchat::server
