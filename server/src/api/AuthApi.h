// SPDX-License-Identifier: MIT
// POST /auth/register, /auth/login, /auth/refresh, /auth/logout.
#pragma once

#include <QObject>

namespace fastchat::server {

class HttpServer;
class PasswordHasher;
class SessionService;
class Store;

class AuthApi : public QObject
{
    Q_OBJECT
public:
    AuthApi(Store &store, PasswordHasher &hasher, SessionService &sessions, QObject *parent = nullptr);
    void registerRoutes(HttpServer &server);

private:
    Store &m_store;
    PasswordHasher &m_hasher;
    SessionService &m_sessions;
};

} // namespace fastchat::server
