// SPDX-License-Identifier: MIT
#include "LocalCache.h"

#include "Logging.h"
#include "e2ee/SecretBox.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

using namespace Qt::StringLiterals;

namespace fastchat::client {

namespace {

constexpr int schemaVersion = 2;

constexpr auto sealCheckText = "fastchat local cache";

} // namespace

void LocalCache::setSecretBox(std::shared_ptr<const e2ee::SecretBox> box)
{
    m_box = std::move(box);
}

QString LocalCache::seal(const QString &table, const QString &text) const
{
    if (!m_box)
        return text;
    return m_box->seal(text.toUtf8(), table.toUtf8());
}

std::optional<QString> LocalCache::unseal(const QString &table, const QString &text) const
{
    if (!m_box)
        return text;
    const auto plain = m_box->open(text, table.toUtf8());
    if (!plain)
        return std::nullopt;
    return QString::fromUtf8(*plain);
}

QString LocalCache::toText(const QString &table, const QJsonObject &object) const
{
    return seal(table, QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact)));
}

QJsonObject LocalCache::fromText(const QString &table, const QString &text) const
{
    const auto plain = unseal(table, text);
    if (!plain) {
        qCWarning(lcCache) << "a row of" << table << "does not open with this database key";
        return {};
    }
    return QJsonDocument::fromJson(plain->toUtf8()).object();
}

bool LocalCache::sealMatches() const
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    if (!q.exec(u"SELECT value FROM meta WHERE key = 'seal'"_s))
        return false;
    const QString stored = q.next() ? q.value(0).toString() : QString();
    if (!m_box)
        return stored.isEmpty() || stored == u"none"_s;
    const auto plain = m_box->open(stored, "meta:seal");
    return plain && *plain == sealCheckText;
}

LocalCache::LocalCache() = default;

LocalCache::~LocalCache()
{
    close();
}

bool LocalCache::open(const QString &filePath, QString *error)
{
    close();
    QDir().mkpath(QFileInfo(filePath).absolutePath());
    const QString connection = u"fastchat-cache-"_s
            + QUuid::createUuid().toString(QUuid::WithoutBraces);
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, connection);
        db.setDatabaseName(filePath);
        if (!db.open()) {
            if (error)
                *error = db.lastError().text();
            qCWarning(lcCache) << "cannot open the cache" << filePath << db.lastError().text();
            db = {};
            QSqlDatabase::removeDatabase(connection);
            return false;
        }
    }
    m_connection = connection;
    m_filePath = filePath;
    exec(u"PRAGMA journal_mode=WAL"_s);
    exec(u"PRAGMA synchronous=NORMAL"_s);
    // Deleted rows are overwritten, not left in free pages of the file.
    exec(u"PRAGMA secure_delete=ON"_s);
    QSqlQuery version(QSqlDatabase::database(m_connection));
    version.exec(u"PRAGMA user_version"_s);
    const int current = version.next() ? version.value(0).toInt() : 0;
    version.finish(); // an open statement would lock the tables dropped below
    if (current != schemaVersion || !sealMatches()) {
        // A cache is only a copy: an unknown layout, or rows sealed with another database key
        // (or none), are dropped and rebuilt.
        for (const auto &table :
             {u"conversations"_s, u"messages"_s, u"users"_s, u"outbox"_s, u"drafts"_s, u"meta"_s})
            exec(u"DROP TABLE IF EXISTS "_s + table);
        const bool ok
                = exec(u"CREATE TABLE conversations (peer_id INTEGER PRIMARY KEY, body TEXT NOT NULL)"_s)
                && exec(u"CREATE TABLE messages (id INTEGER PRIMARY KEY, peer_id INTEGER NOT NULL, body TEXT NOT NULL)"_s)
                && exec(u"CREATE INDEX messages_by_peer ON messages (peer_id, id)"_s)
                && exec(u"CREATE TABLE users (id INTEGER PRIMARY KEY, body TEXT NOT NULL)"_s)
                && exec(u"CREATE TABLE outbox (client_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, "
                        u"body TEXT NOT NULL,"
                        " created_at INTEGER NOT NULL, failed INTEGER NOT NULL, error TEXT)"_s)
                && exec(u"CREATE TABLE drafts (peer_id INTEGER PRIMARY KEY, body TEXT NOT NULL)"_s)
                && exec(u"CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)"_s)
                && exec(u"INSERT INTO meta (key, value) VALUES ('seal', ?)"_s,
                        {m_box ? m_box->seal(QByteArrayView(sealCheckText), "meta:seal")
                               : u"none"_s})
                && exec(u"PRAGMA user_version = %1"_s.arg(schemaVersion));
        if (!ok) {
            if (error)
                *error = u"cannot create the cache tables"_s;
            close();
            return false;
        }
    }
    qCDebug(lcCache) << "cache open:" << filePath;
    return true;
}

void LocalCache::close()
{
    if (m_connection.isEmpty())
        return;
    QSqlDatabase::database(m_connection, false).close();
    QSqlDatabase::removeDatabase(m_connection);
    m_connection.clear();
    m_filePath.clear();
}

bool LocalCache::exec(const QString &sql, const QVariantList &values) const
{
    if (m_connection.isEmpty())
        return false;
    QSqlQuery q(QSqlDatabase::database(m_connection));
    if (!q.prepare(sql)) {
        qCWarning(lcCache) << "cannot prepare" << sql << q.lastError().text();
        return false;
    }
    for (const QVariant &v : values)
        q.addBindValue(v);
    if (!q.exec()) {
        qCWarning(lcCache) << "failed:" << sql << q.lastError().text();
        return false;
    }
    return true;
}

