// SPDX-License-Identifier: MIT
#include "Migrations.h"

#include "app/Logging.h"

#include <QDateTime>
#include <QStringList>

using namespace Qt::StringLiterals;

namespace fastchat::server {

namespace {

struct Migration
{
    int version;
    const char *description;
    // Statements; "{id}" becomes the dialect's auto-increment primary key. AUTOINCREMENT
    // keeps SQLite from reusing the ids of deleted rows: clients resume by message id.
    QStringList statements;
};

const QList<Migration> &migrations()
{
    static const QList<Migration> list = {
            {1,
             "users, sessions, conversations, messages",
             {
                     u"CREATE TABLE users ("
                     " id {id},"
                     " username TEXT NOT NULL,"
                     " email TEXT NOT NULL,"
                     " password_hash TEXT NOT NULL,"
                     " profile_image TEXT NOT NULL DEFAULT '',"
                     " is_admin INTEGER NOT NULL DEFAULT 0,"
                     " last_seen BIGINT,"
                     " created_at BIGINT NOT NULL,"
                     " updated_at BIGINT NOT NULL,"
                     " disabled_at BIGINT,"
                     " deleted_at BIGINT)"_s,
                     // Names are unique without regard to case; usernames are ASCII and e-mail
                     // addresses are stored lower-case, so lower() agrees in both databases.
                     u"CREATE UNIQUE INDEX users_username ON users (lower(username))"_s,
                     u"CREATE UNIQUE INDEX users_email ON users (email)"_s,
                     u"CREATE TABLE sessions ("
                     " id TEXT PRIMARY KEY,"
                     " user_id BIGINT NOT NULL REFERENCES users(id),"
                     " refresh_hash TEXT NOT NULL,"
                     " created_at BIGINT NOT NULL,"
                     " last_used_at BIGINT NOT NULL,"
                     " expires_at BIGINT NOT NULL,"
                     " revoked_at BIGINT)"_s,
                     u"CREATE INDEX sessions_user ON sessions (user_id)"_s,
                     u"CREATE TABLE conversations ("
                     " id {id},"
                     " user1_id BIGINT NOT NULL REFERENCES users(id),"
                     " user2_id BIGINT NOT NULL REFERENCES users(id),"
                     " last_message_id BIGINT,"
                     " user1_unread BIGINT NOT NULL DEFAULT 0,"
                     " user2_unread BIGINT NOT NULL DEFAULT 0,"
                     " created_at BIGINT NOT NULL,"
                     " updated_at BIGINT NOT NULL,"
                     " CHECK (user1_id < user2_id))"_s,
                     u"CREATE UNIQUE INDEX conversations_pair ON conversations (user1_id, user2_id)"_s,
                     u"CREATE INDEX conversations_user2 ON conversations (user2_id)"_s,
                     u"CREATE TABLE messages ("
                     " id {id},"
                     " conversation_id BIGINT NOT NULL REFERENCES conversations(id),"
                     " sender_id BIGINT NOT NULL REFERENCES users(id),"
                     " receiver_id BIGINT NOT NULL REFERENCES users(id),"
                     " content TEXT NOT NULL,"
                     " type TEXT NOT NULL,"
                     " client_id TEXT,"
                     " created_at BIGINT NOT NULL,"
                     " read_at BIGINT)"_s,
                     // History and resume read by keyset (conversation_id, id).
                     u"CREATE INDEX messages_conversation ON messages (conversation_id, id)"_s,
                     u"CREATE UNIQUE INDEX messages_client ON messages (sender_id, client_id)"
                     " WHERE client_id IS NOT NULL"_s,
                     // Counting and marking unread messages touches only unread rows.
                     u"CREATE INDEX messages_unread ON messages (conversation_id, receiver_id, id)"
                     " WHERE read_at IS NULL"_s,
                     u"CREATE TABLE server_secrets ("
                     " name TEXT PRIMARY KEY,"
                     " value TEXT NOT NULL,"
                     " created_at BIGINT NOT NULL)"_s,
             }},
            {2,
             "revocations: a log every node follows",
             {
                     // Every revoked session and every disabled or deleted user is appended
                     // here, by a server node or by the admin command line; each node reads
                     // what is new every few seconds, so a token refused on one node is
                     // refused on all of them.
                     u"CREATE TABLE revocations ("
                     " id {id},"
                     " session_id TEXT,"
                     " user_id BIGINT NOT NULL,"
                     " at BIGINT NOT NULL)"_s,
                     u"CREATE INDEX revocations_at ON revocations (at)"_s,
             }},
            {3,
             "nodes and presence: who is online across a cluster",
             {
                     // A node's heartbeat; a node silent for long is dead and its presence
                     // rows are removed by the others.
                     u"CREATE TABLE nodes ("
                     " id TEXT PRIMARY KEY,"
                     " started_at BIGINT NOT NULL,"
                     " heartbeat_at BIGINT NOT NULL)"_s,
                     // One row per user per node holding at least one of their sockets.
                     u"CREATE TABLE presence ("
                     " node_id TEXT NOT NULL,"
                     " user_id BIGINT NOT NULL,"
                     " PRIMARY KEY (node_id, user_id))"_s,
                     u"CREATE INDEX presence_user ON presence (user_id)"_s,
             }},
            {4,
             "files: uploads and the messages that refer to them",
             {
                     // The bytes live in the files folder under the id; never under a name a
                     // client chose. `received` only grows, after the bytes are on disk.
                     u"CREATE TABLE files ("
                     " id TEXT PRIMARY KEY,"
                     " owner_id BIGINT NOT NULL REFERENCES users(id),"
                     " name TEXT NOT NULL,"
                     " mime_type TEXT NOT NULL,"
                     " size BIGINT NOT NULL,"
                     " received BIGINT NOT NULL DEFAULT 0,"
                     " expected_sha256 TEXT,"
                     " sha256 TEXT,"
                     " created_at BIGINT NOT NULL,"
                     " completed_at BIGINT)"_s,
                     u"CREATE INDEX files_owner ON files (owner_id)"_s,
                     u"CREATE INDEX files_created ON files (created_at)"_s,
                     u"ALTER TABLE messages ADD COLUMN file_id TEXT"_s,
                     // Who may download a file, and whether an upload is still an orphan.
                     u"CREATE INDEX messages_file ON messages (file_id) WHERE file_id IS NOT NULL"_s,
             }},
            {5,
             "keys: public keys for end-to-end encryption",
             {
                     // Public keys only (base64url): the private ones never leave the client.
                     u"CREATE TABLE identity_keys ("
                     " user_id BIGINT PRIMARY KEY REFERENCES users(id),"
                     " identity_key TEXT NOT NULL,"
                     " signed_prekey_id BIGINT NOT NULL,"
                     " signed_prekey TEXT NOT NULL,"
                     " signed_prekey_signature TEXT NOT NULL,"
                     " updated_at BIGINT NOT NULL)"_s,
                     u"CREATE TABLE one_time_prekeys ("
                     " user_id BIGINT NOT NULL REFERENCES users(id),"
                     " key_id BIGINT NOT NULL,"
                     " public_key TEXT NOT NULL,"
                     " PRIMARY KEY (user_id, key_id))"_s,
             }},
            {6,
             "messages: sender and receiver checked through their conversation",
             {
                     // Every foreign key costs PostgreSQL a locking query per inserted row
                     // (a third of its CPU per message under load). The conversation's key
                     // stays; the writer only stores a message whose sender and receiver are
                     // that conversation's two users, who are checked by its own keys. Users
                     // are never deleted, only marked. SQLite checks keys in-process at
                     // little cost and keeps them (its tables cannot drop a constraint).
                     u"{postgres} ALTER TABLE messages DROP CONSTRAINT messages_sender_id_fkey"_s,
                     u"{postgres} ALTER TABLE messages DROP CONSTRAINT messages_receiver_id_fkey"_s,
             }},
            {7,
             "messages: conversation checked by the writer",
             {
                     // The last key of messages was still a sixth of PostgreSQL's CPU per
                     // message (a row lock on the conversation, which the same statement
                     // then updates). Conversations are never deleted, and the writer takes
                     // a message's conversation id only from the row it found or created in
                     // the same transaction, or from its cache of those rows, which it
                     // empties on every rollback.
                     u"{postgres} ALTER TABLE messages DROP CONSTRAINT messages_conversation_id_fkey"_s,
             }},
    };
    return list;
}

// "{postgres} " marks a statement for PostgreSQL only: it becomes empty for SQLite.
QString forDialect(QString sql, bool postgres)
{
    static const QString postgresOnly = u"{postgres} "_s;
    if (sql.startsWith(postgresOnly)) {
        if (!postgres)
            return {};
        sql.remove(0, postgresOnly.size());
    }
    sql.replace(u"{id}"_s,
                postgres ? u"BIGSERIAL PRIMARY KEY"_s : u"INTEGER PRIMARY KEY AUTOINCREMENT"_s);
    return sql;
}

} // namespace

int Migrations::latestVersion()
{
    return migrations().constLast().version;
}

int Migrations::currentVersion(SqlSession &session)
{
    QSqlQuery &q = session.prepared(u"SELECT MAX(version) FROM schema_migrations"_s);
    if (!session.exec(q) || !q.next())
        return -1;
    const QVariant v = q.value(0);
    q.finish();
    return v.isNull() ? 0 : v.toInt();
}

bool Migrations::apply(SqlSession &session, QString *error)
{
    if (!session.execDirect(u"CREATE TABLE IF NOT EXISTS schema_migrations ("
                            " version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)"_s)) {
        *error = session.lastError().message;
        return false;
    }
    for (const Migration &m : migrations()) {
        if (!session.begin()) {
            *error = session.lastError().message;
            return false;
        }
        // Two nodes starting together must not both migrate: the lock lasts until
        // this transaction ends.
        if (session.isPostgres())
            session.execDirect(u"SELECT pg_advisory_xact_lock(727274)"_s);
        QSqlQuery &exists = session.prepared(
                u"SELECT 1 FROM schema_migrations WHERE version = ?"_s);
        exists.addBindValue(m.version);
        if (!session.exec(exists)) {
            session.rollback();
            *error = session.lastError().message;
            return false;
        }
        const bool applied = exists.next();
        exists.finish();
        if (applied) {
            session.rollback();
            continue;
        }
        for (const QString &statement : m.statements) {
            const QString sql = forDialect(statement, session.isPostgres());
            if (!sql.isEmpty() && !session.execDirect(sql)) {
                session.rollback();
                *error = u"migration %1 (%2) failed: %3"_s.arg(m.version).arg(
                        QString::fromLatin1(m.description), session.lastError().message);
                return false;
            }
        }
        QSqlQuery &record = session.prepared(
                u"INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)"_s);
        record.addBindValue(m.version);
        record.addBindValue(QDateTime::currentMSecsSinceEpoch());
        if (!session.exec(record) || !session.commit()) {
            session.rollback();
            *error = session.lastError().message;
            return false;
        }
        qCInfo(lcStore) << "applied migration" << m.version << m.description;
    }
    return true;
}

} // namespace fastchat::server
