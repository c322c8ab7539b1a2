// SPDX-License-Identifier: MIT
// SQL of the PostgreSQL cluster bus: the notification channel shared by every node.
#pragma once

#include <QByteArray>

namespace fastchat::server {

class SqlSession;

namespace ClusterQueries {

// The LISTEN/NOTIFY channel every node listens on.
constexpr const char *channel = "fastchat_events";

// NOTIFY one payload (at most 8000 bytes); inside a transaction it is delivered at commit.
bool notify(SqlSession &s, const QByteArray &payload);

} // namespace ClusterQueries
} // namespace fastchat::server