QList<Conversation> LocalCache::conversations() const
{
    QList<Conversation> list;
    if (!isOpen())
        return list;
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.exec(u"SELECT body FROM conversations"_s);
    while (q.next()) {
        auto c = Conversation::fromJson(fromText(u"conversations"_s, q.value(0).toString()));
        if (c)
            list.append(c.value());
    }
    return list;
}

void LocalCache::saveConversation(const Conversation &conversation)
{
    if (!conversation.peer)
        return;
    exec(u"INSERT OR REPLACE INTO conversations (peer_id, body) VALUES (?, ?)"_s,
         {conversation.peer->id, toText(u"conversations"_s, conversation.toJson())});
}

void LocalCache::replaceConversations(const QList<Conversation> &conversations)
{
    if (!isOpen())
        return;
    QSqlDatabase db = QSqlDatabase::database(m_connection);
    db.transaction();
    exec(u"DELETE FROM conversations"_s);
    for (const Conversation &c : conversations)
        saveConversation(c);
    db.commit();
}

QList<Message> LocalCache::recentMessages(qint64 peerId, int limit) const
{
    QList<Message> list;
    if (!isOpen())
        return list;
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(u"SELECT body FROM messages WHERE peer_id = ? ORDER BY id DESC LIMIT ?"_s);
    q.addBindValue(peerId);
    q.addBindValue(limit);
    q.exec();
    while (q.next()) {
        auto m = Message::fromJson(fromText(u"messages"_s, q.value(0).toString()));
        if (m)
            list.prepend(m.value());
    }
    return list;
}

void LocalCache::saveMessages(qint64 peerId, const QList<Message> &messages)
{
    if (!isOpen() || messages.isEmpty())
        return;
    QSqlDatabase db = QSqlDatabase::database(m_connection);
    db.transaction();
    for (const Message &m : messages)
        exec(u"INSERT OR REPLACE INTO messages (id, peer_id, body) VALUES (?, ?, ?)"_s,
             {m.id, peerId, toText(u"messages"_s, m.toJson())});
    trim(peerId);
    db.commit();
}

void LocalCache::trim(qint64 peerId)
{
    exec(u"DELETE FROM messages WHERE peer_id = ? AND id NOT IN"
         " (SELECT id FROM messages WHERE peer_id = ? ORDER BY id DESC LIMIT ?)"_s,
         {peerId, peerId, keepPerConversation});
}

QHash<qint64, User> LocalCache::users() const
{
    QHash<qint64, User> users;
    if (!isOpen())
        return users;
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.exec(u"SELECT body FROM users"_s);
    while (q.next()) {
        auto u = User::fromJson(fromText(u"users"_s, q.value(0).toString()));
        if (u)
            users.insert(u->id, u.value());
    }
    return users;
}

void LocalCache::saveUser(const User &user)
{
    exec(u"INSERT OR REPLACE INTO users (id, body) VALUES (?, ?)"_s,
         {user.id, toText(u"users"_s, user.toJson())});
}

QList<LocalCache::OutboxEntry> LocalCache::outbox() const
{
    QList<OutboxEntry> list;
    if (!isOpen())
        return list;
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.exec(u"SELECT body, created_at, failed, error FROM outbox ORDER BY seq"_s);
    while (q.next()) {
        auto m = NewMessage::fromJson(fromText(u"outbox"_s, q.value(0).toString()));
        if (!m)
            continue;
        list.append({m.value(), QDateTime::fromMSecsSinceEpoch(q.value(1).toLongLong(), Qt::UTC),
                     q.value(2).toBool(), q.value(3).toString()});
    }
    return list;
}

void LocalCache::saveOutboxEntry(const OutboxEntry &entry)
{
    // seq keeps the order of first queuing across updates of the same entry.
    exec(u"INSERT INTO outbox (client_id, seq, body, created_at, failed, error)"
         " VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM outbox), ?, ?, ?, ?)"
         " ON CONFLICT (client_id) DO UPDATE SET failed = excluded.failed, error = excluded.error"_s,
         {entry.message.clientId, toText(u"outbox"_s, entry.message.toJson()),
          entry.createdAt.toMSecsSinceEpoch(), entry.failed ? 1 : 0, entry.error});
}

void LocalCache::removeOutboxEntry(const QString &clientId)
{
    exec(u"DELETE FROM outbox WHERE client_id = ?"_s, {clientId});
}

QHash<qint64, QString> LocalCache::drafts() const
{
    QHash<qint64, QString> drafts;
    if (!isOpen())
        return drafts;
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.exec(u"SELECT peer_id, body FROM drafts"_s);
    while (q.next()) {
        if (const auto text = unseal(u"drafts"_s, q.value(1).toString()))
            drafts.insert(q.value(0).toLongLong(), *text);
    }
    return drafts;
}

void LocalCache::saveDraft(qint64 peerId, const QString &text)
{
    if (text.isEmpty())
        exec(u"DELETE FROM drafts WHERE peer_id = ?"_s, {peerId});
    else
        exec(u"INSERT OR REPLACE INTO drafts (peer_id, body) VALUES (?, ?)"_s,
             {peerId, seal(u"drafts"_s, text)});
}

qint64 LocalCache::lastMessageId() const
{
    if (!isOpen())
        return 0;
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.exec(u"SELECT value FROM meta WHERE key = 'last_message_id'"_s);
    return q.next() ? q.value(0).toLongLong() : 0;
}

void LocalCache::setLastMessageId(qint64 id)
{
    exec(u"INSERT INTO meta (key, value) VALUES ('last_message_id', ?)"
         " ON CONFLICT (key) DO UPDATE SET value = excluded.value"_s,
         {QString::number(id)});
}

} // namespace fastchat::client
