// SPDX-License-Identifier: MIT
#include "NatsEventBus.h"

#include "EventCodec.h"
#include "app/Logging.h"
#include "store/ChatQueries.h"
#include "store/SqlSession.h"

#include <QCoreApplication>
#include <QTimer>
#include <QUrl>

#include <nats/nats.h>

#include <chrono>

using namespace Qt::StringLiterals;

namespace fastchat::server {

namespace {

constexpr int reconnectWaitMs = 500;
constexpr int pingIntervalMs = 2000; // a silent server is noticed after two missed pings
constexpr int flushTimeoutMs = 1000;
constexpr int tailCheckMs = 2000;
constexpr int fillPageSize = 500;

QString statusText(natsStatus s)
{
    const char *detail = nats_GetLastError(nullptr);
    QString text = QString::fromUtf8(natsStatus_GetText(s));
    if (detail && *detail && text != QString::fromUtf8(detail))
        text += u": "_s + QString::fromUtf8(detail);
    return text;
}

// The URL without its password, for messages.
QString shown(const QString &url)
{
    QUrl u(url);
    u.setPassword({});
    return u.toString();
}

natsOptions *makeOptions(const QString &url, natsStatus *status)
{
    natsOptions *options = nullptr;
    *status = natsOptions_Create(&options);
    if (*status != NATS_OK)
        return nullptr;
    const QByteArray name = "fastchat-server pid "
            + QByteArray::number(QCoreApplication::applicationPid());
    *status = natsOptions_SetURL(options, url.toUtf8().constData());
    if (*status == NATS_OK)
        *status = natsOptions_SetName(options, name.constData());
    if (*status == NATS_OK)
        *status = natsOptions_SetTimeout(options, 5000); // connecting
    if (*status != NATS_OK) {
        natsOptions_Destroy(options);
        return nullptr;
    }
    return options;
}

} // namespace

// Lives on the bus thread with a database connection of its own: turns payloads into
// events and keeps chat messages in id order, each once (see received()).
class NatsBusWorker : public QObject
{
    Q_OBJECT
public:
    explicit NatsBusWorker(const DatabaseConfig &config)
        : m_session(config, u"fastchat-bus-read"_s)
        , m_tail(this)
    {}

    // Where the message stream stands now: messages up to here are not this node's to
    // deliver (it has no connections yet).
    bool begin(QString *error)
    {
        if (!m_session.ensureOpen(error))
            return false;
        const auto last = ChatQueries::lastMessageId(m_session);
        if (!last) {
            *error = last.error().message;
            return false;
        }
        m_last = m_tailCandidate = last.value();
        m_tail.setInterval(tailCheckMs);
        connect(&m_tail, &QTimer::timeout, this, &NatsBusWorker::checkTail);
        m_tail.start();
        return true;
    }

    // Message ids commit in id order on every node (the order lock), and their events are
    // published after the commit. So when an event for message N arrives and the last one
    // delivered here was L < N - 1, the messages between are committed: they are read from
    // the database and delivered first (a publish that was lost, or a hole in the sequence:
    // then the read finds nothing). An event for a message already delivered is dropped.
    void received(const QByteArray &payload)
    {
        auto events = EventCodec::decode(payload);
        if (!events) {
            qCWarning(lcCluster) << "ignoring a malformed cluster event";
            return;
        }
        QList<Event> out;
        bool lost = false;
        for (Event &e : *events) {
            if (e.kind == Event::Kind::Frame && e.messageId) {
                if (e.messageId <= m_last)
                    continue;
                if (e.messageId > m_last + 1 && !fill(e.messageId - 1, out))
                    lost = true;
                if (e.frame.isEmpty() && !readFrame(e))
                    lost = true;
                m_last = e.messageId;
            }
            out.append(std::move(e));
        }
        if (!out.isEmpty())
            deliver(out);
        if (lost)
            reset();
    }

    // After a reconnect: every connection of this node is told to resume from the
    // database, so what was committed until now is theirs to read, not ours to fill in.
    void skipToNow()
    {
        const auto last = ChatQueries::lastMessageId(m_session);
        if (last && last.value() > m_last)
            m_last = m_tailCandidate = last.value();
        reset();
    }

