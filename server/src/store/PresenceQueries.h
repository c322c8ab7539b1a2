// SPDX-License-Identifier: MIT
// SQL for presence across a cluster: which nodes hold a socket of which user, and which
// nodes are alive.
#pragma once

#include "Result.h"

#include <QList>
#include <QSet>
#include <QString>

namespace fastchat::server {

class SqlSession;

struct PresenceChange
{
    bool changed = false;   // the user's first socket anywhere opened, or the last one closed
    qint64 lastSeenMs = 0;  // when offline
    QList<qint64> contacts; // who hears about it
};

struct DeadNodeUser
{
    qint64 userId = 0;
    PresenceChange change;
};

namespace PresenceQueries {

// Registers this node (at start) and refreshes its heartbeat.
Result<Done> heartbeat(SqlSession &s, const QString &nodeId);
// The user's first socket on this node opened. Serialized per user (row lock), so two
// nodes cannot both decide that they brought the user online.
Result<PresenceChange> connected(SqlSession &s, const QString &nodeId, qint64 userId);
// The user's last socket on this node closed.
Result<PresenceChange> disconnected(SqlSession &s, const QString &nodeId, qint64 userId);
// Removes the nodes silent since `deadBeforeMs` and their presence rows. Only one node
// removes a given dead node, and reports the users who went offline with it.
Result<QList<DeadNodeUser>> sweepDeadNodes(SqlSession &s, qint64 deadBeforeMs);
// Everyone with a socket on some node.
Result<QSet<qint64>> onlineUsers(SqlSession &s);
// A node that stops cleanly takes its rows away (the users' offline events were sent).
Result<Done> leave(SqlSession &s, const QString &nodeId);

} // namespace PresenceQueries
} // namespace fastchat::server
