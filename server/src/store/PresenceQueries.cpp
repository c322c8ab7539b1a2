// SPDX-License-Identifier: MIT
#include "PresenceQueries.h"

#include "SqlSession.h"
#include "SqlValues.h"
#include "UserQueries.h"

using namespace Qt::StringLiterals;

namespace fastchat::server::PresenceQueries {

namespace {

// Locks the user's row until the transaction ends: presence changes of one user happen
// one after the other, whichever nodes they come from.
bool lockUser(SqlSession &s, qint64 userId)
{
    QSqlQuery &q = s.prepared(u"SELECT id FROM users WHERE id = ? FOR UPDATE"_s);
    q.addBindValue(userId);
    if (!s.exec(q))
        return false;
    q.finish();
    return true;
}

Result<qint64> socketsElsewhere(SqlSession &s, qint64 userId)
{
    QSqlQuery &q = s.prepared(u"SELECT COUNT(*) FROM presence WHERE user_id = ?"_s);
    q.addBindValue(userId);
    if (!s.exec(q) || !q.next())
        return s.lastError();
    const qint64 n = q.value(0).toLongLong();
    q.finish();
    return n;
}

template<typename T>
Result<T> rollback(SqlSession &s)
{
    const StoreError e = s.lastError();
    s.rollback();
    return e;
}

} // namespace

Result<Done> heartbeat(SqlSession &s, const QString &nodeId)
{
    const qint64 now = sql::nowMs();
    QSqlQuery &q = s.prepared(
            u"INSERT INTO nodes (id, started_at, heartbeat_at) VALUES (?, ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at"_s);
    q.addBindValue(nodeId);
    q.addBindValue(now);
    q.addBindValue(now);
    if (!s.exec(q))
        return s.lastError();
    return Done{};
}

Result<PresenceChange> connected(SqlSession &s, const QString &nodeId, qint64 userId)
{
    if (!s.begin())
        return s.lastError();
    if (!lockUser(s, userId))
        return rollback<PresenceChange>(s);
    const auto before = socketsElsewhere(s, userId);
    if (!before)
        return rollback<PresenceChange>(s);
    QSqlQuery &insert = s.prepared(
            u"INSERT INTO presence (node_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING"_s);
    insert.addBindValue(nodeId);
    insert.addBindValue(userId);
    if (!s.exec(insert))
        return rollback<PresenceChange>(s);
    PresenceChange change;
    change.changed = before.value() == 0;
    if (change.changed) {
        auto contacts = UserQueries::contactsOf(s, userId);
        if (!contacts)
            return rollback<PresenceChange>(s);
        change.contacts = contacts.value();
    }
    if (!s.commit())
        return rollback<PresenceChange>(s);
    return change;
}

Result<PresenceChange> disconnected(SqlSession &s, const QString &nodeId, qint64 userId)
{
    if (!s.begin())
        return s.lastError();
    if (!lockUser(s, userId))
        return rollback<PresenceChange>(s);
    QSqlQuery &remove = s.prepared(u"DELETE FROM presence WHERE node_id = ? AND user_id = ?"_s);
    remove.addBindValue(nodeId);
    remove.addBindValue(userId);
    if (!s.exec(remove))
        return rollback<PresenceChange>(s);
    const auto after = socketsElsewhere(s, userId);
    if (!after)
        return rollback<PresenceChange>(s);
    PresenceChange change;
    change.changed = after.value() == 0;
    if (change.changed) {
        change.lastSeenMs = sql::nowMs();
        auto contacts = UserQueries::contactsOf(s, userId);
        if (!contacts || !UserQueries::setLastSeen(s, userId, change.lastSeenMs))
            return rollback<PresenceChange>(s);
        change.contacts = contacts.value();
    }
    if (!s.commit())
        return rollback<PresenceChange>(s);
    return change;
}

Result<QList<DeadNodeUser>> sweepDeadNodes(SqlSession &s, qint64 deadBeforeMs)
{
    QSqlQuery &dead = s.prepared(u"DELETE FROM nodes WHERE heartbeat_at < ? RETURNING id"_s);
    dead.addBindValue(deadBeforeMs);
    if (!s.exec(dead))
        return s.lastError();
    QList<QString> nodes;
    while (dead.next())
        nodes.append(dead.value(0).toString());
    dead.finish();
    QList<DeadNodeUser> out;
    for (const QString &node : nodes) {
        QSqlQuery &rows = s.prepared(u"DELETE FROM presence WHERE node_id = ? RETURNING user_id"_s);
        rows.addBindValue(node);
        if (!s.exec(rows))
            return s.lastError();
        QList<qint64> users;
        while (rows.next())
            users.append(rows.value(0).toLongLong());
        rows.finish();
        for (qint64 userId : users) {
            const auto remaining = socketsElsewhere(s, userId);
            if (!remaining)
                return remaining.error();
            if (remaining.value() > 0)
                continue; // reconnected to another node meanwhile: no flapping
            DeadNodeUser gone;
            gone.userId = userId;
            gone.change.changed = true;
            gone.change.lastSeenMs = sql::nowMs();
            auto contacts = UserQueries::contactsOf(s, userId);
            if (!contacts || !UserQueries::setLastSeen(s, userId, gone.change.lastSeenMs))
                return s.lastError();
            gone.change.contacts = contacts.value();
            out.append(gone);
        }
    }
    return out;
}

Result<QSet<qint64>> onlineUsers(SqlSession &s)
{
    QSqlQuery &q = s.prepared(u"SELECT DISTINCT user_id FROM presence"_s);
    if (!s.exec(q))
        return s.lastError();
    QSet<qint64> users;
    while (q.next())
        users.insert(q.value(0).toLongLong());
    q.finish();
    return users;
}

Result<Done> leave(SqlSession &s, const QString &nodeId)
{
    QSqlQuery &rows = s.prepared(u"DELETE FROM presence WHERE node_id = ?"_s);
    rows.addBindValue(nodeId);
    QSqlQuery &node = s.prepared(u"DELETE FROM nodes WHERE id = ?"_s);
    node.addBindValue(nodeId);
    if (!s.exec(rows) || !s.exec(node))
        return s.lastError();
    return Done{};
}

} // namespace fastchat::server::PresenceQueries