    std::function<void(const QList<Event> &)> deliver;
    std::function<void()> reset;

private:
    // Appends the messages after m_last up to upToId, read from the database; m_last
    // becomes upToId. False when the database could not be read.
    bool fill(qint64 upToId, QList<Event> &out)
    {
        while (m_last < upToId) {
            const auto page = ChatQueries::messagesBetween(m_session, m_last, upToId, fillPageSize);
            if (!page) {
                qCWarning(lcCluster) << "cannot read messages" << m_last + 1 << "to" << upToId
                                     << "to fill a gap:" << page.error().message;
                m_last = upToId;
                return false;
            }
            for (const Message &m : page.value()) {
                Event e;
                e.userIds = {m.senderId, m.receiverId};
                e.frame = QString::fromUtf8(m.toChatMessageFrame());
                e.messageId = m.id;
                e.originUnknown = true;
                out.append(std::move(e));
                m_last = m.id;
            }
            if (page->size() < fillPageSize)
                m_last = upToId;
        }
        return true;
    }

    // An event too large for one NATS payload travels as its message id.
    bool readFrame(Event &e)
    {
        const auto message = ChatQueries::messageById(m_session, e.messageId);
        if (!message) {
            qCWarning(lcCluster) << "cannot read message" << e.messageId << "for delivery";
            return false;
        }
        e.frame = QString::fromUtf8(message->toChatMessageFrame());
        return true;
    }

    // A message whose event never came (its node died between commit and publish, or
    // its publish was lost) and after which nothing else was sent: what was the newest
    // message two seconds ago and has still not arrived is read from the database.
    void checkTail()
    {
        const auto newest = ChatQueries::lastMessageId(m_session);
        if (!newest)
            return;
        if (m_tailCandidate > m_last) {
            QList<Event> out;
            const qint64 from = m_last;
            const bool ok = fill(m_tailCandidate, out);
            if (!out.isEmpty()) {
                qCInfo(lcCluster) << "delivering" << out.size() << "messages after" << from
                                  << "whose events did not arrive";
                deliver(out);
            }
            if (!ok)
                reset();
        }
        m_tailCandidate = newest.value();
    }

