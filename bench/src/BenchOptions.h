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
    enum class Mode { Capacity, Rate, Ramp, Sockets, History, Files };
    Mode mode = Mode::Capacity;
    QList<QUrl> servers; // one or more nodes; users are spread over them
    int pairs = 50;
    int inflight = 8;      // capacity: messages each sender keeps unacknowledged
    int rate = 1000;       // rate: messages per second, all senders together; ramp: the first step
    int rampStep = 2500;   // ramp: the rate added each step
    int rampMaxP99Ms = 50; // ramp: stop at the first step whose p99 passes this
    int rampMaxRate = 100000; // ramp: and never go past this rate
    int rampTries = 2;        // ramp: measurements of a rate before it counts as failed
    int traceLateMs = 0;      // chat modes: print every message later than this (0: none)
    int seconds = 15;         // ramp: each step
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
