// SPDX-License-Identifier: MIT
// The cluster bus on PostgreSQL LISTEN/NOTIFY: nothing extra to run. Every node listens
// on one channel; an event published by any node (or committed with a message batch,
// see MessageWriter) reaches every node, this one included, in commit order. A thread
// of its own holds the listening connection, so the network thread never waits on it.
#pragma once

#include "EventBus.h"
#include "store/DatabaseConfig.h"

#include <QThread>

namespace fastchat::server {

class PostgresBusWorker;

class PostgresEventBus : public EventBus
{
    Q_OBJECT
public:
    explicit PostgresEventBus(const DatabaseConfig &config, QObject *parent = nullptr);
    ~PostgresEventBus() override;

    // Connects and starts listening; blocking, for start-up.
    bool start(QString *error);
    void publish(const Event &event) override;
    bool spansNodes() const override { return true; }
    // listenerReset(): the listening connection broke and was made again; notifications
    // sent meanwhile are lost.

private:
    QThread m_thread;
    PostgresBusWorker *m_worker = nullptr;
};

} // namespace fastchat::server
