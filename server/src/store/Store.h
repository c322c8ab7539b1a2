// SPDX-License-Identifier: MIT
// The one facade over storage. The network thread never waits on SQL: every operation
// runs on a store thread (a writer, and a reader for queries) and its answer comes back
// as a queued call on the thread that owns the Store.
#pragma once

#include "DatabaseConfig.h"
#include "PendingMessage.h"
#include "Result.h"
#include "StoreThread.h"

#include <QObject>

#include <future>
#include <memory>
#include <vector>

namespace fastchat::server {

class Metrics;
class SqlSession;

class Store : public QObject
{
    Q_OBJECT
public:
    // `metrics` (optional) gets the duration of every transaction.
    explicit Store(const DatabaseConfig &config, Metrics *metrics = nullptr,
                   QObject *parent = nullptr);
    ~Store() override;

    // How many reader threads (and connections) open() starts; defaultDatabaseReaders
    // unless set before open().
    void setReaderThreads(int count) { m_readerCount = count; }
    // Connects, applies migrations and starts the threads. Blocking: call at start-up.
    // `cluster`: message batches are ordered across nodes and their events NOTIFYed in
    // the same transaction (PostgreSQL only), or, with `publisher` (NATS), published by
    // it after the commit, still in commit order (see MessageWriter).
    bool open(QString *error, bool cluster = false, CommitPublisher publisher = {});
    bool publishesMessageEvents() const { return m_cluster; }
    // Finishes every job that was posted (acknowledged work is never dropped), then stops.
    void close();
    const DatabaseConfig &config() const { return m_config; }

    // After close(), jobs are dropped (a socket closing during shutdown may still ask).
    template<typename T>
    void read(std::function<Result<T>(SqlSession &)> job, std::function<void(Result<T>)> done)
    {
        if (!m_readers.empty())
            nextReader().post(wrap<T>(std::move(job), std::move(done)));
    }
    template<typename T>
    void write(std::function<Result<T>(SqlSession &)> job, std::function<void(Result<T>)> done)
    {
        if (m_writer)
            m_writer->post(wrap<T>(std::move(job), std::move(done)));
    }
    // Blocks until the reader thread has run `job`: for start-up only, never while serving.
    template<typename T>
    Result<T> readNow(std::function<Result<T>(SqlSession &)> job)
    {
        std::promise<Result<T>> promise;
        auto future = promise.get_future();
        nextReader().post([&](SqlSession &session) { promise.set_value(job(session)); });
        return future.get();
    }
    // Blocks until the writer thread has run `job`: for the admin command line only.
    template<typename T>
    Result<T> writeNow(std::function<Result<T>(SqlSession &)> job)
    {
        std::promise<Result<T>> promise;
        auto future = promise.get_future();
        m_writer->post([&](SqlSession &session) { promise.set_value(job(session)); });
        return future.get();
    }
    // Group-committed on the writer thread; `done` runs on this object's thread after
    // the commit.
    void writeMessage(qint64 senderId, const NewMessage &draft, quint64 fromConnection,
                      std::function<void(Result<StoredMessage>)> done);

    int writeQueueLength() const { return m_writer ? m_writer->queued() : 0; }

private:
    template<typename T>
    StoreJob wrap(std::function<Result<T>(SqlSession &)> job, std::function<void(Result<T>)> done)
    {
        return [this, job = std::move(job), done = std::move(done)](SqlSession &session) {
            Result<T> result = job(session);
            QMetaObject::invokeMethod(
                    this, [done, result = std::move(result)]() mutable { done(std::move(result)); },
                    Qt::QueuedConnection);
        };
    }

    DatabaseConfig m_config;
    Metrics *m_metrics;
    bool m_cluster = false;
    std::unique_ptr<StoreThread> m_writer;
    // Reads do not wait for each other: queries go round-robin over a few threads,
    // each with its own connection (writes stay on the one writer, in order).
    StoreThread &nextReader() { return *m_readers[m_nextReader++ % m_readers.size()]; }
    std::vector<std::unique_ptr<StoreThread>> m_readers;
    size_t m_nextReader = 0;
    int m_readerCount = defaultDatabaseReaders;
};

} // namespace fastchat::server
