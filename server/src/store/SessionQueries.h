// SPDX-License-Identifier: MIT
// SQL for login sessions and their refresh tokens (stored as hashes only).
#pragma once

#include "Result.h"

#include <QList>
#include <QString>

namespace fastchat::server {

class SqlSession;

struct Revocation
{
    enum Kind { Session, User } kind = Session;
    QString sessionId; // for Session
    qint64 userId = 0;
    qint64 atMs = 0;
};

struct RefreshOutcome
{
    enum Kind { Rotated, Reused, Invalid } kind = Invalid;
    qint64 userId = 0;
};

namespace SessionQueries {

Result<Done> create(SqlSession &s, const QString &sessionId, qint64 userId,
                    const QString &refreshHash, qint64 expiresAtMs);
// Swaps the refresh hash when `presentedHash` is the current one. A valid session id
// with another hash means a refresh token was used twice: the session is revoked.
Result<RefreshOutcome> rotate(SqlSession &s, const QString &sessionId,
                              const QString &presentedHash, const QString &newHash,
                              qint64 newExpiresAtMs);
// Revokes one session; returns its user (NotFound when unknown or already revoked).
Result<qint64> revoke(SqlSession &s, const QString &sessionId);
// Revokes every session of a user except `keepSessionId` (may be empty).
Result<QList<QString>> revokeAllOf(SqlSession &s, qint64 userId, const QString &keepSessionId);
// Sessions revoked, and users deleted or disabled, since `sinceMs`: tokens issued
// before then may still be unexpired, so they must be refused.
Result<QList<Revocation>> revokedSince(SqlSession &s, qint64 sinceMs);

} // namespace SessionQueries
} // namespace fastchat::server
