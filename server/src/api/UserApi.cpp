// SPDX-License-Identifier: MIT
#include "UserApi.h"

#include "ApiSupport.h"
#include "app/Logging.h"
#include "auth/PasswordHasher.h"
#include "http/HttpServer.h"
#include "services/Presence.h"
#include "services/SessionService.h"
#include "store/SqlSession.h"
#include "store/Store.h"
#include "store/UserQueries.h"

#include <QJsonArray>
#include <QJsonObject>

#include <fastchat/JsonReader.h>

using namespace Qt::StringLiterals;

namespace fastchat::server {

namespace {

constexpr int maxListLimit = 1000;

// What `readerId` may see of `user`: the e-mail address only of their own account.
QJsonObject visibleTo(qint64 readerId, User user, const Presence &presence)
{
    if (user.id != readerId)
        user.email.clear();
    user.isOnline = presence.isOnline(user.id);
    return user.toJson();
}

// A query parameter that must be a non-negative integer when present.
std::optional<qint64> queryInt(const HttpRequest &request, const QString &key, qint64 fallback,
                               QString *error)
{
    if (!request.query.hasQueryItem(key))
        return fallback;
    bool ok = false;
    const qint64 v = request.query.queryItemValue(key).toLongLong(&ok);
    if (!ok || v < 0) {
        *error = u"%1 must be a non-negative integer"_s.arg(key);
        return std::nullopt;
    }
    return v;
}

} // namespace

UserApi::UserApi(Store &store, PasswordHasher &hasher, SessionService &sessions, Presence &presence,
                 QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_hasher(hasher)
    , m_sessions(sessions)
    , m_presence(presence)
{}

void UserApi::registerRoutes(HttpServer &server)
{
    using Access = HttpServer::Access;

    server.route("GET", u"/users"_s, Access::Authenticated,
                 [this](const HttpRequest &request, const HttpResponder &responder) {
                     QString error;
                     const auto limit = queryInt(request, u"limit"_s, maxListLimit, &error);
                     const auto afterId = queryInt(request, u"after_id"_s, 0, &error);
                     const QString search
                             = request.query.queryItemValue(u"q"_s, QUrl::FullyDecoded).left(64);
                     if (!limit || !afterId || *limit < 1 || *limit > maxListLimit) {
                         responder.error(400,
                                         error.isEmpty() ? u"limit must be between 1 and 1000"_s
                                                         : error);
                         return;
                     }
                     const qint64 reader = request.userId();
                     m_store.read<QList<UserRecord>>(
                             [search, after = *afterId, lim = int(*limit)](SqlSession &s) {
                                 return UserQueries::list(s, search, after, lim);
                             },
                             [this, responder, reader](Result<QList<UserRecord>> users) {
                                 if (!users) {
                                     api::answerError(responder, users.error());
                                     return;
                                 }
                                 QJsonArray list;
                                 for (const UserRecord &u : users.value())
                                     list.append(visibleTo(reader, u.user, m_presence));
                                 responder.json(200, list);
                             });
                 });

    const auto getUser = [this](qint64 id, qint64 reader, const HttpResponder &responder) {
        m_store.read<UserRecord>([id](SqlSession &s) { return UserQueries::findById(s, id); },
                                 [this, responder, reader](Result<UserRecord> user) {
                                     if (!user)
                                         api::answerError(responder, user.error());
                                     else
                                         responder.json(200,
                                                        visibleTo(reader, user->user, m_presence));
                                 });
    };
    server.route("GET", u"/users/me"_s, Access::Authenticated,
                 [getUser](const HttpRequest &request, const HttpResponder &responder) {
                     getUser(request.userId(), request.userId(), responder);
                 });
    server.route("GET", u"/users/{id}"_s, Access::Authenticated,
                 [getUser](const HttpRequest &request, const HttpResponder &responder) {
                     getUser(request.pathIds.at(0), request.userId(), responder);
                 });

    server.route(
            "PUT", u"/users/{id}"_s, Access::Authenticated,
            [this](const HttpRequest &request, const HttpResponder &responder) {
                const auto body = api::jsonBody(request, responder);
                if (!body)
                    return;
                JsonReader r(*body);
                UserChanges changes;
                changes.username = r.optionalString(u"username"_s, 256);
                changes.email = r.optionalString(u"email"_s, 512);
                changes.profileImage = r.optionalString(u"profile_image"_s, 2048);
                const auto password = r.optionalString(u"password"_s,
                                                       PasswordHasher::maxPasswordBytes * 4);
                const auto current = r.optionalString(u"current_password"_s,
                                                      PasswordHasher::maxPasswordBytes * 4);
                QString error = r.error();
                if (changes.email)
                    changes.email = changes.email->trimmed().toLower();
                if (error.isEmpty() && changes.username)
                    error = api::checkUsername(*changes.username);
                if (error.isEmpty() && changes.email)
                    error = api::checkEmail(*changes.email);
                if (error.isEmpty() && password) {
                    error = api::checkPassword(*password);
                    if (error.isEmpty() && !current)
                        error = u"current_password is required to change the password"_s;
                }
                const qint64 target = request.pathIds.at(0);
                const qint64 caller = request.userId();
                const QString sessionId = request.auth->sessionId;
                m_store.read<UserRecord>(
                        [target](SqlSession &s) { return UserQueries::findById(s, target); },
                        [=, this](Result<UserRecord> user) {
                            // Unknown first (404), then not yours (403), then a bad body (400).
                            if (!user) {
                                api::answerError(responder, user.error());
                                return;
                            }
                            if (target != caller) {
                                responder.error(403, u"you may only change your own account"_s);
                                return;
                            }
                            if (!error.isEmpty()) {
                                responder.error(400, error);
                                return;
                            }
                            const auto save = [=, this](UserChanges changes) {
                                m_store.write<UserRecord>(
                                        [target, changes](SqlSession &s) {
                                            return UserQueries::update(s, target, changes);
                                        },
                                        [=, this](Result<UserRecord> updated) {
                                            if (!updated) {
                                                api::answerError(responder, updated.error());
                                                return;
                                            }
                                            if (changes.passwordHash)
                                                m_sessions.closeOthers(target, sessionId);
                                            responder.json(
                                                    200,
                                                    QJsonObject{{u"message"_s,
                                                                 u"User updated successfully"_s},
                                                                {u"user"_s,
                                                                 visibleTo(caller, updated->user,
                                                                           m_presence)}});
                                        });
                            };
                            if (!password) {
                                save(changes);
                                return;
                            }
                            m_hasher.verify(
                                    *current, user->passwordHash, [=, this](bool matches, bool) {
                                        if (!matches) {
                                            responder.error(403, u"current_password is wrong"_s);
                                            return;
                                        }
                                        m_hasher.hash(*password, [=](const QString &hash) {
                                            UserChanges withHash = changes;
                                            withHash.passwordHash = hash;
                                            save(withHash);
                                        });
                                    });
                        });
            });

    server.route("DELETE", u"/users/{id}"_s, Access::Authenticated,
                 [this](const HttpRequest &request, const HttpResponder &responder) {
                     const qint64 target = request.pathIds.at(0);
                     const qint64 caller = request.userId();
                     m_store.read<UserRecord>(
                             [target](SqlSession &s) { return UserQueries::findById(s, target); },
                             [=, this](Result<UserRecord> user) {
                                 if (!user) {
                                     api::answerError(responder, user.error());
                                     return;
                                 }
                                 if (target != caller) {
                                     responder.error(403,
                                                     u"you may only delete your own account"_s);
                                     return;
                                 }
                                 m_store.write<Done>(
                                         [target](SqlSession &s) {
                                             return UserQueries::remove(s, target);
                                         },
                                         [=, this](Result<Done> removed) {
                                             if (!removed) {
                                                 api::answerError(responder, removed.error());
                                                 return;
                                             }
                                             qCInfo(lcAuth)
                                                     << "user" << target << "deleted their account";
                                             m_sessions.userRevoked(target);
                                             responder.json(
                                                     200,
                                                     QJsonObject{{u"message"_s,
                                                                  u"User deleted successfully"_s}});
                                         });
                             });
                 });
}

} // namespace fastchat::server
