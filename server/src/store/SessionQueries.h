// SPDX-License-Identifier: MIT
// SQL for login sessions and their refresh tokens (stored as hashes only).
#pragma once

#include "Result.h"

#include <QList>
#include <QString>

namespace fastchat::server {

class SqlSession;

// One entry of the revocation log: a session (sessionId set) or every token of a user
// (deleted or disabled) issued up to atMs.
struct Revocation
{
    qint64 id = 0;
    QString sessionId;
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
Result<RefreshOutcome> rotate(SqlSession &s, const QString &sessionId, const QString &presentedHash,
                              const QString &newHash, qint64 newExpiresAtMs);
// Revokes one session; returns its user (NotFound when unknown or already revoked).
Result<qint64> revoke(SqlSession &s, const QString &sessionId);
// Revokes every session of a user except `keepSessionId` (may be empty).
Result<QList<QString>> revokeAllOf(SqlSession &s, qint64 userId, const QString &keepSessionId);
// Appends to the revocation log (inside the caller's transaction, if any).
bool logRevocation(SqlSession &s, const QString &sessionId, qint64 userId, qint64 atMs);
// Log entries after `afterId` that are newer than `sinceMs` (older ones concern tokens
// that have expired anyway), in id order.
Result<QList<Revocation>> revocationsAfter(SqlSession &s, qint64 afterId, qint64 sinceMs);
// The id of the newest log entry (0 when empty).
Result<qint64> lastRevocationId(SqlSession &s);

} // namespace SessionQueries
} // namespace fastchat::server
