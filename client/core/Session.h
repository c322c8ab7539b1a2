// SPDX-License-Identifier: MIT
// The signed-in session: the short-lived access token (renewed shortly before it expires,
// and at once when the server refuses it) and the single-use refresh token, which lives in
// the OS keychain and nowhere else on disk. Refreshes are single flight, because a refresh
// token presented twice revokes the whole session.
#pragma once

#include "ApiClient.h"

#include <QDateTime>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <fastchat/User.h>

namespace fastchat::client {

class KeyStore;

class Session
    : public QObject
    , public TokenProvider
{
    Q_OBJECT

public:
    Session(ApiClient *api, KeyStore *keys, QObject *parent = nullptr);

    // The keychain entry for the refresh token; empty keeps it in memory only (tests).
    void setKeychainKey(const QString &key) { m_keychainKey = key; }
    QString keychainKey() const { return m_keychainKey; }

    // There is a refresh token (the access token may still have to be fetched).
    bool isActive() const { return !m_refreshToken.isEmpty(); }
    const User &user() const { return m_user; }
    // In memory only; what the keychain stores.
    QString refreshToken() const { return m_refreshToken; }
    void setUser(const User &user) { m_user = user; }

    // After a login: keep the tokens, save the refresh token, plan the renewal.
    void begin(const SessionTokens &tokens);
    // A refresh token found in the keychain: the access token comes with the first renewal.
    void adopt(const QString &refreshToken, const User &knownUser);
    // Forget everything and remove the keychain entry (sign-out, or the server ended it).
    void end();

    // TokenProvider
    QString accessToken() const override { return m_accessToken; }
    QDateTime accessTokenExpiry() const override { return m_accessExpiry; }
    void renewAccessToken(QObject *context, std::function<void(const ApiError &)> done) override;

    // Moves the planned renewal as if the token ran out at `expiry` (an earlier time makes
    // the client renew sooner; tests use it to see a renewal happen).
    void setAccessTokenExpiry(const QDateTime &expiry);
    // Replaces the access token (tests: a token the server no longer accepts).
    void setAccessTokenForTesting(const QString &token) { m_accessToken = token; }

    // Why the session cannot be remembered on this computer; empty when the keychain works.
    QString keychainProblem() const { return m_keychainProblem; }
    int renewals() const { return m_renewals; }

Q_SIGNALS:
    void tokensChanged();
    // The server refused the refresh token: the user has to sign in again.
    void expired(const QString &reason);
    void keychainProblemChanged();
    void refreshTokenSaved();

private:
    void apply(const SessionTokens &tokens);
    void scheduleRenewal();
    void saveRefreshToken();
    void setKeychainProblem(const QString &problem);

    ApiClient *m_api;
    KeyStore *m_keys;
    QString m_keychainKey;
    QString m_accessToken;
    QDateTime m_accessExpiry;
    QString m_refreshToken;
    User m_user;
    QTimer m_renewTimer;
    bool m_renewing = false;
    QList<std::pair<QPointer<QObject>, std::function<void(const ApiError &)>>> m_waiters;
    QString m_keychainProblem;
    int m_renewals = 0;
    quint64 m_generation = 0; // bumped by end(): answers for an ended session are dropped
};

} // namespace fastchat::client
