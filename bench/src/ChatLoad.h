// SPDX-License-Identifier: MIT
// Pairs of users chatting through real WebSockets. Each sender either keeps a number of
// messages unacknowledged (capacity) or sends on a schedule (fixed rate); each receiver
// measures send-to-receive latency against the send time kept in this process.
#pragma once

#include "Accounts.h"
#include "BenchOptions.h"
#include "LatencyRecorder.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QTimer>

#include <memory>
#include <vector>

class QWebSocket;

namespace fastchat::bench {

struct ChatResult
{
    int targetRate = 0; // rate and ramp: messages per second offered
    double seconds = 0;
    qint64 sent = 0;
    qint64 acked = 0;
    qint64 received = 0;
    qint64 errors = 0;
    double p50 = 0, p99 = 0, p999 = 0, max = 0;
};

class ChatLoad : public QObject
{
    Q_OBJECT
public:
    ChatLoad(const BenchOptions &options, const QList<Account> &accounts);
    ~ChatLoad() override;
    // Capacity or rate: connects, warms up, measures; returns when done.
    ChatResult run();
    // Ramp: connects, warms up at the first rate, then measures one step after another (each
    // followed by a pause in which what is in flight arrives) until a step fails: its p99
    // passes the limit, an error comes back, or a message sent in it never arrives. Returns
    // every step measured, the failing one last.
    QList<ChatResult> ramp();
    // Whether a ramp step stays within the limits.
    bool withinLimits(const ChatResult &step) const;

private:
    struct Pair
    {
        QWebSocket *sender = nullptr;
        QWebSocket *receiver = nullptr;
        qint64 receiverId = 0;
        int inflight = 0;
        qint64 nextSeq = 0;
    };
    void send(int pair);
    void onSenderFrame(int pair, const QString &text);
    void onReceiverFrame(const QString &text);
    void tick();
    bool connectPairs();
    void startSending();
    void stopSending();
    void runFor(int milliseconds);
    // Measures for `seconds` while sending, then stops sending and lets what is in flight
    // arrive (at most `drainMs`).
    ChatResult measure(int seconds, int drainMs);

    BenchOptions m_options;
    QList<Account> m_accounts;
    std::vector<Pair> m_pairs;
    QElapsedTimer m_clock;
    bool m_measuring = false;
    bool m_stopping = false;
    ChatResult m_result;
    LatencyRecorder m_latency;
    QString m_padding;
    QString m_runId;
    QTimer m_rateTimer;
    double m_rate = 0; // rate and ramp: messages per second now
    double m_rateCredit = 0;
    qint64 m_lastTick = 0;
    qint64 m_lastTickNs = 0;
    int m_nextPair = 0;
};

} // namespace fastchat::bench
