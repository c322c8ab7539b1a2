// SPDX-License-Identifier: MIT
#include "ChatQueries.h"

#include "SqlSession.h"
#include "SqlValues.h"
#include "UserQueries.h"

#include <algorithm>
#include <limits>

using namespace Qt::StringLiterals;

namespace fastchat::server::ChatQueries {

namespace {

const QString messageColumns
        = u"m.id, m.conversation_id, m.sender_id, m.receiver_id, m.content, m.type, m.client_id,"
          " m.created_at, m.read_at, m.file_id"_s;
constexpr int messageColumnCount = 10;

Message readMessage(const QSqlQuery &q, int at = 0)
{
    Message m;
    m.id = q.value(at + 0).toLongLong();
    m.conversationId = q.value(at + 1).toLongLong();
    m.senderId = q.value(at + 2).toLongLong();
    m.receiverId = q.value(at + 3).toLongLong();
    m.content = q.value(at + 4).toString();
    m.type = q.value(at + 5).toString();
    m.clientId = q.value(at + 6).toString();
    m.createdAt = m.timestamp = m.updatedAt = sql::toTime(q.value(at + 7));
    m.readAt = sql::toTime(q.value(at + 8));
    m.fileId = q.value(at + 9).toString();
    return m;
}

Result<QList<Message>> readMessages(SqlSession &s, QSqlQuery &q)
{
    if (!s.exec(q))
        return s.lastError();
    QList<Message> list;
    while (q.next())
        list.append(readMessage(q));
    q.finish();
    return list;
}

// 0 when the two have never exchanged a message.
Result<qint64> conversationId(SqlSession &s, qint64 a, qint64 b)
{
    QSqlQuery &q = s.prepared(
            u"SELECT id FROM conversations WHERE user1_id = ? AND user2_id = ?"_s);
    q.addBindValue(std::min(a, b));
    q.addBindValue(std::max(a, b));
    if (!s.exec(q))
        return s.lastError();
    const qint64 id = q.next() ? q.value(0).toLongLong() : 0;
    q.finish();
    return id;
}

} // namespace

Result<QList<Conversation>> conversations(SqlSession &s, qint64 userId)
{
    QSqlQuery &q = s.prepared(
            u"SELECT c.id, c.user1_id, c.user2_id, c.last_message_id, c.user1_unread,"
            " c.user2_unread, c.created_at, c.updated_at,"
            " u.id, u.username, u.profile_image, u.last_seen, u.created_at, u.updated_at, "_s
            + messageColumns
            + u" FROM conversations c"
              " JOIN users u ON u.id = CASE WHEN c.user1_id = ? THEN c.user2_id ELSE c.user1_id END"
              " LEFT JOIN messages m ON m.id = c.last_message_id"
              " WHERE c.user1_id = ? OR c.user2_id = ?"
              " ORDER BY COALESCE(c.last_message_id, 0) DESC, c.id DESC"_s);
    q.addBindValue(userId);
    q.addBindValue(userId);
    q.addBindValue(userId);
    if (!s.exec(q))
        return s.lastError();
    QList<Conversation> list;
    while (q.next()) {
        Conversation c;
        c.id = q.value(0).toLongLong();
        c.user1Id = q.value(1).toLongLong();
        c.user2Id = q.value(2).toLongLong();
        c.lastMessageId = q.value(3).toLongLong();
        c.unreadCount = (c.user1Id == userId ? q.value(4) : q.value(5)).toLongLong();
        c.createdAt = sql::toTime(q.value(6));
        c.updatedAt = sql::toTime(q.value(7));
        User peer;
        peer.id = q.value(8).toLongLong();
        peer.username = q.value(9).toString();
        peer.profileImage = q.value(10).toString();
        peer.lastSeen = sql::toTime(q.value(11));
        peer.createdAt = sql::toTime(q.value(12));
        peer.updatedAt = sql::toTime(q.value(13));
        c.peer = peer;
        if (!q.value(14).isNull())
            c.lastMessage = readMessage(q, 14);
        list.append(c);
    }
    q.finish();
    static_assert(messageColumnCount == 10);
    return list;
}

namespace {

// PostgreSQL: the peer check, the conversation and the page in one statement, so a page
// is one round trip and one backend wake-up instead of three. No row: the peer does not
// exist (or was deleted); one row with a null message id: no messages in that direction.
// Latest and Before share a statement (Latest is "before the largest id").
const QByteArray historyBeforeSql
        = "SELECT m.id, m.conversation_id, m.sender_id, m.receiver_id, m.content, m.type,"
          " m.client_id, m.created_at, m.read_at, m.file_id"
          " FROM users u"
          " LEFT JOIN conversations c ON c.user1_id = $1 AND c.user2_id = $2"
          " LEFT JOIN LATERAL (SELECT * FROM messages WHERE conversation_id = c.id AND id < $4"
          "                    ORDER BY id DESC LIMIT $5) m ON true"
          " WHERE u.id = $3 AND u.deleted_at IS NULL";
const QByteArray historyAfterSql
        = "SELECT m.id, m.conversation_id, m.sender_id, m.receiver_id, m.content, m.type,"
          " m.client_id, m.created_at, m.read_at, m.file_id"
          " FROM users u"
          " LEFT JOIN conversations c ON c.user1_id = $1 AND c.user2_id = $2"
          " LEFT JOIN LATERAL (SELECT * FROM messages WHERE conversation_id = c.id AND id > $4"
          "                    ORDER BY id ASC LIMIT $5) m ON true"
          " WHERE u.id = $3 AND u.deleted_at IS NULL";

QDateTime timeFromText(const QByteArray &text)
{
    return text.isNull() ? QDateTime() : QDateTime::fromMSecsSinceEpoch(text.toLongLong(), Qt::UTC);
}

Result<QList<Message>> postgresHistory(SqlSession &s, qint64 userId, qint64 peerId,
                                       const HistoryPage &page)
{
    const bool after = page.direction == HistoryPage::Direction::After;
    const qint64 pivot = page.direction == HistoryPage::Direction::Latest
            ? std::numeric_limits<qint64>::max()
            : page.pivot;
    const auto rows = s.execPrepared(after ? "fc_history_after" : "fc_history_before",
                                     after ? historyAfterSql : historyBeforeSql,
                                     {QByteArray::number(std::min(userId, peerId)),
                                      QByteArray::number(std::max(userId, peerId)),
                                      QByteArray::number(peerId), QByteArray::number(pivot),
                                      QByteArray::number(page.limit)});
    if (!rows)
        return s.lastError();
    if (rows->isEmpty())
        return notFound(u"user not found"_s);
    QList<Message> list;
    list.reserve(rows->size());
    for (const QByteArrayList &row : *rows) {
        if (row.at(0).isNull())
            break; // the peer exists, but there is no message
        Message m;
        m.id = row.at(0).toLongLong();
        m.conversationId = row.at(1).toLongLong();
        m.senderId = row.at(2).toLongLong();
        m.receiverId = row.at(3).toLongLong();
        m.content = QString::fromUtf8(row.at(4));
        m.type = QString::fromUtf8(row.at(5));
        m.clientId = QString::fromUtf8(row.at(6));
        m.createdAt = m.timestamp = m.updatedAt = timeFromText(row.at(7));
        m.readAt = timeFromText(row.at(8));
        m.fileId = QString::fromUtf8(row.at(9));
        list.append(m);
    }
    // Oldest first; the rows of a lateral join come in no promised order.
    std::sort(list.begin(), list.end(),
              [](const Message &a, const Message &b) { return a.id < b.id; });
    return list;
}

} // namespace

Result<QList<Message>> history(SqlSession &s, qint64 userId, qint64 peerId, const HistoryPage &page)
{
    if (s.isPostgres())
        return postgresHistory(s, userId, peerId, page);
    // SQLite runs in this process: three statements cost no round trips, so they stay
    // as simple as they are.
    const auto peer = UserQueries::findById(s, peerId);
    if (!peer)
        return peer.error();
    const auto conversation = conversationId(s, userId, peerId);
    if (!conversation)
        return conversation.error();
    if (conversation.value() == 0)
        return QList<Message>();
    QString sql = u"SELECT "_s + messageColumns + u" FROM messages m WHERE m.conversation_id = ?"_s;
    switch (page.direction) {
    case HistoryPage::Direction::Latest:
        sql += u" ORDER BY m.id DESC LIMIT ?"_s;
        break;
    case HistoryPage::Direction::Before:
        sql += u" AND m.id < ? ORDER BY m.id DESC LIMIT ?"_s;
        break;
    case HistoryPage::Direction::After:
        sql += u" AND m.id > ? ORDER BY m.id ASC LIMIT ?"_s;
        break;
    }
    QSqlQuery &q = s.prepared(sql);
    q.addBindValue(conversation.value());
    if (page.direction != HistoryPage::Direction::Latest)
        q.addBindValue(page.pivot);
    q.addBindValue(page.limit);
    auto list = readMessages(s, q);
    if (list && page.direction != HistoryPage::Direction::After)
        std::reverse(list.value().begin(), list.value().end());
    return list;
}

Result<QList<Message>> fullHistory(SqlSession &s, qint64 userId, qint64 peerId)
{
    const auto conversation = conversationId(s, userId, peerId);
    if (!conversation)
        return conversation.error();
    QSqlQuery &q = s.prepared(u"SELECT "_s + messageColumns
                              + u" FROM messages m WHERE m.conversation_id = ? ORDER BY m.id"_s);
    q.addBindValue(conversation.value());
    return readMessages(s, q);
}

Result<ReadOutcome> markRead(SqlSession &s, qint64 readerId, qint64 peerId, qint64 upToId)
{
    const auto conversation = conversationId(s, readerId, peerId);
    if (!conversation)
        return conversation.error();
    if (conversation.value() == 0)
        return notFound(u"no conversation with user %1"_s.arg(peerId));
    const qint64 now = sql::nowMs();
    if (!s.begin())
        return s.lastError();
    QSqlQuery &mark = s.prepared(
            u"UPDATE messages SET read_at = ? WHERE conversation_id = ? AND receiver_id = ?"
            " AND read_at IS NULL AND id <= ?"_s);
    mark.addBindValue(now);
    mark.addBindValue(conversation.value());
    mark.addBindValue(readerId);
    mark.addBindValue(upToId);
    if (!s.exec(mark)) {
        s.rollback();
        return s.lastError();
    }
    ReadOutcome out;
    out.marked = mark.numRowsAffected();
    QSqlQuery &count = s.prepared(
            u"SELECT COUNT(*) FROM messages WHERE conversation_id = ? AND receiver_id = ?"
            " AND read_at IS NULL"_s);
    count.addBindValue(conversation.value());
    count.addBindValue(readerId);
    if (!s.exec(count) || !count.next()) {
        s.rollback();
        return s.lastError();
    }
    out.receipt.unreadCount = count.value(0).toLongLong();
    count.finish();
    QSqlQuery &store = s.prepared(
            readerId < peerId ? u"UPDATE conversations SET user1_unread = ? WHERE id = ?"_s
                              : u"UPDATE conversations SET user2_unread = ? WHERE id = ?"_s);
    store.addBindValue(out.receipt.unreadCount);
    store.addBindValue(conversation.value());
    if (!s.exec(store) || !s.commit()) {
        s.rollback();
        return s.lastError();
    }
    out.receipt.conversationId = conversation.value();
    out.receipt.readerId = readerId;
    out.receipt.peerId = peerId;
    out.receipt.messageId = upToId;
    out.receipt.readAt = sql::toTime(now);
    return out;
}

Result<Message> messageById(SqlSession &s, qint64 id)
{
    QSqlQuery &q = s.prepared(u"SELECT "_s + messageColumns + u" FROM messages m WHERE m.id = ?"_s);
    q.addBindValue(id);
    auto list = readMessages(s, q);
    if (!list)
        return list.error();
    if (list->isEmpty())
        return notFound(u"no message %1"_s.arg(id));
    return list->first();
}

Result<QList<Message>> messagesSince(SqlSession &s, qint64 userId, qint64 afterId, int limit)
{
    QSqlQuery &q = s.prepared(u"SELECT "_s + messageColumns
                              + u" FROM messages m WHERE m.id > ? AND m.conversation_id IN"
                                " (SELECT id FROM conversations WHERE user1_id = ? OR user2_id = ?)"
                                " ORDER BY m.id LIMIT ?"_s);
    q.addBindValue(afterId);
    q.addBindValue(userId);
    q.addBindValue(userId);
    q.addBindValue(limit);
    return readMessages(s, q);
}

Result<QList<Message>> messagesBetween(SqlSession &s, qint64 afterId, qint64 upToId, int limit)
{
    QSqlQuery &q = s.prepared(
            u"SELECT "_s + messageColumns
            + u" FROM messages m WHERE m.id > ? AND m.id <= ? ORDER BY m.id LIMIT ?"_s);
    q.addBindValue(afterId);
    q.addBindValue(upToId);
    q.addBindValue(limit);
    return readMessages(s, q);
}

Result<qint64> lastMessageId(SqlSession &s)
{
    QSqlQuery &q = s.prepared(u"SELECT COALESCE(MAX(id), 0) FROM messages"_s);
    if (!s.exec(q))
        return s.lastError();
    const qint64 id = q.next() ? q.value(0).toLongLong() : 0;
    q.finish();
    return id;
}

} // namespace fastchat::server::ChatQueries
