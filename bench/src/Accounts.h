// SPDX-License-Identifier: MIT
// Bench accounts: registered once, logged in for every run (REST, before any timing).
#pragma once

#include <QList>
#include <QString>
#include <QUrl>

namespace fastchat::bench {

struct Account
{
    qint64 id = 0;
    QString token;
    QUrl server; // the node this account connects to
};

// Registers (or reuses) `count` accounts named prefix-0..., logs each in. Several
// requests run at once. Returns an empty list and prints why on failure.
QList<Account> prepareAccounts(const QList<QUrl> &servers, const QString &prefix, int count,
                               const QString &password);

} // namespace fastchat::bench
