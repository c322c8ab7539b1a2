// SPDX-License-Identifier: MIT
#include "AuthApi.h"

#include "ApiSupport.h"
#include "app/Logging.h"
#include "auth/PasswordHasher.h"
#include "http/HttpServer.h"
#include "services/SessionService.h"
#include "store/SqlSession.h"
#include "store/Store.h"
#include "store/UserQueries.h"

#include <QJsonObject>

#include <fastchat/JsonReader.h>

using namespace Qt::StringLiterals;

namespace fastchat::server {

namespace {
const QString invalidCredentials = u"Invalid credentials"_s;
}

AuthApi::AuthApi(Store &store, PasswordHasher &hasher, SessionService &sessions,
                 int loginAttemptsPerMinute, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_hasher(hasher)
    , m_sessions(sessions)
    , m_loginsByAddress(loginAttemptsPerMinute)
    , m_loginsByAccount(loginAttemptsPerMinute)
{}

void AuthApi::registerRoutes(HttpServer &server)
{
    using Access = HttpServer::Access;

    server.route(
            "POST", u"/auth/register"_s, Access::Public,
            [this](const HttpRequest &request, const HttpResponder &responder) {
                const auto body = api::jsonBody(request, responder);
                if (!body)
                    return;
                JsonReader r(*body);
                const QString username = r.requireString(u"username"_s, 256).trimmed();
                const QString email = r.requireString(u"email"_s, 512).trimmed().toLower();
                const QString password = r.requireString(u"password"_s,
                                                         PasswordHasher::maxPasswordBytes * 4);
                QString error;
                if (r.ok())
                    error = api::checkUsername(username);
                else
                    error = r.error();
                if (error.isEmpty())
                    error = api::checkEmail(email);
                if (error.isEmpty())
                    error = api::checkPassword(password);
                if (!error.isEmpty()) {
                    responder.error(400, error);
                    return;
                }
                m_hasher.hash(password, [this, responder, username, email](const QString &hash) {
                    if (hash.isEmpty()) {
                        responder.error(503, u"the server is too busy to hash a password; retry"_s);
                        return;
                    }
                    m_store.write<UserRecord>(
                            [=](SqlSession &s) {
                                return UserQueries::create(s, username, email, hash);
                            },
                            [responder](Result<UserRecord> user) {
                                if (!user) {
                                    api::answerError(responder, user.error());
                                    return;
                                }
                                qCInfo(lcAuth) << "registered user" << user->user.id;
                                responder.json(201, user->user.toJson());
                            });
                });
            });

    server.route(
            "POST", u"/auth/login"_s, Access::Public,
            [this](const HttpRequest &request, const HttpResponder &responder) {
                const auto body = api::jsonBody(request, responder);
                if (!body)
                    return;
                JsonReader r(*body);
                const QString email
                        = r.optionalString(u"email"_s, 512).value_or(QString()).trimmed().toLower();
                const QString username
                        = r.optionalString(u"username"_s, 256).value_or(QString()).trimmed();
                const QString password = r.requireString(u"password"_s,
                                                         PasswordHasher::maxPasswordBytes * 4);
                if (r.ok() && email.isEmpty() && username.isEmpty())
                    r.fail(u"email is required"_s);
                if (!r.ok()) {
                    responder.error(400, r.error());
                    return;
                }
                const QString addressKey = request.peer.toString();
                const QString accountKey = email.isEmpty() ? u"u:"_s + username.toLower()
                                                           : u"e:"_s + email;
                const int waitAddress = m_loginsByAddress.take(addressKey);
                const int waitAccount = m_loginsByAccount.take(accountKey);
                if (waitAddress || waitAccount) {
                    if (!waitAddress)
                        m_loginsByAddress.refund(addressKey);
                    if (!waitAccount)
                        m_loginsByAccount.refund(accountKey);
                    const int wait = std::max(waitAddress, waitAccount);
                    responder.error(429, u"too many login attempts; retry in %1 s"_s.arg(wait),
                                    {{"Retry-After", QByteArray::number(wait)}});
                    return;
                }
                m_store.read<UserRecord>(
                        [email, username](SqlSession &s) {
                            return email.isEmpty() ? UserQueries::findByUsername(s, username)
                                                   : UserQueries::findByEmail(s, email);
                        },
                        [this, responder, password, addressKey,
                         accountKey](Result<UserRecord> user) {
                            if (!user && user.error().kind != StoreError::NotFound) {
                                api::answerError(responder, user.error());
                                return;
                            }
                            // Unknown and disabled accounts cost the same hash as real ones.
                            const bool usable = user && !user->disabled;
                            const QString stored = usable ? user->passwordHash : QString();
                            m_hasher.verify(password, stored, [=, this](bool matches, bool rehash) {
                                if (!matches) {
                                    responder.error(401, invalidCredentials);
                                    return;
                                }
                                // Only failed attempts count against the limits.
                                m_loginsByAddress.refund(addressKey);
                                m_loginsByAccount.refund(accountKey);
                                if (rehash) {
                                    const qint64 id = user->user.id;
                                    m_hasher.hash(password, [this, id](const QString &hash) {
                                        UserChanges changes;
                                        changes.passwordHash = hash;
                                        m_store.write<UserRecord>(
                                                [id, changes](SqlSession &s) {
                                                    return UserQueries::update(s, id, changes);
                                                },
                                                [](Result<UserRecord>) {});
                                    });
                                }
                                m_sessions.open(
                                        user.value(), [responder](Result<QJsonObject> session) {
                                            if (!session)
                                                api::answerError(responder, session.error());
                                            else
                                                responder.json(200, session.value());
                                        });
                            });
                        });
            });

    server.route("POST", u"/auth/refresh"_s, Access::Public,
                 [this](const HttpRequest &request, const HttpResponder &responder) {
                     const auto body = api::jsonBody(request, responder);
                     if (!body)
                         return;
                     JsonReader r(*body);
                     const QString token = r.requireString(u"refresh_token"_s, 512);
                     if (!r.ok()) {
                         responder.error(400, r.error());
                         return;
                     }
                     m_sessions.refresh(token, [responder](Result<QJsonObject> session) {
                         if (session)
                             responder.json(200, session.value());
                         else if (session.error().kind == StoreError::NotFound)
                             responder.error(401, u"invalid, expired or revoked refresh token"_s);
                         else
                             api::answerError(responder, session.error());
                     });
                 });

    server.route("POST", u"/auth/logout"_s, Access::Authenticated,
                 [this](const HttpRequest &request, const HttpResponder &responder) {
                     m_sessions.close(*request.auth, [responder](Result<Done> closed) {
                         if (!closed)
                             api::answerError(responder, closed.error());
                         else
                             responder.json(200, QJsonObject{{u"message"_s, u"Logged out"_s}});
                     });
                 });
}

} // namespace fastchat::server
