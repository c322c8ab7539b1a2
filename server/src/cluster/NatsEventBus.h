// SPDX-License-Identifier: MIT
// The cluster bus on NATS (`--cluster nats://host:port`): every node publishes to and
// subscribes to one subject, while PostgreSQL keeps storage, presence and the token secret.
// Chat messages are published by the store's writer after each commit, under the message
// order lock (see MessageWriter), and every node delivers them in id order, each once: a
// gap in the ids is filled from the database, a repeat is dropped. If the connection to
// NATS breaks, the client reconnects by itself and listenerReset() asks this node's
// connections to resume.
#pragma once

#include "EventBus.h"
#include "store/DatabaseConfig.h"

#include <QThread>

#include <atomic>
#include <future>

struct __natsConnection;
struct __natsSubscription;
struct __natsOptions;
struct __natsMsg;

namespace fastchat::server {

class NatsBusWorker;

class NatsEventBus : public EventBus
{
    Q_OBJECT
public:
    // The subject every node publishes to and listens on.
    static constexpr const char *subject = "fastchat.events";

    NatsEventBus(const QString &url, const DatabaseConfig &database, QObject *parent = nullptr);
    ~NatsEventBus() override;

    // Connects, subscribes and reads where the message stream stands; blocking, for
    // start-up. False with a message naming the server when it cannot.
    bool start(QString *error);
    // Any thread; events from one thread reach the NATS server in the order published.
    void publish(const Event &event) override;
    bool spansNodes() const override { return true; }
    // For the store's writer thread (a CommitPublisher): publishes a committed batch's
    // message events and waits (at most a second) until the NATS server has them.
    void publishCommitted(const QList<Event> &events);

    // Connects and disconnects once (for `config check`).
    static bool probe(const QString &url, QString *error);

private:
    static void onMessage(__natsConnection *, __natsSubscription *, __natsMsg *msg, void *closure);
    static void onDisconnected(__natsConnection *, void *closure);
    static void onReconnected(__natsConnection *, void *closure);
    static void onClosed(__natsConnection *, void *closure);
    static void onSubscriptionDone(void *closure);
    void publishPayloads(const QList<Event> &events);

    QString m_url;
    QThread m_thread;
    NatsBusWorker *m_worker = nullptr;
    __natsOptions *m_options = nullptr;
    __natsConnection *m_connection = nullptr;
    __natsSubscription *m_subscription = nullptr;
    qsizetype m_maxPayload = 0;
    std::promise<void> m_closed;
    std::promise<void> m_subscriptionDone;
    std::atomic<bool> m_closing = false;
};

} // namespace fastchat::server
