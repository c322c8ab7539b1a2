// SPDX-License-Identifier: MIT
#include "MessageWriter.h"

#include "SqlSession.h"
#include "SqlValues.h"
#include "app/Logging.h"

#include <QSet>
#include <fastchat/Time.h>

using namespace Qt::StringLiterals;

namespace fastchat::server {

namespace {

struct ConversationChange
{
    qint64 lastMessageId = 0;
    qint64 lastAt = 0;
    qint64 user1Unread = 0;
    qint64 user2Unread = 0;
};

} // namespace

void MessageWriter::write(SqlSession &session, std::vector<PendingMessage> &batch)
{
    std::vector<Result<StoredMessage>> results;
    StoreError failure;
    if (!session.ensureOpen()) {
        failure = session.lastError();
    } else if (writeTransaction(session, batch, results, &failure)) {
        for (size_t i = 0; i < batch.size(); ++i)
            batch[i].done(std::move(results[i]));
        return;
    }
    if (batch.size() > 1 && failure.kind != StoreError::Unavailable) {
        qCWarning(lcStore) << "a batch of" << batch.size()
                           << "messages failed; retrying one by one:" << failure.message;
        for (PendingMessage &one : batch) {
            std::vector<PendingMessage> single{std::move(one)};
            write(session, single);
        }
        return;
    }
    for (PendingMessage &p : batch)
        p.done(failure);
}

bool MessageWriter::writeTransaction(SqlSession &session, const std::vector<PendingMessage> &batch,
                                     std::vector<Result<StoredMessage>> &results,
                                     StoreError *failure)
{
    results.clear();
    results.reserve(batch.size());
    const auto fail = [&] {
        *failure = session.lastError();
        session.rollback();
        // Conversation rows created in this transaction are gone again.
        m_conversationIds.clear();
        return false;
    };
    if (!session.begin())
        return fail();

    // Which of the users involved may take part: one query for the whole batch.
    QSet<qint64> ids;
    for (const PendingMessage &p : batch)
        ids << p.senderId << p.draft.receiverId;
    const QList<qint64> idList(ids.begin(), ids.end());
    QSqlQuery &active = session.prepared(
            u"SELECT id FROM users WHERE deleted_at IS NULL AND disabled_at IS NULL AND id IN (%1)"_s
                    .arg(sql::placeholders(idList.size())));
    for (qint64 id : idList)
        active.addBindValue(id);
    if (!session.exec(active))
        return fail();
    QSet<qint64> activeIds;
    while (active.next())
        activeIds << active.value(0).toLongLong();
    active.finish();

    QHash<qint64, ConversationChange> changes;
    QSqlQuery &insert = session.prepared(
            u"INSERT INTO messages (conversation_id, sender_id, receiver_id, content, type,"
            " client_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (sender_id, client_id) WHERE client_id IS NOT NULL DO NOTHING"
            " RETURNING id"_s);
    for (const PendingMessage &p : batch) {
        const NewMessage &d = p.draft;
        if (!activeIds.contains(d.receiverId)) {
            results.emplace_back(notFound(u"no user with id %1"_s.arg(d.receiverId)));
            continue;
        }
        if (!activeIds.contains(p.senderId)) {
            results.emplace_back(forbidden(u"the sender's account is not active"_s));
            continue;
        }
        bool created = false;
        const auto conversation = conversationFor(session, p.senderId, d.receiverId, &created);
        if (!conversation)
            return fail();
        // Times never go backwards within this writer, so that id order and time agree.
        const qint64 now = std::max(sql::nowMs(), m_lastCreatedAt);
        m_lastCreatedAt = now;

        insert.addBindValue(conversation.value());
        insert.addBindValue(p.senderId);
        insert.addBindValue(d.receiverId);
        insert.addBindValue(d.content);
        insert.addBindValue(d.type);
        insert.addBindValue(sql::textOrNull(d.clientId));
        insert.addBindValue(now);
        if (!session.exec(insert))
            return fail();
        StoredMessage stored;
        Message &m = stored.message;
        if (insert.next()) {
            m.id = insert.value(0).toLongLong();
            insert.finish();
            m.conversationId = conversation.value();
            m.senderId = p.senderId;
            m.receiverId = d.receiverId;
            m.content = d.content;
            m.type = d.type;
            m.clientId = d.clientId;
            m.createdAt = m.timestamp = m.updatedAt = fromEpochMs(now);
            stored.newConversation = created;
            ConversationChange &c = changes[m.conversationId];
            c.lastMessageId = m.id;
            c.lastAt = now;
            (d.receiverId < p.senderId ? c.user1Unread : c.user2Unread) += 1;
        } else {
            insert.finish();
            // The same client_id again: answer with the message stored the first time.
            QSqlQuery &existing = session.prepared(
                    u"SELECT id, conversation_id, receiver_id, content, type, created_at, read_at"
                    " FROM messages WHERE sender_id = ? AND client_id = ?"_s);
            existing.addBindValue(p.senderId);
            existing.addBindValue(d.clientId);
            if (!session.exec(existing))
                return fail();
            if (!existing.next()) {
                existing.finish();
                *failure = {StoreError::Internal, u"duplicate message vanished"_s};
                session.rollback();
                return false;
            }
            m.id = existing.value(0).toLongLong();
            m.conversationId = existing.value(1).toLongLong();
            m.senderId = p.senderId;
            m.receiverId = existing.value(2).toLongLong();
            m.content = existing.value(3).toString();
            m.type = existing.value(4).toString();
            m.clientId = d.clientId;
            m.createdAt = m.timestamp = m.updatedAt = sql::toTime(existing.value(5));
            m.readAt = sql::toTime(existing.value(6));
            existing.finish();
            stored.duplicate = true;
        }
        results.emplace_back(std::move(stored));
    }

    QSqlQuery &update = session.prepared(
            u"UPDATE conversations SET last_message_id = ?, updated_at = ?,"
            " user1_unread = user1_unread + ?, user2_unread = user2_unread + ? WHERE id = ?"_s);
    for (auto it = changes.cbegin(); it != changes.cend(); ++it) {
        update.addBindValue(it->lastMessageId);
        update.addBindValue(it->lastAt);
        update.addBindValue(it->user1Unread);
        update.addBindValue(it->user2Unread);
        update.addBindValue(it.key());
        if (!session.exec(update))
            return fail();
    }
    if (!session.commit())
        return fail();
    return true;
}

Result<qint64> MessageWriter::conversationFor(SqlSession &session, qint64 a, qint64 b, bool *created)
{
    const QPair<qint64, qint64> pair(std::min(a, b), std::max(a, b));
    if (const auto it = m_conversationIds.constFind(pair); it != m_conversationIds.constEnd())
        return *it;
    QSqlQuery &find = session.prepared(
            u"SELECT id FROM conversations WHERE user1_id = ? AND user2_id = ?"_s);
    find.addBindValue(pair.first);
    find.addBindValue(pair.second);
    if (!session.exec(find))
        return session.lastError();
    if (find.next()) {
        const qint64 id = find.value(0).toLongLong();
        find.finish();
        m_conversationIds.insert(pair, id);
        return id;
    }
    find.finish();
    const qint64 now = sql::nowMs();
    // ON CONFLICT: another node may create the same conversation at the same moment.
    QSqlQuery &insert = session.prepared(
            u"INSERT INTO conversations (user1_id, user2_id, created_at, updated_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (user1_id, user2_id) DO UPDATE"
            " SET updated_at = excluded.updated_at RETURNING id"_s);
    insert.addBindValue(pair.first);
    insert.addBindValue(pair.second);
    insert.addBindValue(now);
    insert.addBindValue(now);
    if (!session.exec(insert) || !insert.next())
        return session.lastError();
    const qint64 id = insert.value(0).toLongLong();
    insert.finish();
    *created = true;
    m_conversationIds.insert(pair, id);
    return id;
}

} // namespace fastchat::server
