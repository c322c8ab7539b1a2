// SPDX-License-Identifier: MIT
#include "SessionQueries.h"

#include "SqlSession.h"
#include "SqlValues.h"

using namespace Qt::StringLiterals;

namespace fastchat::server::SessionQueries {

Result<Done> create(SqlSession &s, const QString &sessionId, qint64 userId,
                    const QString &refreshHash, qint64 expiresAtMs)
{
    const qint64 now = sql::nowMs();
    QSqlQuery &q = s.prepared(
            u"INSERT INTO sessions (id, user_id, refresh_hash, created_at, last_used_at, expires_at)"
            " VALUES (?, ?, ?, ?, ?, ?)"_s);
    q.addBindValue(sessionId);
    q.addBindValue(userId);
    q.addBindValue(refreshHash);
    q.addBindValue(now);
    q.addBindValue(now);
    q.addBindValue(expiresAtMs);
    if (!s.exec(q))
        return s.lastError();
    return Done{};
}

Result<RefreshOutcome> rotate(SqlSession &s, const QString &sessionId, const QString &presentedHash,
                              const QString &newHash, qint64 newExpiresAtMs)
{
    const qint64 now = sql::nowMs();
    // Compare-and-swap in one statement: two refreshes racing with the same token
    // cannot both win.
    QSqlQuery &swap = s.prepared(
            u"UPDATE sessions SET refresh_hash = ?, last_used_at = ?, expires_at = ?"
            " WHERE id = ? AND refresh_hash = ? AND revoked_at IS NULL AND expires_at > ?"
            " AND user_id IN (SELECT id FROM users WHERE deleted_at IS NULL AND disabled_at IS NULL)"
            " RETURNING user_id"_s);
    swap.addBindValue(newHash);
    swap.addBindValue(now);
    swap.addBindValue(newExpiresAtMs);
    swap.addBindValue(sessionId);
    swap.addBindValue(presentedHash);
    swap.addBindValue(now);
    if (!s.exec(swap))
        return s.lastError();
    if (swap.next()) {
        RefreshOutcome out{RefreshOutcome::Rotated, swap.value(0).toLongLong()};
        swap.finish();
        return out;
    }
    swap.finish();
    QSqlQuery &reuse = s.prepared(
            u"UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL"
            " RETURNING user_id"_s);
    reuse.addBindValue(now);
    reuse.addBindValue(sessionId);
    if (!s.exec(reuse))
        return s.lastError();
    RefreshOutcome out;
    if (reuse.next())
        out = {RefreshOutcome::Reused, reuse.value(0).toLongLong()};
    reuse.finish();
    return out;
}

Result<qint64> revoke(SqlSession &s, const QString &sessionId)
{
    QSqlQuery &q = s.prepared(
            u"UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL RETURNING user_id"_s);
    q.addBindValue(sql::nowMs());
    q.addBindValue(sessionId);
    if (!s.exec(q))
        return s.lastError();
    if (!q.next()) {
        q.finish();
        return notFound(u"no such session"_s);
    }
    const qint64 userId = q.value(0).toLongLong();
    q.finish();
    return userId;
}

Result<QList<QString>> revokeAllOf(SqlSession &s, qint64 userId, const QString &keepSessionId)
{
    QSqlQuery &q = s.prepared(
            u"UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND id <> ?"
            " AND revoked_at IS NULL RETURNING id"_s);
    q.addBindValue(sql::nowMs());
    q.addBindValue(userId);
    q.addBindValue(keepSessionId);
    if (!s.exec(q))
        return s.lastError();
    QList<QString> ids;
    while (q.next())
        ids.append(q.value(0).toString());
    q.finish();
    return ids;
}

Result<QList<Revocation>> revokedSince(SqlSession &s, qint64 sinceMs)
{
    QList<Revocation> out;
    QSqlQuery &sessions = s.prepared(
            u"SELECT id, user_id, revoked_at FROM sessions WHERE revoked_at > ?"_s);
    sessions.addBindValue(sinceMs);
    if (!s.exec(sessions))
        return s.lastError();
    while (sessions.next())
        out.append({Revocation::Session, sessions.value(0).toString(),
                    sessions.value(1).toLongLong(), sessions.value(2).toLongLong()});
    sessions.finish();
    QSqlQuery &users = s.prepared(
            u"SELECT id, COALESCE(deleted_at, disabled_at) FROM users"
            " WHERE deleted_at > ? OR disabled_at > ?"_s);
    users.addBindValue(sinceMs);
    users.addBindValue(sinceMs);
    if (!s.exec(users))
        return s.lastError();
    while (users.next())
        out.append({Revocation::User, QString(), users.value(0).toLongLong(),
                    users.value(1).toLongLong()});
    users.finish();
    return out;
}

} // namespace fastchat::server::SessionQueries
