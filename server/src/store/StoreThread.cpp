// SPDX-License-Identifier: MIT
#include "StoreThread.h"

#include "MessageWriter.h"
#include "SqlSession.h"
#include "app/Logging.h"
#include "observability/Metrics.h"

#include <QElapsedTimer>

#include <utility>

using namespace Qt::StringLiterals;

namespace fastchat::server {

StoreThread::StoreThread(const DatabaseConfig &config, const QString &name, int maxBatch,
                         Metrics *metrics, bool cluster, CommitPublisher publisher)
    : m_config(config)
    , m_name(name)
    , m_maxBatch(maxBatch)
    , m_metrics(metrics)
    , m_cluster(cluster)
    , m_publisher(std::move(publisher))
{
    setObjectName(name);
}

StoreThread::~StoreThread()
{
    finish();
    wait();
}

void StoreThread::post(StoreJob job)
{
    {
        std::lock_guard lock(m_mutex);
        m_queue.emplace_back(std::move(job));
    }
    m_wake.notify_one();
}

void StoreThread::postMessage(PendingMessage message)
{
    {
        std::lock_guard lock(m_mutex);
        m_queue.emplace_back(std::move(message));
    }
    m_wake.notify_one();
}

void StoreThread::finish()
{
    {
        std::lock_guard lock(m_mutex);
        m_finishing = true;
    }
    m_wake.notify_one();
}

int StoreThread::queued() const
{
    std::lock_guard lock(m_mutex);
    return int(m_queue.size());
}

void StoreThread::run()
{
    SqlSession session(m_config, m_name);
    MessageWriter writer(m_cluster, m_publisher);
    std::vector<PendingMessage> batch;
    for (;;) {
        StoreJob job;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return m_finishing || !m_queue.empty(); });
            if (m_queue.empty())
                break;
            if (auto *pending = std::get_if<PendingMessage>(&m_queue.front())) {
                // Take every message write that is next in line (never jump over another
                // job, so that the order of posting is kept).
                do {
                    batch.push_back(std::move(*pending));
                    m_queue.pop_front();
                    pending = m_queue.empty() ? nullptr
                                              : std::get_if<PendingMessage>(&m_queue.front());
                } while (pending && int(batch.size()) < m_maxBatch);
            } else {
                job = std::move(std::get<StoreJob>(m_queue.front()));
                m_queue.pop_front();
            }
        }
        QElapsedTimer timer;
        timer.start();
        if (!batch.empty()) {
            auto answers = writer.write(session, batch);
            Q_ASSERT(answers.size() == batch.size());
            if (m_answer)
                m_answer(std::exchange(batch, {}), std::move(answers));
            else
                batch.clear();
            if (m_metrics)
                ++m_metrics->groupCommits;
        } else {
            session.ensureOpen();
            job(session);
        }
        if (m_metrics)
            m_metrics->databaseTransaction.observe(double(timer.nsecsElapsed()) / 1e9);
    }
}

} // namespace fastchat::server