    SqlSession m_session;
    qint64 m_last = 0;          // the newest message delivered (or known not to exist)
    qint64 m_tailCandidate = 0; // the newest message committed at the last tail check
    QTimer m_tail;
};

NatsEventBus::NatsEventBus(const QString &url, const DatabaseConfig &database, QObject *parent)
    : EventBus(parent)
    , m_url(url)
{
    m_thread.setObjectName(u"fastchat-bus"_s);
    m_worker = new NatsBusWorker(database);
    attachWorker(m_worker, m_thread);
}

NatsEventBus::~NatsEventBus()
{
    m_closing = true;
    using namespace std::chrono_literals;
    // Wait until the client calls us no more: the subscription's handler, then the
    // connection's callbacks (closed is the last one).
    if (m_subscription) {
        auto done = m_subscriptionDone.get_future();
        if (natsSubscription_Unsubscribe(m_subscription) == NATS_OK)
            done.wait_for(2s);
        natsSubscription_Destroy(m_subscription);
    }
    if (m_connection) {
        auto closed = m_closed.get_future();
        natsConnection_Close(m_connection);
        closed.wait_for(2s);
        natsConnection_Destroy(m_connection);
    }
    natsOptions_Destroy(m_options);
    m_thread.quit();
    m_thread.wait();
}

bool NatsEventBus::start(QString *error)
{
    m_thread.start();
    std::promise<QString> begun;
    auto future = begun.get_future();
    QMetaObject::invokeMethod(m_worker, [this, &begun] {
        QString e;
        begun.set_value(m_worker->begin(&e) ? QString() : e);
    });
    *error = future.get();
    if (!error->isEmpty()) {
        *error = u"the NATS bus cannot read the message stream: "_s + *error;
        return false;
    }

    natsStatus s = NATS_OK;
    m_options = makeOptions(m_url, &s);
    if (m_options) {
        natsOptions_SetMaxReconnect(m_options, -1); // for ever
        natsOptions_SetReconnectWait(m_options, reconnectWaitMs);
        natsOptions_SetPingInterval(m_options, pingIntervalMs);
        natsOptions_SetMaxPingsOut(m_options, 2);
        natsOptions_SetDisconnectedCB(m_options, &NatsEventBus::onDisconnected, this);
        natsOptions_SetReconnectedCB(m_options, &NatsEventBus::onReconnected, this);
        natsOptions_SetClosedCB(m_options, &NatsEventBus::onClosed, this);
        natsOptions_SetErrorHandler(
                m_options,
                [](natsConnection *, natsSubscription *, natsStatus err, void *) {
                    // A slow consumer loses events: the next one fills the gap.
                    qCWarning(lcCluster) << "NATS:" << natsStatus_GetText(err);
                },
                nullptr);
        s = natsConnection_Connect(&m_connection, m_options);
    }
    if (s == NATS_OK)
        s = natsConnection_Subscribe(&m_subscription, m_connection, subject,
                                     &NatsEventBus::onMessage, this);
    if (s == NATS_OK)
        s = natsSubscription_SetOnCompleteCB(m_subscription, &NatsEventBus::onSubscriptionDone,
                                             this);
    if (s == NATS_OK) // the server has our subscription before we publish anything
        s = natsConnection_FlushTimeout(m_connection, 5000);
    if (s != NATS_OK) {
        *error = u"cannot connect to NATS at %1: %2"_s.arg(shown(m_url), statusText(s));
        return false;
    }
    // Room for the JSON array around one event; a larger event travels as its id.
    m_maxPayload = qsizetype(natsConnection_GetMaxPayload(m_connection)) - 64;
    qCInfo(lcCluster) << "cluster events through NATS at" << shown(m_url) << "subject" << subject
                      << "max payload" << m_maxPayload;
    return true;
}

void NatsEventBus::publish(const Event &event)
{
    publishPayloads({event});
}

void NatsEventBus::publishCommitted(const QList<Event> &events)
{
    publishPayloads(events);
    // While disconnected the client buffers (and sends on reconnect, late: those events are
    // dropped as repeats where the gap was filled meanwhile); waiting would only stall
    // every node's writes.
    if (!m_connection || natsConnection_Status(m_connection) != NATS_CONN_STATUS_CONNECTED)
        return;
    const natsStatus s = natsConnection_FlushTimeout(m_connection, flushTimeoutMs);
    if (s != NATS_OK)
        qCWarning(lcCluster) << "NATS flush after a commit:" << statusText(s);
}

void NatsEventBus::publishPayloads(const QList<Event> &events)
{
    if (!m_connection)
        return;
    QList<QByteArray> encoded;
    encoded.reserve(events.size());
    for (const Event &e : events)
        encoded.append(EventCodec::encode(e));
    for (const QByteArray &payload : EventCodec::pack(encoded, events, m_maxPayload)) {
        const natsStatus s = natsConnection_Publish(m_connection, subject, payload.constData(),
                                                    int(payload.size()));
        if (s != NATS_OK)
            qCWarning(lcCluster) << "NATS publish:" << statusText(s);
    }
}

bool NatsEventBus::probe(const QString &url, QString *error)
{
    natsStatus s = NATS_OK;
    natsOptions *options = makeOptions(url, &s);
    natsConnection *connection = nullptr;
    if (options)
        s = natsConnection_Connect(&connection, options);
    if (s == NATS_OK)
        s = natsConnection_FlushTimeout(connection, 5000);
    if (s != NATS_OK)
        *error = u"cannot connect to NATS at %1: %2"_s.arg(shown(url), statusText(s));
    natsConnection_Destroy(connection); // closes
    natsOptions_Destroy(options);
    return s == NATS_OK;
}

void NatsEventBus::onMessage(natsConnection *, natsSubscription *, natsMsg *msg, void *closure)
{
    auto *bus = static_cast<NatsEventBus *>(closure);
    const QByteArray payload(natsMsg_GetData(msg), natsMsg_GetDataLength(msg));
    natsMsg_Destroy(msg);
    if (bus->m_closing)
        return;
    NatsBusWorker *worker = bus->m_worker;
    QMetaObject::invokeMethod(
            worker, [worker, payload] { worker->received(payload); }, Qt::QueuedConnection);
}

void NatsEventBus::onDisconnected(natsConnection *, void *closure)
{
    if (!static_cast<NatsEventBus *>(closure)->m_closing)
        qCWarning(lcCluster) << "lost the connection to NATS; reconnecting";
}

void NatsEventBus::onReconnected(natsConnection *, void *closure)
{
    auto *bus = static_cast<NatsEventBus *>(closure);
    if (bus->m_closing)
        return;
    // Events published meanwhile by other nodes did not reach us: messages are filled
    // from the database by the next event, but typing, receipts and presence are gone.
    qCWarning(lcCluster) << "reconnected to NATS; this node's clients resume";
    NatsBusWorker *worker = bus->m_worker;
    QMetaObject::invokeMethod(
            worker, [worker] { worker->skipToNow(); }, Qt::QueuedConnection);
}

void NatsEventBus::onClosed(natsConnection *, void *closure)
{
    static_cast<NatsEventBus *>(closure)->m_closed.set_value();
}

void NatsEventBus::onSubscriptionDone(void *closure)
{
    static_cast<NatsEventBus *>(closure)->m_subscriptionDone.set_value();
}

} // namespace fastchat::server

#include "NatsEventBus.moc"
