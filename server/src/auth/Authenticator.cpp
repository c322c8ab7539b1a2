// SPDX-License-Identifier: MIT
#include "Authenticator.h"

#include <QDateTime>

namespace fastchat::server {

Authenticator::Authenticator(TokenService tokens)
    : m_tokens(std::move(tokens))
{}

std::optional<AuthContext> Authenticator::fromAuthorizationHeader(const QByteArray &value)
{
    QByteArray token = value.trimmed();
    if (token.size() > 7 && token.left(7).compare("Bearer ", Qt::CaseInsensitive) == 0)
        token = token.mid(7).trimmed();
    return fromToken(token);
}

std::optional<AuthContext> Authenticator::fromToken(const QByteArray &token)
{
    const auto claims = m_tokens.verify(token);
    if (!claims)
        return std::nullopt;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    prune(now);
    if (m_revokedSessions.contains(claims->sessionId))
        return std::nullopt;
    const auto user = m_revokedUsers.constFind(claims->userId);
    // Milliseconds: a login right after an account is enabled again must work.
    if (user != m_revokedUsers.constEnd() && claims->issuedAtMs <= *user)
        return std::nullopt;
    return AuthContext{claims->userId, claims->sessionId};
}

void Authenticator::revokeSession(const QString &sessionId, qint64 atMs)
{
    m_revokedSessions.insert(sessionId, atMs);
}

void Authenticator::revokeUser(qint64 userId, qint64 atMs)
{
    m_revokedUsers.insert(userId, std::max(atMs, m_revokedUsers.value(userId)));
}

void Authenticator::prune(qint64 nowMs)
{
    if (nowMs - m_lastPrune < 60'000)
        return;
    m_lastPrune = nowMs;
    // A token lives at most accessTtl; keep a minute of slack for clock steps.
    const qint64 horizon = nowMs - (qint64(m_tokens.accessTtlSeconds()) + 60) * 1000;
    m_revokedSessions.removeIf([horizon](auto it) { return it.value() < horizon; });
    m_revokedUsers.removeIf([horizon](auto it) { return it.value() < horizon; });
}

} // namespace fastchat::server
