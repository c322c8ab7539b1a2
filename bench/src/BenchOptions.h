// SPDX-License-Identifier: MIT
// What one benchmark run does, from the command line.
#pragma once

#include <QString>
#include <QStringList>
#include <QUrl>

#include <optional>

namespace fastchat::bench {

struct BenchOptions
{
    enum class Mode { Capacity, Rate, Sockets, History, Files };
    Mode mode = Mode::Capacity;
    QList<QUrl> servers; // one or more nodes; users are spread over them
    int pairs = 50;
    int inflight = 8; // capacity: messages each sender keeps unacknowledged
    int rate = 1000;  // rate: messages per second, all senders together
    int seconds = 15;
    int warmupSeconds = 2;
    int sockets = 1000; // sockets mode
    int contentBytes = 64;
    qint64 maxMessageId = 10000000; // history: `before` ids are drawn below this
    int concurrency = 8;            // history: requests in flight
    qint64 fileMiB = 1024;          // files: the size of the file sent
    QString userPrefix = QStringLiteral("bench");
    QString password = QStringLiteral("bench-password-1");

    static std::optional<BenchOptions> parse(const QStringList &arguments, QString *error);
};

} // namespace fastchat::bench
