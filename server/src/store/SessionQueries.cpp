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
    QSqlQuery &q = s.prepared(u"INSERT INTO sessions (id, user_id, refresh_hash, created_at, "
                              u"last_used_at, expires_at)"
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
            " AND user_id IN (SELECT id FROM users WHERE deleted_at IS NULL AND disabled_at IS "
            "NULL)"
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
    // A known session with another hash: an old token came back. End the session.
    const auto revoked = revoke(s, sessionId);
    if (revoked)
        return RefreshOutcome{RefreshOutcome::Reused, revoked.value()};
    if (revoked.error().kind == StoreError::NotFound)
        return RefreshOutcome{};
    return revoked.error();
}

Result<qint64> revoke(SqlSession &s, const QString &sessionId)
{
    const qint64 now = sql::nowMs();
    if (!s.begin())
        return s.lastError();
    QSqlQuery &q = s.prepared(
            u"UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL RETURNING user_id"_s);
    q.addBindValue(now);
    q.addBindValue(sessionId);
    if (!s.exec(q)) {
        s.rollback();
        return s.lastError();
    }
    if (!q.next()) {
        q.finish();
        s.rollback();
        return notFound(u"no such session"_s);
    }
    const qint64 userId = q.value(0).toLongLong();
    q.finish();
    if (!logRevocation(s, sessionId, userId, now) || !s.commit()) {
        s.rollback();
        return s.lastError();
    }
    return userId;
}

Result<QList<QString>> revokeAllOf(SqlSession &s, qint64 userId, const QString &keepSessionId)
{
    const qint64 now = sql::nowMs();
    if (!s.begin())
        return s.lastError();
    QSqlQuery &q = s.prepared(
            u"UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND id <> COALESCE(?, '')"
            " AND revoked_at IS NULL RETURNING id"_s);
    q.addBindValue(now);
    q.addBindValue(userId);
    q.addBindValue(keepSessionId);
    if (!s.exec(q)) {
        s.rollback();
        return s.lastError();
    }
    QList<QString> ids;
    while (q.next())
        ids.append(q.value(0).toString());
    q.finish();
    for (const QString &id : std::as_const(ids)) {
        if (!logRevocation(s, id, userId, now)) {
            s.rollback();
            return s.lastError();
        }
    }
    if (!s.commit()) {
        s.rollback();
        return s.lastError();
    }
    return ids;
}

bool logRevocation(SqlSession &s, const QString &sessionId, qint64 userId, qint64 atMs)
{
    QSqlQuery &q = s.prepared(
            u"INSERT INTO revocations (session_id, user_id, at) VALUES (?, ?, ?)"_s);
    q.addBindValue(sql::textOrNull(sessionId));
    q.addBindValue(userId);
    q.addBindValue(atMs);
    return s.exec(q);
}

Result<QList<Revocation>> revocationsAfter(SqlSession &s, qint64 afterId, qint64 sinceMs)
{
    QSqlQuery &q = s.prepared(
            u"SELECT id, session_id, user_id, at FROM revocations WHERE id > ? AND at > ? ORDER BY id"_s);
    q.addBindValue(afterId);
    q.addBindValue(sinceMs);
    if (!s.exec(q))
        return s.lastError();
    QList<Revocation> out;
    while (q.next())
        out.append({q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toLongLong(),
                    q.value(3).toLongLong()});
    q.finish();
    return out;
}

Result<qint64> lastRevocationId(SqlSession &s)
{
    QSqlQuery &q = s.prepared(u"SELECT COALESCE(MAX(id), 0) FROM revocations"_s);
    if (!s.exec(q) || !q.next())
        return s.lastError();
    const qint64 id = q.value(0).toLongLong();
    q.finish();
    return id;
}

} // namespace fastchat::server::SessionQueries
