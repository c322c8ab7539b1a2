// SPDX-License-Identifier: MIT
// Login sessions: issues access and refresh tokens, rotates refresh tokens, and revokes
// sessions and users everywhere at once (the token check and the open sockets).
#pragma once

#include "auth/Authenticator.h"
#include "store/Result.h"
#include "store/SessionQueries.h"
#include "store/UserQueries.h"

#include <QJsonObject>
#include <QObject>
#include <QTimer>

#include <functional>

namespace fastchat::server {

class EventBus;
class Hub;
class Store;

class SessionService : public QObject
{
    Q_OBJECT
public:
    static constexpr qint64 refreshLifetimeMs = 30LL * 24 * 3600 * 1000;

    // Revocations published on `bus` by other nodes take effect here at once (the
    // revocation log catches up within seconds in any case).
    SessionService(Store &store, Authenticator &auth, Hub &hub, EventBus &bus,
                   QObject *parent = nullptr);

    // {token, access_token, refresh_token, token_type, expires_in, user}
    void open(const UserRecord &user, std::function<void(Result<QJsonObject>)> done);
    void refresh(const QString &refreshToken, std::function<void(Result<QJsonObject>)> done);
    void close(const AuthContext &session, std::function<void(Result<Done>)> done);
    // Every session of the user but `keepSessionId` ends (after a password change).
    void closeOthers(qint64 userId, const QString &keepSessionId);
    // The account was deleted or disabled: its tokens and sockets end now.
    void userRevoked(qint64 userId);

    // At start-up: revocations recent enough that tokens issued before them may live.
    // Then follows the revocation log every `pollMs`, so that revocations made by other
    // nodes or by the admin command line take effect here too.
    bool loadRecentRevocations(QString *error);
    void followRevocations(int pollMs);

private:
    void apply(const QList<Revocation> &revocations);
    qint64 horizonMs() const;
    void revokeSessionEverywhere(const QString &sessionId, qint64 userId);
    QJsonObject sessionJson(qint64 userId, const QString &sessionId, const QString &refreshToken,
                            const QJsonObject &user) const;

    Store &m_store;
    Authenticator &m_auth;
    Hub &m_hub;
    qint64 m_lastRevocationId = 0;
    bool m_polling = false;
    QTimer m_poll;
};

} // namespace fastchat::server
