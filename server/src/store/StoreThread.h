// SPDX-License-Identifier: MIT
// A thread that owns one database connection and runs store jobs in the order they were
// posted. The writer thread also groups consecutive message writes into one transaction
// (group commit): each message is still acknowledged only after that commit.
#pragma once

#include "DatabaseConfig.h"
#include "MessageWriter.h"
#include "PendingMessage.h"

#include <QThread>

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <variant>

namespace fastchat::server {

class Metrics;
class SqlSession;

using StoreJob = std::function<void(SqlSession &)>;

class StoreThread : public QThread
{
public:
    StoreThread(const DatabaseConfig &config, const QString &name, int maxBatch, Metrics *metrics,
                bool cluster = false, CommitPublisher publisher = {});
    ~StoreThread() override;

    // Where the answers to message writes go, one call per batch; set before start().
    void setAnswerBatch(AnswerBatch answer) { m_answer = std::move(answer); }

    void post(StoreJob job);
    void postMessage(PendingMessage message);
    // Runs what was posted, then ends the thread.
    void finish();
    int queued() const;

protected:
    void run() override;

private:
    using Item = std::variant<StoreJob, PendingMessage>;

    DatabaseConfig m_config;
    QString m_name;
    int m_maxBatch;
    Metrics *m_metrics;
    bool m_cluster;
    CommitPublisher m_publisher;
    AnswerBatch m_answer;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<Item> m_queue;
    bool m_finishing = false;
};

} // namespace fastchat::server
