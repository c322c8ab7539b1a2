// SPDX-License-Identifier: MIT
#include "MessageWriter.h"

#include "ClusterQueries.h"
#include "SqlSession.h"
#include "SqlValues.h"
#include "app/Logging.h"
#include "cluster/EventCodec.h"

#include <QSet>

#include <fastchat/Time.h>

#include <algorithm>
#include <optional>

using namespace Qt::StringLiterals;

namespace fastchat::server {

namespace {

QByteArray textParameter(const QString &s)
{
    const QByteArray bytes = s.toUtf8();
    return bytes.isNull() ? QByteArray("") : bytes; // a null QByteArray would be SQL NULL
}

// The key of the two users' conversation, whoever sends.
QPair<qint64, qint64> conversationKey(qint64 a, qint64 b)
{
    return qMakePair(std::min(a, b), std::max(a, b));
}

// Why a message whose users are not both active is refused; nothing when they are.
std::optional<StoreError> inactiveRefusal(const QSet<qint64> &activeIds, const PendingMessage &p)
{
    if (!activeIds.contains(p.draft.receiverId))
        return notFound(u"no user with id %1"_s.arg(p.draft.receiverId));
    if (!activeIds.contains(p.senderId))
        return forbidden(u"the sender's account is not active"_s);
    return std::nullopt;
}

} // namespace

qint64 MessageWriter::nextCreatedAt()
{
    // Times never go backwards within this writer, so that id order and time agree.
    return m_lastCreatedAt = std::max(sql::nowMs(), m_lastCreatedAt);
}

std::vector<Result<StoredMessage>> MessageWriter::write(SqlSession &session,
                                                        const std::vector<PendingMessage> &batch)
{
    std::vector<Result<StoredMessage>> results;
    StoreError failure;
    const auto attempt = [&](RepeatedClientIds repeats) {
        return m_cluster && m_publisher
                ? writeAndPublish(session, batch, results, &failure, repeats)
                : writeTransaction(session, batch, results, &failure, repeats);
    };
    if (!session.ensureOpen()) {
        failure = session.lastError();
    } else if (attempt(RepeatedClientIds::Refuse)
               || (failure.kind == StoreError::Conflict && attempt(RepeatedClientIds::Skip))) {
        return results;
    }
    results.clear();
    results.reserve(batch.size());
    if (batch.size() > 1 && failure.kind != StoreError::Unavailable) {
        qCWarning(lcStore) << "a batch of" << batch.size()
                           << "messages failed; retrying one by one:" << failure.message;
        for (const PendingMessage &one : batch)
            results.push_back(std::move(write(session, {one}).front()));
        return results;
    }
    results.assign(batch.size(), failure);
    return results;
}

bool MessageWriter::writeTransaction(SqlSession &session, const std::vector<PendingMessage> &batch,
                                     std::vector<Result<StoredMessage>> &results,
                                     StoreError *failure, RepeatedClientIds repeats)
{
    if (repeats == RepeatedClientIds::Refuse && fitsOneStatement(session, batch))
        return writeOneStatement(session, batch, results, failure);
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
    if (m_cluster && !m_publisher
        && !session.execPrepared("fc_message_order_lock", "SELECT pg_advisory_xact_lock(727275)",
                                 {}))
        return fail();

    const auto active = activeUsers(session, batch);
    if (!active)
        return fail();
    const QSet<qint64> &activeIds = active.value();

    const auto attachable = attachableFiles(session, batch);
    if (!attachable)
        return fail();

    std::vector<Row> rows;
    rows.reserve(batch.size());
    for (size_t i = 0; i < batch.size(); ++i) {
        const PendingMessage &p = batch[i];
        if (const auto refusal = inactiveRefusal(activeIds, p)) {
            results.emplace_back(*refusal);
            continue;
        }
        if (!p.draft.fileId.isEmpty()
            && !attachable->contains(qMakePair(p.senderId, p.draft.fileId))) {
            results.emplace_back(notFound(u"no complete upload with id %1"_s.arg(p.draft.fileId)));
            continue;
        }
        Row row;
        row.index = i;
        const auto conversation = conversationFor(session, p.senderId, p.draft.receiverId,
                                                  &row.newConversation);
        if (!conversation)
            return fail();
        row.conversationId = conversation.value();
        row.createdAt = nextCreatedAt();
        rows.push_back(row);
        results.emplace_back(StoredMessage{}); // filled in below
    }
    if (!(session.isPostgres() ? insertMany(session, batch, rows, repeats)
                               : insertEach(session, batch, rows)))
        return fail();

    QHash<qint64, ConversationChange> changes;
    for (const Row &row : rows) {
        const PendingMessage &p = batch[row.index];
        StoredMessage &stored = results[row.index].value();
        Message &m = stored.message;
        if (row.id) {
            fillStored(p, row, stored);
            ConversationChange &c = changes[m.conversationId];
            c.lastMessageId = std::max(c.lastMessageId, m.id);
            c.lastAt = std::max(c.lastAt, row.createdAt);
            (m.receiverId < m.senderId ? c.user1Unread : c.user2Unread) += 1;
            continue;
        }
        // The same client_id again: answer with the message stored the first time.
        QSqlQuery &existing = session.prepared(
                u"SELECT id, conversation_id, receiver_id, content, type, created_at, read_at,"
                " file_id FROM messages WHERE sender_id = ? AND client_id = ?"_s);
        existing.addBindValue(p.senderId);
        existing.addBindValue(p.draft.clientId);
        if (!session.exec(existing))
            return fail();
        if (!existing.next()) {
            existing.finish();
            fail(); // rolls back, and forgets the conversations created in this transaction
            *failure = {StoreError::Internal, u"duplicate message vanished"_s};
            return false;
        }
        m.id = existing.value(0).toLongLong();
        m.conversationId = existing.value(1).toLongLong();
        m.senderId = p.senderId;
        m.receiverId = existing.value(2).toLongLong();
        m.content = existing.value(3).toString();
        m.type = existing.value(4).toString();
        m.clientId = p.draft.clientId;
        m.createdAt = m.timestamp = m.updatedAt = sql::toTime(existing.value(5));
        m.readAt = sql::toTime(existing.value(6));
        m.fileId = existing.value(7).toString();
        existing.finish();
        stored.duplicate = true;
    }
    if (!updateConversations(session, changes)
        || (m_cluster && !m_publisher && !notifyEvents(session, batch, results))
        || !session.commit())
        return fail();
    return true;
}

bool MessageWriter::writeAndPublish(SqlSession &session, const std::vector<PendingMessage> &batch,
                                    std::vector<Result<StoredMessage>> &results,
                                    StoreError *failure, RepeatedClientIds repeats)
{
    // The same lock as the NOTIFY mode's, but held by the session: past the commit, until
    // the events are on the bus. The next batch of any node takes its ids after that, so
    // the NATS server receives message events in id order.
    if (!session.execPrepared("fc_message_order_session_lock", "SELECT pg_advisory_lock(727275)",
                              {})) {
        *failure = session.lastError();
        return false;
    }
    const bool committed = writeTransaction(session, batch, results, failure, repeats);
    if (committed) {
        const QList<Event> events = eventsOf(batch, results);
        if (!events.isEmpty())
            m_publisher(events);
    }
    // A broken connection took the lock with it; a live one must give it back.
    if (!session.execPrepared("fc_message_order_unlock", "SELECT pg_advisory_unlock(727275)", {}))
        qCWarning(lcStore) << "releasing the message order lock failed:"
                           << session.lastError().message;
    return committed;
}

Result<QSet<qint64>> MessageWriter::activeUsers(SqlSession &session,
                                                const std::vector<PendingMessage> &batch)
{
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
        return session.lastError();
    QSet<qint64> activeIds;
    while (active.next())
        activeIds << active.value(0).toLongLong();
    active.finish();
    return activeIds;
}

void MessageWriter::fillStored(const PendingMessage &p, const Row &row, StoredMessage &stored)
{
    Message &m = stored.message;
    m.id = row.id;
    m.conversationId = row.conversationId;
    m.senderId = p.senderId;
    m.receiverId = p.draft.receiverId;
    m.content = p.draft.content;
    m.type = p.draft.type;
    m.clientId = p.draft.clientId;
    m.fileId = p.draft.fileId;
    m.createdAt = m.timestamp = m.updatedAt = fromEpochMs(row.createdAt);
    stored.newConversation = row.newConversation;
    // Encoded here, off the network thread, once for every recipient.
    stored.frame = QString::fromUtf8(m.toChatMessageFrame());
}

bool MessageWriter::fitsOneStatement(const SqlSession &session,
                                     const std::vector<PendingMessage> &batch) const
{
    // Other nodes need the order lock and the events inside the transaction; attachments
    // and first messages need queries of their own (the general path).
    if (!session.isPostgres() || m_cluster)
        return false;
    for (const PendingMessage &p : batch) {
        if (!p.draft.fileId.isEmpty()
            || !m_conversationIds.contains(conversationKey(p.senderId, p.draft.receiverId)))
            return false;
    }
    return true;
}

bool MessageWriter::writeOneStatement(SqlSession &session, const std::vector<PendingMessage> &batch,
                                      std::vector<Result<StoredMessage>> &results,
                                      StoreError *failure)
{
    // The whole batch in one statement, which PostgreSQL runs as its own transaction: one
    // round trip and one commit instead of six round trips. It stores the rows whose two
    // users are active, gives them ids from the sequence in batch order (the ids taken are
    // sorted and paired with the rows by rank, whatever order nextval() ran in), and updates their
    // conversations. It answers (batch position, id) for each row stored. A repeated
    // client_id fails it as a whole, and the caller writes the batch again skipping repeats.
    // The columns go as seven arrays, so that one prepared statement (and one plan) serves
    // every batch size.
    std::vector<Row> rows(batch.size());
    QByteArray conversations = "{", senders = "{", receivers = "{", contents = "{", types = "{",
               clientIds = "{", times = "{";
    for (size_t i = 0; i < batch.size(); ++i) {
        const PendingMessage &p = batch[i];
        Row &row = rows[i];
        row.index = i;
        row.conversationId = m_conversationIds.value(
                conversationKey(p.senderId, p.draft.receiverId));
        row.createdAt = nextCreatedAt();
        const char *comma = i ? "," : "";
        conversations += comma + QByteArray::number(row.conversationId);
        senders += comma + QByteArray::number(p.senderId);
        receivers += comma + QByteArray::number(p.draft.receiverId);
        contents += comma + sql::arrayElement(p.draft.content);
        types += comma + sql::arrayElement(p.draft.type);
        clientIds += comma
                + (p.draft.clientId.isEmpty() ? QByteArray("NULL")
                                              : sql::arrayElement(p.draft.clientId));
        times += comma + QByteArray::number(row.createdAt);
    }
    const QByteArrayList parameters{conversations + '}', senders + '}', receivers + '}',
                                    contents + '}',      types + '}',   clientIds + '}',
                                    times + '}'};
    const QByteArray sql
            = "WITH ok AS MATERIALIZED (SELECT v.*, row_number() OVER (ORDER BY v.ord) AS rn"
              " FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::text[],"
              " $6::text[], $7::bigint[]) WITH ORDINALITY AS v(conversation_id, sender_id,"
              " receiver_id, content, type, client_id, created_at, ord)"
              " WHERE EXISTS (SELECT 1 FROM users u WHERE u.id = v.sender_id"
              " AND u.deleted_at IS NULL AND u.disabled_at IS NULL)"
              " AND EXISTS (SELECT 1 FROM users u WHERE u.id = v.receiver_id"
              " AND u.deleted_at IS NULL AND u.disabled_at IS NULL)),"
              " seq AS MATERIALIZED (SELECT pg_get_serial_sequence('messages', 'id')::regclass"
              " AS s),"
              // Sorted into an array: the rank-th id is the rank-th row's (a join on the
              // rank would rescan one side for every row).
              " ids AS MATERIALIZED (SELECT array_agg(id ORDER BY id) AS a"
              " FROM (SELECT nextval(seq.s) AS id FROM seq, ok) taken),"
              " ins AS (INSERT INTO messages (id, conversation_id, sender_id, receiver_id,"
              " content, type, client_id, created_at) SELECT ids.a[ok.rn], ok.conversation_id,"
              " ok.sender_id, ok.receiver_id, ok.content, ok.type, ok.client_id, ok.created_at"
              " FROM ok, ids"
              " RETURNING id, conversation_id, sender_id, receiver_id, created_at),"
              " upd AS (UPDATE conversations c SET last_message_id = x.last, updated_at = x.at,"
              " user1_unread = c.user1_unread + x.u1, user2_unread = c.user2_unread + x.u2"
              " FROM (SELECT conversation_id, max(id) AS last, max(created_at) AS at,"
              " count(*) FILTER (WHERE receiver_id < sender_id) AS u1,"
              " count(*) FILTER (WHERE receiver_id > sender_id) AS u2"
              " FROM ins GROUP BY conversation_id) x WHERE c.id = x.conversation_id)"
              " SELECT ok.ord - 1, ids.a[ok.rn] FROM ok, ids";
    const auto stored = session.execPrepared("fc_write_messages", sql, parameters);
    if (!stored) {
        *failure = session.lastError();
        return false;
    }
    for (const QByteArrayList &r : *stored)
        rows[size_t(r.at(0).toInt())].id = r.at(1).toLongLong();

    results.clear();
    results.reserve(batch.size());
    std::optional<Result<QSet<qint64>>> active; // asked only when a row was left out
    for (const Row &row : rows) {
        const PendingMessage &p = batch[row.index];
        if (row.id) {
            StoredMessage message;
            fillStored(p, row, message);
            results.emplace_back(std::move(message));
            continue;
        }
        if (!active)
            active = activeUsers(session, batch);
        if (!*active)
            results.emplace_back(active->error());
        else if (const auto refusal = inactiveRefusal(active->value(), p))
            results.emplace_back(*refusal);
        else // disabled while the statement ran, enabled again since
            results.emplace_back(StoreError{StoreError::Unavailable, u"please retry"_s});
    }
    return true;
}

QList<Event> MessageWriter::eventsOf(const std::vector<PendingMessage> &batch,
                                     const std::vector<Result<StoredMessage>> &results)
{
    QList<Event> events;
    for (size_t i = 0; i < results.size(); ++i) {
        if (!results[i] || results[i]->duplicate)
            continue;
        const Message &m = results[i]->message;
        Event e;
        e.userIds = {m.senderId, m.receiverId};
        e.frame = results[i]->frame;
        e.messageId = m.id;
        e.originConnection = batch[i].fromConnection;
        events.append(std::move(e));
    }
    return events;
}

bool MessageWriter::notifyEvents(SqlSession &session, const std::vector<PendingMessage> &batch,
                                 const std::vector<Result<StoredMessage>> &results)
{
    const QList<Event> events = eventsOf(batch, results);
    QList<QByteArray> encoded;
    for (const Event &e : events)
        encoded.append(EventCodec::encode(e));
    // Delivered by PostgreSQL at commit, in commit order, to every node.
    for (const QByteArray &payload : EventCodec::pack(encoded, events)) {
        if (!ClusterQueries::notify(session, payload))
            return false;
    }
    return true;
}

bool MessageWriter::insertEach(SqlSession &session, const std::vector<PendingMessage> &batch,
                               std::vector<Row> &rows)
{
    // SQLite runs in this process: a statement per row costs no round trip.
    QSqlQuery &insert = session.prepared(
            u"INSERT INTO messages (conversation_id, sender_id, receiver_id, content, type,"
            " client_id, created_at, file_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (sender_id, client_id) WHERE client_id IS NOT NULL DO NOTHING"
            " RETURNING id"_s);
    for (Row &row : rows) {
        const PendingMessage &p = batch[row.index];
        insert.addBindValue(row.conversationId);
        insert.addBindValue(p.senderId);
        insert.addBindValue(p.draft.receiverId);
        insert.addBindValue(p.draft.content);
        insert.addBindValue(p.draft.type);
        insert.addBindValue(sql::textOrNull(p.draft.clientId));
        insert.addBindValue(row.createdAt);
        insert.addBindValue(sql::textOrNull(p.draft.fileId));
        if (!session.exec(insert))
            return false;
        row.id = insert.next() ? insert.value(0).toLongLong() : 0;
        insert.finish();
    }
    return true;
}

bool MessageWriter::insertMany(SqlSession &session, const std::vector<PendingMessage> &batch,
                               std::vector<Row> &rows, RepeatedClientIds repeats)
{
    if (rows.empty())
        return true;
    // PostgreSQL is a round trip away: take the ids first, then insert every row in one
    // statement. When repeated client_ids are skipped, RETURNING names the rows that went
    // in; otherwise all of them did, or the statement failed.
    const qsizetype n = qsizetype(rows.size());
    // The sequence is named once, as a constant: pg_get_serial_sequence() per row was 7% of
    // the backend's CPU.
    const auto taken = session.execPrepared(
            "fc_take_message_ids",
            "WITH s AS MATERIALIZED (SELECT pg_get_serial_sequence('messages', 'id')::regclass"
            " AS id) SELECT nextval(s.id) FROM s, generate_series(1, $1::int)",
            {QByteArray::number(n)});
    if (!taken || taken->size() != n)
        return false;
    QList<qint64> ids;
    ids.reserve(n);
    for (const QByteArrayList &row : *taken)
        ids.append(row.at(0).toLongLong());
    std::sort(ids.begin(), ids.end());

    constexpr int columns = 9;
    QByteArray sql
            = "INSERT INTO messages (id, conversation_id, sender_id, receiver_id, content, type,"
              " client_id, created_at, file_id) VALUES ";
    QByteArrayList parameters;
    parameters.reserve(n * columns);
    for (qsizetype i = 0; i < n; ++i) {
        sql += i ? ", (" : "(";
        for (int c = 1; c <= columns; ++c)
            sql += (c > 1 ? ", $" : "$") + QByteArray::number(i * columns + c);
        sql += ')';
        const Row &row = rows[size_t(i)];
        const PendingMessage &p = batch[row.index];
        parameters << QByteArray::number(ids[i]) << QByteArray::number(row.conversationId)
                   << QByteArray::number(p.senderId) << QByteArray::number(p.draft.receiverId)
                   << textParameter(p.draft.content) << textParameter(p.draft.type)
                   << (p.draft.clientId.isEmpty() ? QByteArray() : textParameter(p.draft.clientId))
                   << QByteArray::number(row.createdAt)
                   << (p.draft.fileId.isEmpty() ? QByteArray() : textParameter(p.draft.fileId));
    }
    if (repeats == RepeatedClientIds::Refuse) {
        if (!session.execPrepared("fc_insert_messages_" + QByteArray::number(n), sql, parameters))
            return false;
        for (qsizetype i = 0; i < n; ++i)
            rows[size_t(i)].id = ids[i];
        return true;
    }
    sql += " ON CONFLICT (sender_id, client_id) WHERE client_id IS NOT NULL DO NOTHING RETURNING "
           "id";
    const auto inserted = session.execPrepared(
            "fc_insert_messages_skipping_" + QByteArray::number(n), sql, parameters);
    if (!inserted)
        return false;
    QSet<qint64> insertedIds;
    for (const QByteArrayList &row : *inserted)
        insertedIds.insert(row.at(0).toLongLong());
    for (qsizetype i = 0; i < n; ++i)
        rows[size_t(i)].id = insertedIds.contains(ids[i]) ? ids[i] : 0;
    return true;
}

Result<QSet<QPair<qint64, QString>>> MessageWriter::attachableFiles(
        SqlSession &session, const std::vector<PendingMessage> &batch)
{
    // A sender may attach a complete upload of their own, or one that a message between
    // them and someone already carried (forwarding). Anything else looks like no file at
    // all, so that file ids cannot be probed.
    QSet<QPair<qint64, QString>> attachable;
    for (const PendingMessage &p : batch) {
        if (p.draft.fileId.isEmpty() || attachable.contains(qMakePair(p.senderId, p.draft.fileId)))
            continue;
        QSqlQuery &q = session.prepared(
                u"SELECT 1 FROM files f WHERE f.id = ? AND f.completed_at IS NOT NULL"
                " AND (f.owner_id = ? OR EXISTS (SELECT 1 FROM messages m WHERE m.file_id = f.id"
                " AND (m.sender_id = ? OR m.receiver_id = ?)))"_s);
        q.addBindValue(p.draft.fileId);
        q.addBindValue(p.senderId);
        q.addBindValue(p.senderId);
        q.addBindValue(p.senderId);
        if (!session.exec(q))
            return session.lastError();
        if (q.next())
            attachable.insert(qMakePair(p.senderId, p.draft.fileId));
        q.finish();
    }
    return attachable;
}

bool MessageWriter::updateConversations(SqlSession &session,
                                        const QHash<qint64, ConversationChange> &changes)
{
    if (changes.isEmpty())
        return true;
    if (!session.isPostgres()) {
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
                return false;
        }
        return true;
    }
    // One statement for every conversation of the batch.
    QByteArray sql = "UPDATE conversations AS c SET last_message_id = v.last, updated_at = v.at,"
                     " user1_unread = c.user1_unread + v.u1, user2_unread = c.user2_unread + v.u2"
                     " FROM (VALUES ";
    QByteArrayList parameters;
    int i = 0;
    for (auto it = changes.cbegin(); it != changes.cend(); ++it, ++i) {
        sql += i ? ", (" : "(";
        for (int c = 1; c <= 5; ++c)
            sql += (c > 1 ? ", $" : "$") + QByteArray::number(i * 5 + c) + "::bigint";
        sql += ')';
        parameters << QByteArray::number(it.key()) << QByteArray::number(it->lastMessageId)
                   << QByteArray::number(it->lastAt) << QByteArray::number(it->user1Unread)
                   << QByteArray::number(it->user2Unread);
    }
    sql += ") AS v(id, last, at, u1, u2) WHERE c.id = v.id";
    return session
            .execPrepared("fc_update_conversations_" + QByteArray::number(changes.size()), sql,
                          parameters)
            .has_value();
}

Result<qint64> MessageWriter::conversationFor(SqlSession &session, qint64 a, qint64 b,
                                              bool *created)
{
    const QPair<qint64, qint64> pair = conversationKey(a, b);
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
