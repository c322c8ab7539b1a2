// SPDX-License-Identifier: MIT
#include "PostgresEventBus.h"

#include "EventCodec.h"
#include "app/Logging.h"
#include "store/ChatQueries.h"
#include "store/ClusterQueries.h"
#include "store/SqlSession.h"

#include <QSqlDriver>
#include <QTimer>

#include <future>

using namespace Qt::StringLiterals;

namespace fastchat::server {

// Lives on the bus thread with its own connection.
class PostgresBusWorker : public QObject
{
    Q_OBJECT
public:
    explicit PostgresBusWorker(const DatabaseConfig &config)
        : m_session(config, u"fastchat-bus-listen"_s)
        , m_publisher(config, u"fastchat-bus-notify"_s)
        , m_health(this) // a child: it moves to the bus thread too
    {}

    bool connectAndListen(QString *error)
    {
        if (!m_session.ensureOpen(error))
            return false;
        QSqlDriver *driver = m_session.driver();
        disconnect(driver, nullptr, this, nullptr);
        connect(driver, &QSqlDriver::notification, this,
                [this](const QString &, QSqlDriver::NotificationSource, const QVariant &payload) {
                    received(payload.toString().toUtf8());
                });
        driver->unsubscribeFromNotification(QString::fromLatin1(ClusterQueries::channel));
        if (!driver->subscribeToNotification(QString::fromLatin1(ClusterQueries::channel))) {
            *error = u"cannot LISTEN on the cluster channel"_s;
            return false;
        }
        m_listening = m_session.generation();
        if (!m_health.isActive()) {
            m_health.setInterval(2000);
            connect(&m_health, &QTimer::timeout, this, &PostgresBusWorker::checkHealth);
            m_health.start();
        }
        return true;
    }

    // NOTIFY goes out on a connection of its own: libpq would read a notification that
    // arrives with a query's answer on the listening connection without QPSQL noticing,
    // and it would wait there until the next unrelated traffic.
    void notify(const QByteArray &payload)
    {
        if (!m_publisher.ensureOpen())
            qCWarning(lcHub) << "cluster NOTIFY: no connection";
        else if (!ClusterQueries::notify(m_publisher, payload))
            qCWarning(lcHub) << "cluster NOTIFY failed:" << m_session.lastError().message;
    }

    std::function<void(const QList<Event> &)> deliver;
    std::function<void()> reset;

private:
    void received(const QByteArray &payload)
    {
        auto events = EventCodec::decode(payload);
        if (!events) {
            qCWarning(lcHub) << "ignoring a malformed cluster event";
            return;
        }
        // Too large for NOTIFY: the message is read here, on this thread, so that the
        // order of delivery stays the order of the notifications.
        for (Event &e : *events) {
            if (e.kind != Event::Kind::Frame || !e.frame.isEmpty() || !e.messageId)
                continue;
            const auto message = ChatQueries::messageById(m_session, e.messageId);
            if (message)
                e.frame = QString::fromUtf8(message->toChatMessageFrame());
            else
                qCWarning(lcHub) << "cannot read message" << e.messageId << "for delivery";
        }
        deliver(*events);
    }

    void checkHealth()
    {
        // A ping may reopen a lost connection by itself: without a new LISTEN on it, the
        // node would hear nothing more. So a new generation counts as a loss too.
        if (m_session.ping() && m_session.generation() == m_listening)
            return;
        // The connection is gone; so is the LISTEN.
        qCWarning(lcHub) << "the cluster listener lost its connection; reconnecting";
        QString error;
        if (connectAndListen(&error))
            reset();
    }

    SqlSession m_session; // LISTEN only
    SqlSession m_publisher;
    int m_listening = -1; // the connection generation that holds our LISTEN
    QTimer m_health;
};

PostgresEventBus::PostgresEventBus(const DatabaseConfig &config, QObject *parent)
    : EventBus(parent)
{
    m_thread.setObjectName(u"fastchat-bus"_s);
    m_worker = new PostgresBusWorker(config);
    attachWorker(m_worker, m_thread);
}

PostgresEventBus::~PostgresEventBus()
{
    m_thread.quit();
    m_thread.wait();
}

bool PostgresEventBus::start(QString *error)
{
    m_thread.start();
    std::promise<QString> result;
    auto future = result.get_future();
    QMetaObject::invokeMethod(m_worker, [this, &result] {
        QString e;
        result.set_value(m_worker->connectAndListen(&e) ? QString() : e);
    });
    *error = future.get();
    return error->isEmpty();
}

void PostgresEventBus::publish(const Event &event)
{
    const QList<QByteArray> payloads = EventCodec::pack({EventCodec::encode(event)}, {event});
    QMetaObject::invokeMethod(m_worker, [worker = m_worker, payloads] {
        for (const QByteArray &p : payloads)
            worker->notify(p);
    });
}

} // namespace fastchat::server

#include "PostgresEventBus.moc"
