// SPDX-License-Identifier: MIT
// fastchat-bench: prepares accounts, runs one load mode, prints one result line (JSON)
// that bench/run-*.sh collect into tables.
#include "Accounts.h"
#include "BenchOptions.h"
#include "ChatLoad.h"
#include "FileLoad.h"
#include "HistoryLoad.h"
#include "IdleSockets.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>

using namespace fastchat::bench;
using namespace Qt::StringLiterals;

namespace {

QJsonObject chatLine(const BenchOptions &options, const ChatResult &r, const QString &mode)
{
    const QJsonObject line{
            {u"mode"_s, mode},
            {u"pairs"_s, options.pairs},
            {u"inflight"_s, options.inflight},
            {u"target_rate"_s, r.targetRate},
            {u"seconds"_s, r.seconds},
            {u"sent"_s, r.sent},
            {u"acked"_s, r.acked},
            {u"received"_s, r.received},
            {u"errors"_s, r.errors},
            {u"acked_per_s"_s, r.seconds > 0 ? double(r.acked) / r.seconds : 0},
            {u"delivered_per_s"_s, r.seconds > 0 ? double(r.received) / r.seconds : 0},
            {u"p50_ms"_s, r.p50},
            {u"p99_ms"_s, r.p99},
            {u"p999_ms"_s, r.p999},
            {u"max_ms"_s, r.max},
    };
    return line;
}

void printLine(const QJsonObject &line)
{
    std::printf("%s\n", QJsonDocument(line).toJson(QJsonDocument::Compact).constData());
}

} // namespace

int main(int argc, char *argv[])
{
    // As the server does (server/src/main.cpp): Qt's event dispatcher, not GLib's, which
    // wakes its own loop around every frame sent.
    if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    QString error;
    const auto options = BenchOptions::parse(app.arguments(), &error);
    if (!options) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return error.startsWith(u"Usage") ? 0 : 2;
    }
    const int accountsNeeded = options->mode == BenchOptions::Mode::Sockets
            ? std::min(options->sockets, 1000)
            : 2 * options->pairs;
    const QList<Account> accounts = prepareAccounts(options->servers, options->userPrefix,
                                                    accountsNeeded, options->password);
    if (accounts.isEmpty())
        return 1;

    if (options->mode == BenchOptions::Mode::History) {
        const HistoryResult r = readHistory(accounts, options->maxMessageId, options->concurrency,
                                            options->seconds);
        const QJsonObject line{{u"mode"_s, u"history"_s},
                               {u"pages"_s, r.pages},
                               {u"errors"_s, r.errors},
                               {u"pages_per_s"_s, r.seconds > 0 ? double(r.pages) / r.seconds : 0},
                               {u"p50_ms"_s, r.p50},
                               {u"p99_ms"_s, r.p99},
                               {u"p999_ms"_s, r.p999}};
        std::printf("%s\n", QJsonDocument(line).toJson(QJsonDocument::Compact).constData());
        return r.errors == 0 ? 0 : 1;
    }
    if (options->mode == BenchOptions::Mode::Files) {
        const FileResult r = transferFile(accounts.at(0), accounts.at(1), options->fileMiB << 20);
        const double mib = double(r.bytes) / (1 << 20);
        const QJsonObject line{
                {u"mode"_s, u"files"_s},
                {u"mib"_s, mib},
                {u"upload_mib_per_s"_s, r.uploadSeconds > 0 ? mib / r.uploadSeconds : 0},
                {u"download_mib_per_s"_s, r.downloadSeconds > 0 ? mib / r.downloadSeconds : 0},
                {u"upload_s"_s, r.uploadSeconds},
                {u"download_s"_s, r.downloadSeconds},
                {u"sha256_matches"_s, r.sha256Matches},
                {u"error"_s, r.error}};
        std::printf("%s\n", QJsonDocument(line).toJson(QJsonDocument::Compact).constData());
        return r.error.isEmpty() && r.sha256Matches ? 0 : 1;
    }
    if (options->mode == BenchOptions::Mode::Sockets) {
        const int open = holdIdleSockets(accounts, options->sockets, options->seconds);
        std::printf("%s\n",
                    QJsonDocument(QJsonObject{{u"mode"_s, u"sockets"_s}, {u"open"_s, open}})
                            .toJson(QJsonDocument::Compact)
                            .constData());
        return open == options->sockets ? 0 : 1;
    }

    ChatLoad load(*options, accounts);
    if (options->mode == BenchOptions::Mode::Ramp) {
        // One line per step, then the summary: the highest step within the limits, and the
        // rates that held only when measured again.
        const QList<ChatResult> steps = load.ramp();
        const ChatResult *best = nullptr;
        QJsonArray heldOnRetry;
        for (qsizetype i = 0; i < steps.size(); ++i) {
            const ChatResult &step = steps.at(i);
            printLine(chatLine(*options, step, u"ramp-step"_s));
            if (load.withinLimits(step)) {
                best = &step;
                if (i > 0 && steps.at(i - 1).targetRate == step.targetRate)
                    heldOnRetry.append(step.targetRate);
            }
        }
        QJsonObject summary = chatLine(*options, best ? *best : ChatResult{}, u"ramp"_s);
        summary.insert(u"max_p99_ms"_s, options->rampMaxP99Ms);
        summary.insert(u"held_on_retry"_s, heldOnRetry);
        if (!steps.isEmpty() && !load.withinLimits(steps.constLast()))
            summary.insert(u"failed_at_rate"_s, steps.constLast().targetRate);
        printLine(summary);
        return best ? 0 : 1;
    }
    const ChatResult r = load.run();
    printLine(chatLine(*options, r,
                       options->mode == BenchOptions::Mode::Capacity ? u"capacity"_s : u"rate"_s));
    return r.errors == 0 ? 0 : 1;
}
