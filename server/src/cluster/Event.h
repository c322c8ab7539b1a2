// SPDX-License-Identifier: MIT
// What one server node tells the connections it holds (and, in cluster mode, every other
// node): a frame for some users, encoded once, or an order to close sessions.
#pragma once

#include <QList>
#include <QString>

namespace fastchat::server {

struct Event
{
    enum class Kind {
        Frame,        // send `frame` to every connection of `userIds`
        CloseSession, // close the connections of session `sessionId`
        CloseUser,    // close every connection of `userIds`
    };
    Kind kind = Kind::Frame;
    QList<qint64> userIds; // for a chat message: its sender, then its receiver
    QString frame;         // one JSON object, as the text frame it will be sent as
    qint64 messageId = 0;  // for chat_message frames: lets a resuming connection skip duplicates
    // The connection a chat message came from. On one node the hub skips it (FrameHandler
    // sends it the message right after its ack); in a cluster the bus brings it there too,
    // in commit order with the other nodes' messages (Connection::waitsForAck).
    quint64 originConnection = 0;
    // Not sent between nodes: a message the NATS bus read back from the database, which
    // does not know the connection it came from.
    bool originUnknown = false;
    QString sessionId;
    // Set on user_status events: every node keeps its view of who is online from them.
    qint64 presenceUserId = 0;
    bool presenceOnline = false;
};

} // namespace fastchat::server
