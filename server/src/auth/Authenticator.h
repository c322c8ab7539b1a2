// SPDX-License-Identifier: MIT
// Decides who is asking, without a database round trip: a token is accepted when its
// signature and expiry are right and neither its session nor its user was revoked
// after it was issued. Revocations are kept only as long as a token issued before them
// could still be unexpired (the access-token lifetime).
#pragma once

#include "TokenService.h"

#include <QHash>

#include <optional>

namespace fastchat::server {

struct AuthContext
{
    qint64 userId = 0;
    QString sessionId;
};

class Authenticator
{
public:
    explicit Authenticator(TokenService tokens);

    const TokenService &tokens() const { return m_tokens; }

    // From an Authorization header value: "Bearer <token>" or the bare token (seed).
    std::optional<AuthContext> fromAuthorizationHeader(const QByteArray &value);
    std::optional<AuthContext> fromToken(const QByteArray &token);

    void revokeSession(const QString &sessionId, qint64 atMs);
    // Tokens of this user issued at or before atMs stop working (deleted or disabled).
    void revokeUser(qint64 userId, qint64 atMs);

private:
    void prune(qint64 nowMs);

    TokenService m_tokens;
    QHash<QString, qint64> m_revokedSessions;
    QHash<qint64, qint64> m_revokedUsers;
    qint64 m_lastPrune = 0;
};

} // namespace fastchat::server
