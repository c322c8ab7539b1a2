// SPDX-License-Identifier: MIT
#include "HistoryLoad.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QTimer>

#include <cstdio>
#include <memory>
#include <vector>

using namespace Qt::StringLiterals;

namespace fastchat::bench {

HistoryResult readHistory(const QList<Account> &accounts, qint64 maxMessageId, int concurrency,
                          int seconds)
{
    // One manager per request in flight, so that each has its own connection: a manager opens
    // at most six per host, and a request waiting for one inside it would count as latency.
    std::vector<std::unique_ptr<QNetworkAccessManager>> managers;
    for (int i = 0; i < concurrency; ++i)
        managers.push_back(std::make_unique<QNetworkAccessManager>());
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
        QUrl url = reader.server.resolved(
                QUrl(u"/chat/history/%1"_s.arg(accounts.at(2 * pair + 1).id)));
        url.setQuery(u"before=%1&limit=50"_s.arg(before));
        QNetworkRequest request(url);
        request.setRawHeader("Authorization", "Bearer " + reader.token.toLatin1());
        const qint64 started = clock.nsecsElapsed();
        ++inFlight;
        QNetworkReply *reply = managers[size_t(slot)]->get(request);
        QObject::connect(reply, &QNetworkReply::finished, &loop, [&, reply, started, slot] {
            // The answer is all here: the time is taken before it is checked.
            const qint64 took = clock.nsecsElapsed() - started;
            reply->deleteLater();
            --inFlight;
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            // A JSON array, checked without parsing it: the load generator shares the cores
            // with the server, and parsing 50 messages cost it as much as the server spent.
            const QByteArray body = reply->readAll().trimmed();
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
