// SPDX-License-Identifier: MIT
#include "HistoryLoad.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QTimer>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace fastchat::bench {

HistoryResult readHistory(const QList<Account> &accounts, qint64 maxMessageId, int concurrency,
                          int seconds)
{
    QNetworkAccessManager net;
    LatencyRecorder latency;
    HistoryResult result;
    QElapsedTimer clock;
    clock.start();
    const qint64 endNs = qint64(seconds) * 1000000000;
    QEventLoop loop;
    int inFlight = 0;
    const int pairs = int(accounts.size() / 2);

    std::function<void()> next = [&] {
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
        QNetworkReply *reply = net.get(request);
        QObject::connect(reply, &QNetworkReply::finished, &loop, [&, reply, started] {
            reply->deleteLater();
            --inFlight;
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            if (status == 200 && QJsonDocument::fromJson(reply->readAll()).isArray()) {
                ++result.pages;
                latency.record(clock.nsecsElapsed() - started);
            } else if (++result.errors <= 5) {
                std::fprintf(stderr, "history: HTTP %d\n", status);
            }
            next();
        });
    };
    for (int i = 0; i < concurrency; ++i)
        next();
    if (inFlight > 0) // with no time to run, nothing was started
        loop.exec();
    result.seconds = double(clock.nsecsElapsed()) / 1e9;
    result.p50 = latency.percentileMs(0.5);
    result.p99 = latency.percentileMs(0.99);
    result.p999 = latency.percentileMs(0.999);
    return result;
}

} // namespace fastchat::bench
