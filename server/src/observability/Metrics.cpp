// SPDX-License-Identifier: MIT
#include "Metrics.h"

#include <QMutexLocker>

#include <cmath>
#include <memory>

namespace fastchat::server {

namespace {

QByteArray number(double v)
{
    return QByteArray::number(v, 'g', 12);
}

// Label values are escaped as the exposition format asks.
QByteArray label(const QString &value)
{
    QByteArray v = value.toUtf8();
    v.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n");
    return v;
}

} // namespace

void Histogram::observe(double seconds)
{
    for (size_t i = 0; i < bounds.size(); ++i) {
        if (seconds <= bounds[i]) {
            m_buckets[i].fetch_add(1, std::memory_order_relaxed);
            break;
        }
    }
    m_count.fetch_add(1, std::memory_order_relaxed);
    m_sumMicros.fetch_add(quint64(std::llround(std::max(0.0, seconds) * 1e6)),
                          std::memory_order_relaxed);
}

void Histogram::write(QByteArray &out, const QByteArray &name, const QByteArray &labels) const
{
    const QByteArray sep = labels.isEmpty() ? QByteArray() : labels + ',';
    quint64 cumulative = 0;
    for (size_t i = 0; i < bounds.size(); ++i) {
        cumulative += m_buckets[i].load(std::memory_order_relaxed);
        out += name + "_bucket{" + sep + "le=\"" + number(bounds[i]) + "\"} "
                + QByteArray::number(cumulative) + '\n';
    }
    const quint64 count = m_count.load(std::memory_order_relaxed);
    out += name + "_bucket{" + sep + "le=\"+Inf\"} " + QByteArray::number(count) + '\n';
    const QByteArray braces = labels.isEmpty() ? QByteArray() : '{' + labels + '}';
    out += name + "_sum" + braces + ' '
            + number(double(m_sumMicros.load(std::memory_order_relaxed)) / 1e6) + '\n';
    out += name + "_count" + braces + ' ' + QByteArray::number(count) + '\n';
}

void Metrics::countError(const QString &code)
{
    QMutexLocker lock(&m_mutex);
    ++m_errors[code];
}

void Metrics::countRequest(const QByteArray &method, const QString &route, int status,
                           double seconds)
{
    QMutexLocker lock(&m_mutex);
    ++m_requests[QString::fromLatin1(method) + u'|' + route + u'|' + QString::number(status)];
    Histogram *&h = m_requestLatency[route];
    if (!h) {
        m_ownedHistograms.push_back(std::make_unique<Histogram>());
        h = m_ownedHistograms.back().get();
    }
    h->observe(seconds);
}

void Metrics::setGauge(const QByteArray &name, const QByteArray &help, std::function<double()> read)
{
    QMutexLocker lock(&m_mutex);
    m_gauges.insert(name, Gauge{help, std::move(read)});
}

QByteArray Metrics::prometheusText() const
{
    QByteArray out;
    const auto counter = [&out](const QByteArray &name, const QByteArray &help, quint64 value) {
        out += "# HELP " + name + ' ' + help + "\n# TYPE " + name + " counter\n" + name + ' '
                + QByteArray::number(value) + '\n';
    };
    counter("fastchat_messages_stored_total", "Chat messages committed to the database.",
            messagesStored);
    counter("fastchat_messages_delivered_total",
            "Chat message frames handed to recipients' sockets.", messagesDelivered);
    counter("fastchat_acks_total", "Acknowledgements sent after a commit.", acks);
    counter("fastchat_group_commits_total", "Transactions that stored a batch of messages.",
            groupCommits);

    QMutexLocker lock(&m_mutex);
    for (auto it = m_gauges.cbegin(); it != m_gauges.cend(); ++it) {
        out += "# HELP " + it.key() + ' ' + it->help + "\n# TYPE " + it.key() + " gauge\n"
                + it.key() + ' ' + number(it->read()) + '\n';
    }
    out += "# HELP fastchat_errors_total Error frames sent, by code.\n# TYPE fastchat_errors_total "
           "counter\n";
    for (auto it = m_errors.cbegin(); it != m_errors.cend(); ++it)
        out += "fastchat_errors_total{code=\"" + label(it.key()) + "\"} "
                + QByteArray::number(it.value()) + '\n';
    out += "# HELP fastchat_http_requests_total HTTP requests by method, route and status.\n"
           "# TYPE fastchat_http_requests_total counter\n";
    for (auto it = m_requests.cbegin(); it != m_requests.cend(); ++it) {
        const QStringList parts = it.key().split(u'|');
        out += "fastchat_http_requests_total{method=\"" + label(parts.value(0)) + "\",route=\""
                + label(parts.value(1)) + "\",status=\"" + label(parts.value(2)) + "\"} "
                + QByteArray::number(it.value()) + '\n';
    }
    out += "# HELP fastchat_http_request_duration_seconds Time to answer an HTTP request.\n"
           "# TYPE fastchat_http_request_duration_seconds histogram\n";
    for (auto it = m_requestLatency.cbegin(); it != m_requestLatency.cend(); ++it)
        it.value()->write(out, "fastchat_http_request_duration_seconds",
                          "route=\"" + label(it.key()) + '"');
    out += "# HELP fastchat_message_delivery_seconds From a chat_message frame received to the "
           "message handed to the receiver's sockets.\n"
           "# TYPE fastchat_message_delivery_seconds histogram\n";
    deliveryLatency.write(out, "fastchat_message_delivery_seconds");
    out += "# HELP fastchat_db_transaction_seconds Duration of a store job or group commit.\n"
           "# TYPE fastchat_db_transaction_seconds histogram\n";
    databaseTransaction.write(out, "fastchat_db_transaction_seconds");
    return out;
}

} // namespace fastchat::server
