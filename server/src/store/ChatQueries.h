// SPDX-License-Identifier: MIT
// SQL for conversations, history, read receipts and resume. (Message inserts are the
// MessageWriter's: they are group-committed.)
#pragma once

#include "Result.h"

#include <QList>

#include <fastchat/Conversation.h>
#include <fastchat/Frames.h>
#include <fastchat/Message.h>

namespace fastchat::server {

class SqlSession;

struct HistoryPage
{
    enum class Direction { Latest, Before, After };
    Direction direction = Direction::Latest;
    qint64 pivot = 0; // the id for Before/After
    int limit = 50;
};

struct ReadOutcome
{
    ReadReceipt receipt;
    int marked = 0; // how many messages changed from unread to read
};

namespace ChatQueries {

// The reader's conversations, newest message first (ids grow in commit order), with
// the last message and the peer.
Result<QList<Conversation>> conversations(SqlSession &s, qint64 userId);
// A page of the messages between two users, oldest first; NotFound when the peer does
// not exist (or was deleted), an empty page when the two have no conversation.
Result<QList<Message>> history(SqlSession &s, qint64 userId, qint64 peerId,
                               const HistoryPage &page);
// The seed's history: every message between the two, oldest first.
Result<QList<Message>> fullHistory(SqlSession &s, qint64 userId, qint64 peerId);
// Marks what peerId sent to readerId, up to `upToId`, as read; recounts the reader's
// unread count. Messages of other conversations are never touched.
Result<ReadOutcome> markRead(SqlSession &s, qint64 readerId, qint64 peerId, qint64 upToId);
Result<Message> messageById(SqlSession &s, qint64 id);
// Messages to or from userId with id > afterId, in id order, at most `limit`.
Result<QList<Message>> messagesSince(SqlSession &s, qint64 userId, qint64 afterId, int limit);
// Every message with afterId < id <= upToId, whoever it is for, in id order, at most `limit`
// (the NATS bus fills a gap in the stream of message events with them).
Result<QList<Message>> messagesBetween(SqlSession &s, qint64 afterId, qint64 upToId, int limit);
// The highest message id committed so far (0 when there is none).
Result<qint64> lastMessageId(SqlSession &s);

} // namespace ChatQueries
} // namespace fastchat::server
