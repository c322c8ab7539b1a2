// SPDX-License-Identifier: MIT
#include "HistoryLoad.h"

#include "KeepAliveClient.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QRandomGenerator>

#include <cstdio>
#include <map>
#include <memory>
#include <vector>

using namespace Qt::StringLiterals;

namespace fastchat::bench {

HistoryResult readHistory(const QList<Account> &accounts, qint64 maxMessageId, int concurrency,
                          int seconds)
{
    // One connection per request in flight (and per node the readers are on), kept alive,
    // without QNetworkAccessManager (see KeepAliveClient).
    std::vector<std::map<QString, std::unique_ptr<KeepAliveClient>>> clients(
            static_cast<size_t>(concurrency));
    const auto clientFor = [&](int slot, const QUrl &server) {
        auto &client = clients[size_t(slot)][server.toString()];
        if (!client)
            client = std::make_unique<KeepAliveClient>(server);
        return client.get();
    };
    LatencyRecorder latency;
    HistoryResult result;
    QElapsedTimer clock;
    clock.start();
    const qint64 endNs = qint64(seconds) * 1000000000;
    QEventLoop loop;
    int inFlight = 0;
    const int pairs = int(accounts.size() / 2);

    std::function<void(int)> next = [&](int slot) {
        if (clock.nsecsElapsed() >= endNs) {
            if (inFlight == 0)
                loop.quit();
            return;
        }
        const int pair = int(QRandomGenerator::global()->bounded(pairs));
        const Account &reader = accounts.at(2 * pair);
        const qint64 before = 1 + QRandomGenerator::global()->bounded(maxMessageId);
        const QByteArray path = "/chat/history/" + QByteArray::number(accounts.at(2 * pair + 1).id)
                + "?before=" + QByteArray::number(before) + "&limit=50";
        const qint64 started = clock.nsecsElapsed();
        ++inFlight;
        clientFor(slot, reader.server)
                ->get(path, "Bearer " + reader.token.toLatin1(),
                      [&, started, slot](int status, const QByteArray &answer) {
                          // The answer is all here: the time is taken before it is
                          // checked.
                          const qint64 took = clock.nsecsElapsed() - started;
                          --inFlight;
                          // A JSON array, checked without parsing it: the load
                          // generator shares the cores with the server, and parsing 50
                          // messages cost it as much as the server spent.
                          const QByteArray body = answer.trimmed();
                          if (status == 200 && body.startsWith('[') && body.endsWith(']')) {
                              ++result.pages;
                              latency.record(took);
                          } else if (++result.errors <= 5) {
                              std::fprintf(stderr, "history: HTTP %d\n", status);
                          }
                          next(slot);
                      });
    };
    for (int i = 0; i < concurrency; ++i)
        next(i);
    if (inFlight > 0) // with no time to run, nothing was started
        loop.exec();
    result.seconds = double(clock.nsecsElapsed()) / 1e9;
    result.p50 = latency.percentileMs(0.5);
    result.p99 = latency.percentileMs(0.99);
    result.p999 = latency.percentileMs(0.999);
    return result;
}

} // namespace fastchat::bench
