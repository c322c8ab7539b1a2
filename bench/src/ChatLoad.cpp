// SPDX-License-Identifier: MIT
#include "ChatLoad.h"

#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkRequest>
#include <QRandomGenerator>
#include <QTcpSocket>
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
qint64 sentAt(QStringView content)
{
    if (!content.startsWith(u"t="))
        return -1;
    const qsizetype end = content.indexOf(u';');
    bool ok = false;
    const qint64 t = end > 2 ? content.mid(2, end - 2).toLongLong(&ok) : 0;
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
    // Written out rather than through QJsonDocument, as the frames below are read: the load
    // generator shares the two cores with the server and the database, and what it spends
    // per message is taken from them.
    Pair &p = m_pairs[size_t(index)];
    const qint64 seq = ++p.nextSeq;
    p.sender->sendTextMessage(u"{\"type\":\"chat_message\",\"payload\":{\"receiver_id\":"_s
                              + QString::number(p.receiverId) + u",\"content\":\"t="_s
                              + QString::number(m_clock.nsecsElapsed()) + u';' + m_padding
                              + u"\",\"client_id\":\""_s + m_runId + u'-' + QString::number(index)
                              + u'-' + QString::number(seq) + u"\"}}"_s);
    ++p.inflight;
    if (m_measuring)
        ++m_result.sent;
}

void ChatLoad::onSenderFrame(int index, const QString &text)
{
    // The server writes a frame's type first; anything else is parsed in full.
    QString type;
    if (text.startsWith(u"{\"type\":\"ack\""))
        type = u"ack"_s;
    else
        type = QJsonDocument::fromJson(text.toUtf8()).object().value(u"type").toString();
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
    // Only this run's chat messages carry "content":"t=<send time>;..." (nothing in them
    // needs escaping), so the send time is read straight from the text.
    static const QString marker = u"\"content\":\"t="_s;
    const qsizetype at = text.indexOf(marker);
    if (at < 0 || !text.startsWith(u"{\"type\":\"chat_message\""))
        return;
    const qint64 t = sentAt(QStringView(text).mid(at + marker.size() - 2));
    if (t < 0 || !m_measuring || t < m_lastTickNs)
        return;
    ++m_result.received;
    const qint64 lat = m_clock.nsecsElapsed() - t;
    if (m_options.traceLateMs > 0 && lat > qint64(m_options.traceLateMs) * 1000000)
        std::fprintf(stderr, "late: sent at %.3f s, %.1f ms\n", double(t) / 1e9, double(lat) / 1e6);
    m_latency.record(lat);
}

void ChatLoad::tick()
{
    if (m_stopping)
        return;
    const qint64 now = m_clock.nsecsElapsed();
    m_rateCredit += double(now - m_lastTick) * m_rate / 1e9;
    m_lastTick = now;
    while (m_rateCredit >= 1) {
        m_rateCredit -= 1;
        send(m_nextPair);
        m_nextPair = (m_nextPair + 1) % int(m_pairs.size());
    }
}

bool ChatLoad::connectPairs()
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
            connect(s, &QWebSocket::connected, &loop, [&, s] {
                // As the server does: a chat client sends small frames that must not wait
                // for the ACK of the one before (Nagle). QWebSocket keeps its TCP socket as
                // a child.
                if (auto *tcp = s->findChild<QAbstractSocket *>())
                    tcp->setSocketOption(QAbstractSocket::LowDelayOption, 1);
                else
                    std::fprintf(stderr, "no TCP socket found under the WebSocket\n");
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
        return false;
    }
    connect(&m_rateTimer, &QTimer::timeout, this, &ChatLoad::tick);
    m_rateTimer.setTimerType(Qt::PreciseTimer);
    return true;
}

void ChatLoad::startSending()
{
    m_stopping = false;
    if (m_options.mode == BenchOptions::Mode::Capacity) {
        for (int i = 0; i < int(m_pairs.size()); ++i)
            while (m_pairs[size_t(i)].inflight < m_options.inflight)
                send(i);
        return;
    }
    m_lastTick = m_clock.nsecsElapsed();
    m_rateCredit = 0;
    m_rateTimer.start(1);
}

void ChatLoad::stopSending()
{
    m_stopping = true;
    m_rateTimer.stop();
}

void ChatLoad::runFor(int milliseconds)
{
    QEventLoop phase;
    QTimer::singleShot(milliseconds, &phase, &QEventLoop::quit);
    phase.exec();
}

ChatResult ChatLoad::measure(int seconds, int drainMs)
{
    m_measuring = true;
    m_result = {};
    m_latency.clear();
    m_lastTickNs = m_clock.nsecsElapsed(); // messages sent before this are not measured
    const qint64 start = m_lastTickNs;
    runFor(seconds * 1000);
    stopSending();
    const qint64 end = m_clock.nsecsElapsed();
    // Let what is in flight arrive (it counts toward latency, not toward the rate).
    QElapsedTimer drain;
    drain.start();
    while ((m_result.received < m_result.sent || m_result.acked < m_result.sent)
           && drain.elapsed() < drainMs)
        runFor(10);
    m_measuring = false;
    ChatResult r = m_result;
    r.targetRate = m_options.mode == BenchOptions::Mode::Capacity ? 0 : int(m_rate);
    r.seconds = double(end - start) / 1e9;
    r.p50 = m_latency.percentileMs(0.50);
    r.p99 = m_latency.percentileMs(0.99);
    r.p999 = m_latency.percentileMs(0.999);
    r.max = m_latency.percentileMs(1.0);
    return r;
}

ChatResult ChatLoad::run()
{
    if (!connectPairs())
        return m_result;
    m_rate = m_options.rate;
    startSending();
    runFor(m_options.warmupSeconds * 1000);
    const ChatResult r = measure(m_options.seconds, 2000);
    for (Pair &p : m_pairs) {
        p.sender->close();
        p.receiver->close();
    }
    return r;
}

bool ChatLoad::withinLimits(const ChatResult &step) const
{
    // Acks of messages sent just before the step may count in it, so at least every one.
    return step.errors == 0 && step.received == step.sent && step.acked >= step.sent
            && step.p99 <= m_options.rampMaxP99Ms;
}

QList<ChatResult> ChatLoad::ramp()
{
    QList<ChatResult> steps;
    if (!connectPairs())
        return steps;
    m_rate = m_options.rate;
    startSending();
    runFor(m_options.warmupSeconds * 1000);
    int tries = 0; // of this rate
    for (;;) {
        const ChatResult step = measure(m_options.seconds, 2000);
        steps.append(step);
        std::fprintf(stderr, "ramp: %d msg/s offered: %.0f delivered/s, p99 %.2f ms, %lld errors\n",
                     step.targetRate, step.seconds > 0 ? double(step.received) / step.seconds : 0,
                     step.p99, static_cast<long long>(step.errors));
        const bool held = withinLimits(step);
        if ((!held && ++tries >= m_options.rampTries)
            || (held && m_rate + m_options.rampStep > m_options.rampMaxRate))
            break;
        // A step starts from a drained server, so each stands on its own.
        runFor(500);
        if (held) {
            tries = 0;
            m_rate += m_options.rampStep;
        }
        startSending();
    }
    for (Pair &p : m_pairs) {
        p.sender->close();
        p.receiver->close();
    }
    return steps;
}

} // namespace fastchat::bench
