// SPDX-License-Identifier: MIT
// SQL for accounts. Runs on a store thread with that thread's SqlSession.
#pragma once

#include "Result.h"

#include <QList>

#include <fastchat/User.h>

#include <optional>

namespace fastchat::server {

class SqlSession;

struct UserRecord
{
    User user; // email filled in; the API layer hides it from other readers
    QString passwordHash;
    bool isAdmin = false;
    bool disabled = false;
};

struct UserChanges
{
    std::optional<QString> username;
    std::optional<QString> email; // lower-case
    std::optional<QString> profileImage;
    std::optional<QString> passwordHash;
};

namespace UserQueries {

Result<UserRecord> create(SqlSession &s, const QString &username, const QString &email,
                          const QString &passwordHash);
// Active (not deleted) accounts only; disabled ones are returned with disabled = true.
Result<UserRecord> findById(SqlSession &s, qint64 id);
Result<UserRecord> findByEmail(SqlSession &s, const QString &email);
Result<UserRecord> findByUsername(SqlSession &s, const QString &username);
// Ordered by id; `search` matches a part of the username, without regard to case.
Result<QList<UserRecord>> list(SqlSession &s, const QString &search, qint64 afterId, int limit);
Result<UserRecord> update(SqlSession &s, qint64 id, const UserChanges &changes);
// Soft delete: the row stays for the messages that refer to it, the name and address
// are freed, and every session is revoked.
Result<Done> remove(SqlSession &s, qint64 id);
// A disabled account cannot log in; its tokens and sockets end.
Result<Done> setDisabled(SqlSession &s, qint64 id, bool disabled);
Result<Done> setLastSeen(SqlSession &s, qint64 id, qint64 atMs);
// The users who share a conversation with `id`: who hears about its presence.
Result<QList<qint64>> contactsOf(SqlSession &s, qint64 id);

} // namespace UserQueries
} // namespace fastchat::server
