// SPDX-License-Identifier: MIT
#include "BenchOptions.h"

#include <QCommandLineParser>

using namespace Qt::StringLiterals;

namespace fastchat::bench {

std::optional<BenchOptions> BenchOptions::parse(const QStringList &arguments, QString *error)
{
    QCommandLineParser p;
    p.setApplicationDescription(
            u"Fast-Chat load generator. Modes:\n"
            "  capacity  pairs of users, each sender keeps --inflight messages unacknowledged\n"
            "  rate      a fixed total send rate (--rate per second) over the pairs\n"
            "  ramp      fixed rates from --rate up by --ramp-step, --seconds each, until a "
            "step's\n"
            "            p99 passes --ramp-max-p99-ms, errors appear or messages stay undelivered\n"
            "            (--ramp-tries times at the same rate)\n"
            "  sockets   open --sockets idle authenticated WebSockets and hold them\n"
            "  history   read 50-message history pages at random places (--max-message-id)\n"
            "  files     upload a --file-mib MiB file in 1 MiB chunks, send it, download it\n"
            "Latency is send-to-receive, measured in this process for every message."_s);
    p.addHelpOption();
    p.addPositionalArgument(u"mode"_s, u"capacity, rate, ramp, sockets, history or files"_s);
    const QCommandLineOption server(u"server"_s, u"Server base URL (repeat for several nodes)."_s,
                                    u"url"_s);
    const QCommandLineOption pairs(u"pairs"_s, u"Sender/receiver pairs (default 50)."_s, u"n"_s,
                                   u"50"_s);
    const QCommandLineOption inflight(
            u"inflight"_s, u"Unacknowledged messages per sender (default 8)."_s, u"n"_s, u"8"_s);
    const QCommandLineOption rate(u"rate"_s, u"Messages per second in rate mode (default 1000)."_s,
                                  u"n"_s, u"1000"_s);
    const QCommandLineOption rampStep(
            u"ramp-step"_s, u"ramp: rate added per step (default 2500)."_s, u"n"_s, u"2500"_s);
    const QCommandLineOption rampMaxP99(u"ramp-max-p99-ms"_s,
                                        u"ramp: the p99 that ends the ramp (default 50)."_s,
                                        u"ms"_s, u"50"_s);
    const QCommandLineOption rampMaxRate(u"ramp-max-rate"_s,
                                         u"ramp: the highest rate tried (default 100000)."_s,
                                         u"n"_s, u"100000"_s);
    const QCommandLineOption rampTries(
            u"ramp-tries"_s,
            u"ramp: how often a rate is measured before its failure ends the ramp (default 2: a "
            "one-off stall does not end it)."_s,
            u"n"_s, u"2"_s);
    const QCommandLineOption traceLate(
            u"trace-late-ms"_s,
            u"Print each message later than this, with its send time, to find stalls."_s, u"ms"_s,
            u"0"_s);
    const QCommandLineOption seconds(u"seconds"_s, u"Measured duration (default 15)."_s, u"s"_s,
                                     u"15"_s);
    const QCommandLineOption warmup(u"warmup"_s, u"Unmeasured seconds first (default 2)."_s, u"s"_s,
                                    u"2"_s);
    const QCommandLineOption sockets(
            u"sockets"_s, u"Sockets to hold in sockets mode (default 1000)."_s, u"n"_s, u"1000"_s);
    const QCommandLineOption bytes(u"content-bytes"_s, u"Message size (default 64)."_s, u"n"_s,
                                   u"64"_s);
    const QCommandLineOption prefix(u"user-prefix"_s,
                                    u"Prefix of the bench accounts (default bench)."_s, u"name"_s,
                                    u"bench"_s);
    const QCommandLineOption maxId(u"max-message-id"_s,
                                   u"history: the highest message id (default 10000000)."_s,
                                   u"id"_s, u"10000000"_s);
    const QCommandLineOption concurrency(
            u"concurrency"_s, u"history: requests in flight (default 8)."_s, u"n"_s, u"8"_s);
    const QCommandLineOption fileMiB(
            u"file-mib"_s, u"files: the file's size in MiB (default 1024)."_s, u"n"_s, u"1024"_s);
    p.addOptions({server, pairs, inflight, rate, rampStep, rampMaxP99, rampMaxRate, rampTries,
                  traceLate, seconds, warmup, sockets, bytes, prefix, maxId, concurrency, fileMiB});
    if (!p.parse(arguments)) {
        *error = p.errorText();
        return std::nullopt;
    }
    if (p.isSet(u"help"_s)) {
        *error = p.helpText();
        return std::nullopt;
    }
    BenchOptions o;
    const QString mode = p.positionalArguments().value(0, u"capacity"_s);
    if (mode == u"capacity")
        o.mode = Mode::Capacity;
    else if (mode == u"rate")
        o.mode = Mode::Rate;
    else if (mode == u"ramp")
        o.mode = Mode::Ramp;
    else if (mode == u"sockets")
        o.mode = Mode::Sockets;
    else if (mode == u"history")
        o.mode = Mode::History;
    else if (mode == u"files")
        o.mode = Mode::Files;
    else {
        *error = u"unknown mode '%1'"_s.arg(mode);
        return std::nullopt;
    }
    for (const QString &s : p.values(server))
        o.servers << QUrl(s);
    if (o.servers.isEmpty())
        o.servers << QUrl(u"http://127.0.0.1:8080"_s);
    bool ok = true;
    const auto number = [&](const QCommandLineOption &opt, int *out) {
        bool good = false;
        const int v = p.value(opt).toInt(&good);
        if (!good || v < 0)
            ok = false;
        else
            *out = v;
    };
    number(pairs, &o.pairs);
    number(inflight, &o.inflight);
    number(rate, &o.rate);
    number(rampStep, &o.rampStep);
    number(rampMaxP99, &o.rampMaxP99Ms);
    number(rampMaxRate, &o.rampMaxRate);
    number(rampTries, &o.rampTries);
    number(traceLate, &o.traceLateMs);
    number(seconds, &o.seconds);
    number(warmup, &o.warmupSeconds);
    number(sockets, &o.sockets);
    number(bytes, &o.contentBytes);
    number(concurrency, &o.concurrency);
    bool idOk = false, mibOk = false;
    o.maxMessageId = p.value(maxId).toLongLong(&idOk);
    o.fileMiB = p.value(fileMiB).toLongLong(&mibOk);
    ok = ok && idOk && mibOk && o.fileMiB >= 0;
    o.userPrefix = p.value(prefix);
    if (!ok) {
        *error = u"numbers must be non-negative integers"_s;
        return std::nullopt;
    }
    if (o.rampStep == 0 || o.rampTries == 0) {
        *error = u"--ramp-step and --ramp-tries must be at least 1"_s;
        return std::nullopt;
    }
    return o;
}

} // namespace fastchat::bench
