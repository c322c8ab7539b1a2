// SPDX-License-Identifier: MIT
// The one interface through which events reach connections. A single node uses the
// in-process bus; a cluster uses PostgreSQL LISTEN/NOTIFY or NATS, so that an event
// published on one node reaches the connections held by every node.
#pragma once

#include "Event.h"

#include <QList>
#include <QObject>
#include <QThread>

namespace fastchat::server {

class EventBus : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    virtual void publish(const Event &event) = 0;
    // True for a cluster bus: events come from every node, and a chat message's event
    // reaches its sending connection too (see Event::originConnection).
    virtual bool spansNodes() const { return false; }

signals:
    // Emitted on the thread that owns the bus for every event published on any node,
    // this one included, in the order of publication.
    void received(const fastchat::server::Event &event);
    // A cluster bus lost events (its connection broke and was made again): the
    // connections of this node should resume (close them with 1001, going away: Qt
    // clients refuse 1012 as a close code).
    void listenerReset();

protected:
    // A cluster bus's worker lives on `thread` and reports through its `deliver(events)` and
    // `reset()` callbacks: these hand both to the bus's own thread (in order, queued), and
    // the thread deletes the worker when it finishes.
    template<typename Worker>
    void attachWorker(Worker *worker, QThread &thread)
    {
        worker->deliver = [this](const QList<Event> &events) {
            QMetaObject::invokeMethod(
                    this,
                    [this, events] {
                        for (const Event &e : events)
                            emit received(e);
                    },
                    Qt::QueuedConnection);
        };
        worker->reset = [this] {
            QMetaObject::invokeMethod(this, &EventBus::listenerReset, Qt::QueuedConnection);
        };
        worker->moveToThread(&thread);
        connect(&thread, &QThread::finished, worker, &QObject::deleteLater);
    }
};

class LocalEventBus : public EventBus
{
    Q_OBJECT
public:
    using EventBus::EventBus;
    void publish(const Event &event) override { emit received(event); }
};

} // namespace fastchat::server
