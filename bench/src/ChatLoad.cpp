// SPDX-License-Identifier: MIT
#include "ChatLoad.h"

#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkRequest>
#include <QRandomGenerator>
#include <QWebSocket>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace fastchat::bench {

namespace {

QWebSocket *openSocket(const Account &account, QObject *parent)
{
    auto *socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, parent);
    QUrl url = account.server;
    url.setScheme(url.scheme() == u"https" ? u"wss"_s : u"ws"_s);
    url.setPath(u"/ws"_s);
    QNetworkRequest request(url);
    request.setRawHeader("Authorization", "Bearer " + account.token.toLatin1());
    socket->open(request);
    return socket;
}

// The send time rides in the content: "t=<ns since the run began>;" then padding.
qint64 sentAt(const QString &content)
{
    if (!content.startsWith(u"t="))
        return -1;
    const qsizetype end = content.indexOf(u';');
    bool ok = false;
    const qint64 t = QStringView(content).mid(2, end - 2).toLongLong(&ok);
    return ok ? t : -1;
}

} // namespace

ChatLoad::ChatLoad(const BenchOptions &options, const QList<Account> &accounts)
    : m_options(options)
    , m_accounts(accounts)
{
    m_padding = QString(std::max(0, options.contentBytes - 24), u'x');
    // client_ids must not repeat across runs, or the server answers them as duplicates.
    m_runId = QString::number(QRandomGenerator::system()->generate64(), 36);
}

ChatLoad::~ChatLoad() = default;

void ChatLoad::send(int index)
{
    Pair &p = m_pairs[size_t(index)];
    const qint64 seq = ++p.nextSeq;
    const QJsonObject frame{
            {u"type"_s, u"chat_message"_s},
            {u"payload"_s,
             QJsonObject{
                     {u"receiver_id"_s, p.receiverId},
                     {u"content"_s, QString(u"t=%1;"_s.arg(m_clock.nsecsElapsed()) + m_padding)},
                     {u"client_id"_s, u"%1-%2-%3"_s.arg(m_runId).arg(index).arg(seq)}}},
    };
    p.sender->sendTextMessage(
            QString::fromUtf8(QJsonDocument(frame).toJson(QJsonDocument::Compact)));
    ++p.inflight;
    if (m_measuring)
        ++m_result.sent;
}

void ChatLoad::onSenderFrame(int index, const QString &text)
{
    const QJsonObject o = QJsonDocument::fromJson(text.toUtf8()).object();
    const QString type = o.value(u"type").toString();
    if (type == u"ack") {
        Pair &p = m_pairs[size_t(index)];
        --p.inflight;
        if (m_measuring)
            ++m_result.acked;
        if (m_options.mode == BenchOptions::Mode::Capacity && !m_stopping)
            send(index);
    } else if (type == u"error") {
        Pair &p = m_pairs[size_t(index)];
        --p.inflight;
        ++m_result.errors;
        if (m_result.errors <= 5)
            std::fprintf(stderr, "error frame: %s\n", qPrintable(text));
        if (m_options.mode == BenchOptions::Mode::Capacity && !m_stopping)
            send(index);
    }
}

void ChatLoad::onReceiverFrame(const QString &text)
{
    // Cheap check first: only chat_message frames carry a send time.
    if (!text.contains(u"\"chat_message\""))
        return;
    const QJsonObject payload
            = QJsonDocument::fromJson(text.toUtf8()).object().value(u"payload").toObject();
    const qint64 t = sentAt(payload.value(u"content").toString());
    if (t < 0 || !m_measuring || t < m_lastTickNs)
        return;
    ++m_result.received;
    m_latency.record(m_clock.nsecsElapsed() - t);
}

void ChatLoad::tick()
{
    if (m_stopping)
        return;
    const qint64 now = m_clock.nsecsElapsed();
    static qint64 last = now;
    m_rateCredit += double(now - last) * m_options.rate / 1e9;
    last = now;
    while (m_rateCredit >= 1) {
        m_rateCredit -= 1;
        send(m_nextPair);
        m_nextPair = (m_nextPair + 1) % int(m_pairs.size());
    }
}

ChatResult ChatLoad::run()
{
    m_clock.start();
    const int pairs = m_options.pairs;
    m_pairs.resize(size_t(pairs));
    int open = 0;
    QEventLoop loop;
    for (int i = 0; i < pairs; ++i) {
        Pair &p = m_pairs[size_t(i)];
        p.sender = openSocket(m_accounts.at(2 * i), this);
        p.receiver = openSocket(m_accounts.at(2 * i + 1), this);
        p.receiverId = m_accounts.at(2 * i + 1).id;
        for (QWebSocket *s : {p.sender, p.receiver}) {
            connect(s, &QWebSocket::connected, &loop, [&] {
                if (++open == 2 * pairs)
                    loop.quit();
            });
            connect(s, QOverload<QAbstractSocket::SocketError>::of(&QWebSocket::error), this,
                    [s](QAbstractSocket::SocketError) {
                        std::fprintf(stderr, "socket error: %s\n", qPrintable(s->errorString()));
                    });
        }
        connect(p.sender, &QWebSocket::textMessageReceived, this,
                [this, i](const QString &text) { onSenderFrame(i, text); });
        connect(p.receiver, &QWebSocket::textMessageReceived, this, &ChatLoad::onReceiverFrame);
    }
    QTimer::singleShot(30000, &loop, &QEventLoop::quit);
    loop.exec();
    if (open < 2 * pairs) {
        std::fprintf(stderr, "only %d of %d sockets connected\n", open, 2 * pairs);
        return m_result;
    }

    if (m_options.mode == BenchOptions::Mode::Capacity) {
        for (int i = 0; i < pairs; ++i)
            for (int k = 0; k < m_options.inflight; ++k)
                send(i);
    } else {
        connect(&m_rateTimer, &QTimer::timeout, this, &ChatLoad::tick);
        m_rateTimer.setTimerType(Qt::PreciseTimer);
        m_rateTimer.start(1);
    }

    QEventLoop phase;
    QTimer::singleShot(m_options.warmupSeconds * 1000, &phase, &QEventLoop::quit);
    phase.exec();
    m_measuring = true;
    m_result = {};
    m_lastTickNs = m_clock.nsecsElapsed(); // messages sent before this are not measured
    const qint64 start = m_lastTickNs;
    QTimer::singleShot(m_options.seconds * 1000, &phase, &QEventLoop::quit);
    phase.exec();
    m_stopping = true;
    m_rateTimer.stop();
    const qint64 end = m_clock.nsecsElapsed();
    // Let what is in flight arrive (it counts toward latency, not toward the rate).
    QTimer::singleShot(2000, &phase, &QEventLoop::quit);
    phase.exec();
    m_result.seconds = double(end - start) / 1e9;
    m_result.p50 = m_latency.percentileMs(0.50);
    m_result.p99 = m_latency.percentileMs(0.99);
    m_result.p999 = m_latency.percentileMs(0.999);
    m_result.max = m_latency.percentileMs(1.0);
    for (Pair &p : m_pairs) {
        p.sender->close();
        p.receiver->close();
    }
    return m_result;
}

} // namespace fastchat::bench
