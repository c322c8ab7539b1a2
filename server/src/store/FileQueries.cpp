// SPDX-License-Identifier: MIT
#include "FileQueries.h"

#include "SqlSession.h"
#include "SqlValues.h"

using namespace Qt::StringLiterals;

namespace fastchat::server::FileQueries {

namespace {

const QString fileColumns = u"f.id, f.owner_id, f.name, f.mime_type, f.size, f.received,"
                            " f.sha256, f.created_at, f.completed_at"_s;

FileUpload readFile(const QSqlQuery &q)
{
    FileUpload f;
    f.id = q.value(0).toString();
    f.ownerId = q.value(1).toLongLong();
    f.name = q.value(2).toString();
    f.mimeType = q.value(3).toString();
    f.size = q.value(4).toLongLong();
    f.offset = q.value(5).toLongLong();
    f.sha256 = q.value(6).toString();
    f.createdAt = sql::toTime(q.value(7));
    f.complete = !q.value(8).isNull();
    return f;
}

Result<FileUpload> readOne(SqlSession &s, QSqlQuery &q)
{
    if (!s.exec(q))
        return s.lastError();
    if (!q.next()) {
        q.finish();
        return notFound(u"no such file"_s);
    }
    FileUpload f = readFile(q);
    q.finish();
    return f;
}

Result<Done> changedOne(SqlSession &s, QSqlQuery &q, const QString &otherwise)
{
    if (!s.exec(q))
        return s.lastError();
    const int rows = q.numRowsAffected();
    q.finish();
    if (rows != 1)
        return conflict(otherwise);
    return Done{};
}

} // namespace

Result<qint64> bytesOwned(SqlSession &s, qint64 ownerId)
{
    QSqlQuery &q = s.prepared(u"SELECT COALESCE(SUM(size), 0) FROM files WHERE owner_id = ?"_s);
    q.addBindValue(ownerId);
    if (!s.exec(q) || !q.next())
        return s.lastError();
    const qint64 bytes = q.value(0).toLongLong();
    q.finish();
    return bytes;
}

Result<Done> create(SqlSession &s, const FileUpload &file, const QString &expectedSha256)
{
    QSqlQuery &q = s.prepared(
            u"INSERT INTO files (id, owner_id, name, mime_type, size, received, expected_sha256,"
            " created_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?)"_s);
    q.addBindValue(file.id);
    q.addBindValue(file.ownerId);
    // An empty but not null string: a null QString would be bound as NULL.
    q.addBindValue(file.name.isNull() ? u""_s : file.name);
    q.addBindValue(file.mimeType.isNull() ? u""_s : file.mimeType);
    q.addBindValue(file.size);
    q.addBindValue(sql::textOrNull(expectedSha256));
    q.addBindValue(file.createdAt.toMSecsSinceEpoch());
    if (!s.exec(q))
        return s.lastError();
    q.finish();
    return Done{};
}

Result<FileUpload> find(SqlSession &s, const QString &id)
{
    QSqlQuery &q = s.prepared(u"SELECT "_s + fileColumns + u" FROM files f WHERE f.id = ?"_s);
    q.addBindValue(id);
    return readOne(s, q);
}

Result<QString> expectedSha256(SqlSession &s, const QString &id)
{
    QSqlQuery &q = s.prepared(u"SELECT expected_sha256 FROM files WHERE id = ?"_s);
    q.addBindValue(id);
    if (!s.exec(q))
        return s.lastError();
    const QString sha = q.next() ? q.value(0).toString() : QString();
    q.finish();
    return sha;
}

Result<FileUpload> findReadable(SqlSession &s, const QString &id, qint64 userId)
{
    QSqlQuery &q = s.prepared(
            u"SELECT "_s + fileColumns
            + u" FROM files f WHERE f.id = ? AND (f.owner_id = ? OR EXISTS (SELECT 1 FROM"
              " messages m WHERE m.file_id = f.id AND (m.sender_id = ? OR m.receiver_id = ?)))"_s);
    q.addBindValue(id);
    q.addBindValue(userId);
    q.addBindValue(userId);
    q.addBindValue(userId);
    return readOne(s, q);
}

Result<Done> advance(SqlSession &s, const QString &id, qint64 from, qint64 to)
{
    QSqlQuery &q = s.prepared(u"UPDATE files SET received = ? WHERE id = ? AND received = ?"
                              " AND completed_at IS NULL"_s);
    q.addBindValue(to);
    q.addBindValue(id);
    q.addBindValue(from);
    return changedOne(s, q, u"the upload moved on meanwhile"_s);
}

Result<Done> complete(SqlSession &s, const QString &id, const QString &sha256, qint64 atMs)
{
    QSqlQuery &q = s.prepared(u"UPDATE files SET sha256 = ?, completed_at = ?"
                              " WHERE id = ? AND received = size AND completed_at IS NULL"_s);
    q.addBindValue(sha256);
    q.addBindValue(atMs);
    q.addBindValue(id);
    return changedOne(s, q, u"the upload is not complete"_s);
}

Result<Done> restart(SqlSession &s, const QString &id)
{
    QSqlQuery &q = s.prepared(
            u"UPDATE files SET received = 0 WHERE id = ? AND completed_at IS NULL"_s);
    q.addBindValue(id);
    return changedOne(s, q, u"the upload is already complete"_s);
}

Result<Done> removeUnreferenced(SqlSession &s, const QString &id, qint64 ownerId)
{
    QSqlQuery &q = s.prepared(u"DELETE FROM files WHERE id = ? AND owner_id = ? AND NOT EXISTS"
                              " (SELECT 1 FROM messages m WHERE m.file_id = files.id)"_s);
    q.addBindValue(id);
    q.addBindValue(ownerId);
    return changedOne(s, q, u"a message refers to this file; it stays"_s);
}

Result<QStringList> removeOrphans(SqlSession &s, qint64 cutoffMs)
{
    QSqlQuery &q = s.prepared(u"DELETE FROM files WHERE created_at < ? AND NOT EXISTS"
                              " (SELECT 1 FROM messages m WHERE m.file_id = files.id)"
                              " RETURNING id"_s);
    q.addBindValue(cutoffMs);
    if (!s.exec(q))
        return s.lastError();
    QStringList ids;
    while (q.next())
        ids << q.value(0).toString();
    q.finish();
    return ids;
}

Result<QStringList> allIds(SqlSession &s)
{
    QSqlQuery &q = s.prepared(u"SELECT id FROM files"_s);
    if (!s.exec(q))
        return s.lastError();
    QStringList ids;
    while (q.next())
        ids << q.value(0).toString();
    q.finish();
    return ids;
}

} // namespace fastchat::server::FileQueries
