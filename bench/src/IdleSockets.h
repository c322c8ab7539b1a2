// SPDX-License-Identifier: MIT
// Opens many authenticated WebSockets, spread over the given server nodes, and holds
// them idle: how much memory does a connected user cost the server?
#pragma once

#include "Accounts.h"

namespace fastchat::bench {

// Returns the number of sockets that connected and stayed open for `holdSeconds`.
int holdIdleSockets(const QList<Account> &accounts, int sockets, int holdSeconds);

} // namespace fastchat::bench
