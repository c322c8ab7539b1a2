// SPDX-License-Identifier: MIT
// Access tokens: HS256 JWTs signed with libsodium's HMAC-SHA256. Only the exact header
// we issue is accepted, so "alg": "none" and algorithm confusion cannot get in.
#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

namespace fastchat::server {

struct TokenClaims
{
    qint64 userId = 0;
    QString sessionId;
    qint64 issuedAt = 0; // seconds since the epoch
    // Milliseconds (our claim "iat_ms"; iat + 999 for a token without it): a token issued
    // in the same second as, but after, a revocation stays valid.
    qint64 issuedAtMs = 0;
    qint64 expiresAt = 0;
};

class TokenService
{
public:
    // `secret`: at least 32 bytes.
    TokenService(QByteArray secret, int accessTtlSeconds);

    QByteArray issue(qint64 userId, const QString &sessionId) const;
    // The claims of a token whose header, signature and expiry are right.
    std::optional<TokenClaims> verify(const QByteArray &token) const;
    int accessTtlSeconds() const { return m_ttl; }

    // Random ids and secrets for sessions and refresh tokens.
    static QString randomToken(int bytes);
    static QString sha256Hex(const QByteArray &data);

private:
    QByteArray sign(const QByteArray &signingInput) const;

    QByteArray m_secret;
    int m_ttl;
};

} // namespace fastchat::server
