// SPDX-License-Identifier: MIT
// The server's counters and histograms, exposed in Prometheus' text format at /metrics.
// Safe to update from any thread (the store threads time the database).
#pragma once

#include <QByteArray>
#include <QHash>
#include <QMutex>
#include <QString>

#include <array>
#include <atomic>
#include <functional>
#include <memory>
#include <vector>

namespace fastchat::server {

class Histogram
{
public:
    // Upper bounds in seconds: 0.5 ms to 10 s.
    static constexpr std::array<double, 14> bounds = {
            0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    void observe(double seconds);
    void write(QByteArray &out, const QByteArray &name, const QByteArray &labels = {}) const;

private:
    std::array<std::atomic<quint64>, bounds.size()> m_buckets{};
    std::atomic<quint64> m_count{0};
    std::atomic<quint64> m_sumMicros{0};
};

class Metrics
{
public:
    std::atomic<quint64> messagesStored{0};
    std::atomic<quint64> messagesDelivered{0}; // chat_message frames handed to sockets
    std::atomic<quint64> acks{0};
    Histogram deliveryLatency; // frame received -> committed -> handed to the receiver's sockets
    Histogram databaseTransaction;        // one store job or group commit
    std::atomic<quint64> groupCommits{0}; // messages stored / group commits = batch size

    void countError(const QString &code);
    void countRequest(const QByteArray &method, const QString &route, int status, double seconds);
    // Gauges read when /metrics is asked: connections, users online, store queue.
    void setGauge(const QByteArray &name, const QByteArray &help, std::function<double()> read);

    QByteArray prometheusText() const;

private:
    mutable QMutex m_mutex;
    QHash<QString, quint64> m_errors;
    QHash<QString, quint64> m_requests;           // "method|route|status"
    QHash<QString, Histogram *> m_requestLatency; // by route
    struct Gauge
    {
        QByteArray help;
        std::function<double()> read;
    };
    QHash<QByteArray, Gauge> m_gauges;
    std::vector<std::unique_ptr<Histogram>> m_ownedHistograms;
};

} // namespace fastchat::server
