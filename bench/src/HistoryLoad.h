// SPDX-License-Identifier: MIT
// Reads history pages (GET /chat/history/{peer}?before=&limit=50) at random places of
// each pair's conversation, several requests at a time, and records their latency.
#pragma once

#include "Accounts.h"
#include "LatencyRecorder.h"

namespace fastchat::bench {

struct HistoryResult
{
    double seconds = 0;
    qint64 pages = 0;
    qint64 errors = 0;
    double p50 = 0, p99 = 0, p999 = 0;
};

// `accounts` in pairs (2i reads its conversation with 2i+1); `maxMessageId` bounds the
// random `before` ids; `concurrency` requests are in flight at once.
HistoryResult readHistory(const QList<Account> &accounts, qint64 maxMessageId, int concurrency,
                          int seconds);

} // namespace fastchat::bench
