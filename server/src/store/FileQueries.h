// SPDX-License-Identifier: MIT
// SQL for uploaded files: the row of each upload, how far it has come, who may read it,
// and which uploads were never used.
#pragma once

#include "Result.h"

#include <QStringList>

#include <fastchat/FileUpload.h>

namespace fastchat::server {

class SqlSession;

namespace FileQueries {

// Bytes of every file a user owns, complete or not (what counts against a quota).
Result<qint64> bytesOwned(SqlSession &s, qint64 ownerId);
Result<Done> create(SqlSession &s, const FileUpload &file, const QString &expectedSha256);
// The file, whoever owns it (NotFound when there is none).
Result<FileUpload> find(SqlSession &s, const QString &id);
// The SHA-256 the client announced, empty when none.
Result<QString> expectedSha256(SqlSession &s, const QString &id);
// The file if `userId` may read it: its owner, or a user of a conversation in which a
// message refers to it. Anyone else gets NotFound, as for a file that does not exist.
Result<FileUpload> findReadable(SqlSession &s, const QString &id, qint64 userId);
// Moves `received` from `from` to `to`; Conflict when it is no longer at `from`.
Result<Done> advance(SqlSession &s, const QString &id, qint64 from, qint64 to);
Result<Done> complete(SqlSession &s, const QString &id, const QString &sha256, qint64 atMs);
// Starts an upload over (its bytes did not match the announced SHA-256).
Result<Done> restart(SqlSession &s, const QString &id);
// Deletes the owner's upload if no message refers to it; Conflict when one does.
Result<Done> removeUnreferenced(SqlSession &s, const QString &id, qint64 ownerId);
// Deletes the uploads created before `cutoffMs` that no message refers to; their ids.
Result<QStringList> removeOrphans(SqlSession &s, qint64 cutoffMs);
// Every file id the database knows (to find blobs on disk that have no row).
Result<QStringList> allIds(SqlSession &s);

} // namespace FileQueries
} // namespace fastchat::server
