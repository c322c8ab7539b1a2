// SPDX-License-Identifier: MIT
// The client's memory between runs: one SQLite file per user and server (QSqlDatabase,
// QSQLITE) holding the conversation list, the recent messages of each conversation, the
// people seen, the messages not yet acknowledged, and the last message id. The app shows
// this at once on start (offline too) and then syncs with the server. Rows are the wire
// JSON of the shared models, so the cache needs no mapping of its own.
#pragma once

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <fastchat/Conversation.h>
#include <fastchat/Message.h>
#include <fastchat/NewMessage.h>
#include <fastchat/User.h>

#include <memory>
#include <optional>

namespace fastchat::client {

namespace e2ee {
class SecretBox;
}

class LocalCache
{
public:
    // Messages kept per conversation; older ones are paged from the server when needed.
    static constexpr int keepPerConversation = 200;

    struct OutboxEntry
    {
        NewMessage message;
        QDateTime createdAt;
        bool failed = false;
        QString error;
    };

    LocalCache();
    ~LocalCache();
    LocalCache(const LocalCache &) = delete;
    LocalCache &operator=(const LocalCache &) = delete;

    // With a box (the database key from the keychain, set before open()), every row that
    // holds message text, names or drafts is sealed (e2ee/SecretBox.h); a file sealed with
    // another key, or not sealed, is dropped and rebuilt (it is only a copy).
    void setSecretBox(std::shared_ptr<const e2ee::SecretBox> box);
    // The Qt SQL connection, for the end-to-end encryption store's tables in the same file.
    QString connectionName() const { return m_connection; }

    // Opens (creating when needed) the file; returns false with a reason.
    bool open(const QString &filePath, QString *error = nullptr);
    void close();
    bool isOpen() const { return !m_connection.isEmpty(); }
    QString filePath() const { return m_filePath; }

    QList<Conversation> conversations() const;
    void saveConversation(const Conversation &conversation);
    // Replaces the whole list (after a sync with the server).
    void replaceConversations(const QList<Conversation> &conversations);

    // The newest `limit` messages with the peer, oldest first.
    QList<Message> recentMessages(qint64 peerId, int limit = keepPerConversation) const;
    void saveMessages(qint64 peerId, const QList<Message> &messages);

    QHash<qint64, User> users() const;
    void saveUser(const User &user);

    QList<OutboxEntry> outbox() const;
    void saveOutboxEntry(const OutboxEntry &entry);
    void removeOutboxEntry(const QString &clientId);

    // What the user was writing, per conversation (an empty text removes it).
    QHash<qint64, QString> drafts() const;
    void saveDraft(qint64 peerId, const QString &text);

    qint64 lastMessageId() const;
    void setLastMessageId(qint64 id);

private:
    bool exec(const QString &sql, const QVariantList &values = {}) const;
    QString seal(const QString &table, const QString &text) const;
    std::optional<QString> unseal(const QString &table, const QString &text) const;
    QString toText(const QString &table, const QJsonObject &object) const;
    QJsonObject fromText(const QString &table, const QString &text) const;
    bool sealMatches() const;
    void trim(qint64 peerId);

    QString m_connection;
    QString m_filePath;
    std::shared_ptr<const e2ee::SecretBox> m_box;
};

} // namespace fastchat::client
