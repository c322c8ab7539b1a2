// SPDX-License-Identifier: MIT
// Stores a batch of messages in one transaction (group commit) and answers each one
// after the commit. If the batch fails as a whole, each message is retried in its own
// transaction so that one bad message cannot fail the others.
#pragma once

#include "PendingMessage.h"
#include "cluster/Event.h"

#include <QHash>
#include <QSet>

#include <functional>
#include <vector>

namespace fastchat::server {

class SqlSession;

// Publishes the chat_message events of a committed batch to every node (NATS), on the
// writer thread, and returns once the bus has them.
using CommitPublisher = std::function<void(const QList<Event> &)>;

class MessageWriter
{
public:
    // `cluster`: several nodes write to this PostgreSQL. Batches then take turns on an
    // advisory lock, so message ids commit in id order on every node (a client's resume
    // from "the last id I have" stays exact). Without `publisher`, each batch's
    // chat_message events are NOTIFYed inside its transaction: every node delivers them in
    // commit order. With it (NATS), the lock is held past the commit until `publisher`
    // has handed the events to the bus, so batches reach the bus in commit order too.
    explicit MessageWriter(bool cluster = false, CommitPublisher publisher = {})
        : m_cluster(cluster)
        , m_publisher(std::move(publisher))
    {}

    // One answer per message of the batch, in its order.
    std::vector<Result<StoredMessage>> write(SqlSession &session,
                                             const std::vector<PendingMessage> &batch);

private:
    struct Row
    {
        size_t index = 0; // in the batch
        qint64 conversationId = 0;
        qint64 createdAt = 0;
        bool newConversation = false;
        qint64 id = 0; // set when inserted; 0 when the client_id was already stored
    };
    // What PostgreSQL's multi-row INSERT does with a client_id that is already stored.
    // Checking every row for one (ON CONFLICT) cost the database a tenth of its time per
    // message, for what only a client's resend after a reconnect produces. So a batch goes
    // in without the check, and one that meets a repeated client_id (the unique index
    // refuses it, the transaction rolls back) is written again with it.
    enum class RepeatedClientIds { Refuse, Skip };
    struct ConversationChange
    {
        qint64 lastMessageId = 0;
        qint64 lastAt = 0;
        qint64 user1Unread = 0;
        qint64 user2Unread = 0;
    };

    // PostgreSQL and a single node, no attachments, every conversation known: the batch as
    // one statement (see writeOneStatement()).
    bool fitsOneStatement(const SqlSession &session,
                          const std::vector<PendingMessage> &batch) const;
    bool writeOneStatement(SqlSession &session, const std::vector<PendingMessage> &batch,
                           std::vector<Result<StoredMessage>> &results, StoreError *failure);
    static Result<QSet<qint64>> activeUsers(SqlSession &session,
                                            const std::vector<PendingMessage> &batch);
    static void fillStored(const PendingMessage &p, const Row &row, StoredMessage &stored);
    // The creation time of the next row: now, or the last one if the clock went back.
    qint64 nextCreatedAt();
    bool insertEach(SqlSession &session, const std::vector<PendingMessage> &batch,
                    std::vector<Row> &rows);
    bool insertMany(SqlSession &session, const std::vector<PendingMessage> &batch,
                    std::vector<Row> &rows, RepeatedClientIds repeats);
    bool updateConversations(SqlSession &session, const QHash<qint64, ConversationChange> &changes);
    // Writes and commits; fills results (one per message). False when the transaction
    // failed, with the error in *failure.
    bool writeTransaction(SqlSession &session, const std::vector<PendingMessage> &batch,
                          std::vector<Result<StoredMessage>> &results, StoreError *failure,
                          RepeatedClientIds repeats);
    Result<qint64> conversationFor(SqlSession &session, qint64 a, qint64 b, bool *created);
    // (sender, file id) pairs of the batch that the sender may attach.
    static Result<QSet<QPair<qint64, QString>>> attachableFiles(
            SqlSession &session, const std::vector<PendingMessage> &batch);

    // writeTransaction() between taking and releasing the session-level order lock, and
    // the events published after the commit.
    bool writeAndPublish(SqlSession &session, const std::vector<PendingMessage> &batch,
                         std::vector<Result<StoredMessage>> &results, StoreError *failure,
                         RepeatedClientIds repeats);
    static QList<Event> eventsOf(const std::vector<PendingMessage> &batch,
                                 const std::vector<Result<StoredMessage>> &results);
    bool notifyEvents(SqlSession &session, const std::vector<PendingMessage> &batch,
                      const std::vector<Result<StoredMessage>> &results);

    bool m_cluster;
    CommitPublisher m_publisher;
    QHash<QPair<qint64, qint64>, qint64> m_conversationIds;
    qint64 m_lastCreatedAt = 0;
};

} // namespace fastchat::server
