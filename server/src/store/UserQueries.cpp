// SPDX-License-Identifier: MIT
#include "UserQueries.h"

#include "SessionQueries.h"
#include "SqlSession.h"
#include "SqlValues.h"

using namespace Qt::StringLiterals;

namespace fastchat::server::UserQueries {

namespace {

const QString columns = u"id, username, email, password_hash, profile_image, is_admin,"
                        " last_seen, created_at, updated_at, disabled_at"_s;

UserRecord readRecord(const QSqlQuery &q)
{
    UserRecord r;
    r.user.id = q.value(0).toLongLong();
    r.user.username = q.value(1).toString();
    r.user.email = q.value(2).toString();
    r.passwordHash = q.value(3).toString();
    r.user.profileImage = q.value(4).toString();
    r.isAdmin = q.value(5).toInt() != 0;
    r.user.lastSeen = sql::toTime(q.value(6));
    r.user.createdAt = sql::toTime(q.value(7));
    r.user.updatedAt = sql::toTime(q.value(8));
    r.disabled = !q.value(9).isNull();
    return r;
}

Result<UserRecord> findOne(SqlSession &s, const QString &where, const QVariant &value)
{
    QSqlQuery &q = s.prepared(u"SELECT "_s + columns
                              + u" FROM users WHERE deleted_at IS NULL AND "_s + where);
    q.addBindValue(value);
    if (!s.exec(q))
        return s.lastError();
    if (!q.next()) {
        q.finish();
        return notFound(u"user not found"_s);
    }
    UserRecord r = readRecord(q);
    q.finish();
    return r;
}

} // namespace

Result<UserRecord> create(SqlSession &s, const QString &username, const QString &email,
                          const QString &passwordHash)
{
    // Say which of the two is taken: a clear 409 beats a generic one.
    if (findByUsername(s, username))
        return conflict(u"username already taken"_s);
    if (findByEmail(s, email))
        return conflict(u"email already registered"_s);
    const qint64 now = sql::nowMs();
    QSqlQuery &q = s.prepared(
            u"INSERT INTO users (username, email, password_hash, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?) RETURNING id"_s);
    q.addBindValue(username);
    q.addBindValue(email);
    q.addBindValue(passwordHash);
    q.addBindValue(now);
    q.addBindValue(now);
    if (!s.exec(q) || !q.next()) {
        StoreError e = s.lastError();
        if (e.kind == StoreError::Conflict)
            e.message = u"username or email already taken"_s;
        return e;
    }
    const qint64 id = q.value(0).toLongLong();
    q.finish();
    return findById(s, id);
}

Result<UserRecord> findById(SqlSession &s, qint64 id)
{
    return findOne(s, u"id = ?"_s, id);
}

Result<UserRecord> findByEmail(SqlSession &s, const QString &email)
{
    return findOne(s, u"email = ?"_s, email.toLower());
}

Result<UserRecord> findByUsername(SqlSession &s, const QString &username)
{
    return findOne(s, u"lower(username) = lower(?)"_s, username);
}

Result<QList<UserRecord>> list(SqlSession &s, const QString &search, qint64 afterId, int limit)
{
    QString where = u"deleted_at IS NULL AND id > ?"_s;
    if (!search.isEmpty())
        where += u" AND lower(username) LIKE ? ESCAPE '\\'"_s;
    QSqlQuery &q = s.prepared(u"SELECT "_s + columns + u" FROM users WHERE "_s + where
                              + u" ORDER BY id LIMIT ?"_s);
    q.addBindValue(afterId);
    if (!search.isEmpty()) {
        QString pattern = search.toLower();
        pattern.replace(u'\\', u"\\\\"_s).replace(u'%', u"\\%"_s).replace(u'_', u"\\_"_s);
        q.addBindValue(QString(u'%' + pattern + u'%'));
    }
    q.addBindValue(limit);
    if (!s.exec(q))
        return s.lastError();
    QList<UserRecord> users;
    while (q.next())
        users.append(readRecord(q));
    q.finish();
    return users;
}

Result<UserRecord> update(SqlSession &s, qint64 id, const UserChanges &changes)
{
    auto current = findById(s, id);
    if (!current)
        return current;
    if (changes.username
        && changes.username->compare(current->user.username, Qt::CaseInsensitive) != 0
        && findByUsername(s, *changes.username))
        return conflict(u"username already taken"_s);
    if (changes.email && *changes.email != current->user.email && findByEmail(s, *changes.email))
        return conflict(u"email already registered"_s);
    QSqlQuery &q = s.prepared(
            u"UPDATE users SET username = ?, email = ?, profile_image = ?, password_hash = ?,"
            " updated_at = ? WHERE id = ? AND deleted_at IS NULL"_s);
    q.addBindValue(changes.username.value_or(current->user.username));
    q.addBindValue(changes.email.value_or(current->user.email));
    q.addBindValue(changes.profileImage.value_or(current->user.profileImage));
    q.addBindValue(changes.passwordHash.value_or(current->passwordHash));
    q.addBindValue(sql::nowMs());
    q.addBindValue(id);
    if (!s.exec(q)) {
        StoreError e = s.lastError();
        if (e.kind == StoreError::Conflict)
            e.message = u"username or email already taken"_s;
        return e;
    }
    return findById(s, id);
}

Result<Done> remove(SqlSession &s, qint64 id)
{
    if (!s.begin())
        return s.lastError();
    const qint64 now = sql::nowMs();
    QSqlQuery &q = s.prepared(
            u"UPDATE users SET deleted_at = ?, updated_at = ?, username = ?, email = ?,"
            " password_hash = '', profile_image = '' WHERE id = ? AND deleted_at IS NULL"_s);
    q.addBindValue(now);
    q.addBindValue(now);
    q.addBindValue(u"deleted-user-%1"_s.arg(id));
    q.addBindValue(u"deleted-user-%1@invalid"_s.arg(id));
    q.addBindValue(id);
    if (!s.exec(q)) {
        s.rollback();
        return s.lastError();
    }
    if (q.numRowsAffected() == 0) {
        s.rollback();
        return notFound(u"user not found"_s);
    }
    QSqlQuery &sessions = s.prepared(
            u"UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL"_s);
    sessions.addBindValue(now);
    sessions.addBindValue(id);
    if (!s.exec(sessions) || !SessionQueries::logRevocation(s, QString(), id, now) || !s.commit()) {
        s.rollback();
        return s.lastError();
    }
    return Done{};
}

Result<Done> setDisabled(SqlSession &s, qint64 id, bool disabled)
{
    const qint64 now = sql::nowMs();
    if (!s.begin())
        return s.lastError();
    QSqlQuery &q = s.prepared(
            disabled
                    ? u"UPDATE users SET disabled_at = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL"_s
                    : u"UPDATE users SET disabled_at = NULL, updated_at = ? WHERE id = ? AND deleted_at IS NULL"_s);
    if (disabled)
        q.addBindValue(now);
    q.addBindValue(now);
    q.addBindValue(id);
    if (!s.exec(q)) {
        s.rollback();
        return s.lastError();
    }
    if (q.numRowsAffected() == 0) {
        s.rollback();
        return notFound(u"user not found"_s);
    }
    if (disabled) {
        // Every session ends: enabling the account again does not bring them back.
        QSqlQuery &sessions = s.prepared(
                u"UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL"_s);
        sessions.addBindValue(now);
        sessions.addBindValue(id);
        if (!s.exec(sessions) || !SessionQueries::logRevocation(s, QString(), id, now)) {
            s.rollback();
            return s.lastError();
        }
    }
    if (!s.commit()) {
        s.rollback();
        return s.lastError();
    }
    return Done{};
}

Result<Done> setLastSeen(SqlSession &s, qint64 id, qint64 atMs)
{
    QSqlQuery &q = s.prepared(u"UPDATE users SET last_seen = ? WHERE id = ?"_s);
    q.addBindValue(atMs);
    q.addBindValue(id);
    if (!s.exec(q))
        return s.lastError();
    return Done{};
}

Result<QList<qint64>> contactsOf(SqlSession &s, qint64 id)
{
    QSqlQuery &q = s.prepared(u"SELECT user2_id FROM conversations WHERE user1_id = ?"
                              " UNION SELECT user1_id FROM conversations WHERE user2_id = ?"_s);
    q.addBindValue(id);
    q.addBindValue(id);
    if (!s.exec(q))
        return s.lastError();
    QList<qint64> ids;
    while (q.next())
        ids.append(q.value(0).toLongLong());
    q.finish();
    return ids;
}

} // namespace fastchat::server::UserQueries
