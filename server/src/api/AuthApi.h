// SPDX-License-Identifier: MIT
// POST /auth/register, /auth/login, /auth/refresh, /auth/logout.
#pragma once

#include "services/RateLimiter.h"

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
    AuthApi(Store &store, PasswordHasher &hasher, SessionService &sessions,
            int loginAttemptsPerMinute, QObject *parent = nullptr);
    void registerRoutes(HttpServer &server);

private:
    Store &m_store;
    PasswordHasher &m_hasher;
    SessionService &m_sessions;
    // Failed logins, per IP address and per account: password guessing gets 429.
    RateLimiter m_loginsByAddress;
    RateLimiter m_loginsByAccount;
};

} // namespace fastchat::server
