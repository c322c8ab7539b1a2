// SPDX-License-Identifier: MIT
#include "Store.h"

#include "Migrations.h"
#include "SqlSession.h"
#include "app/Logging.h"

#include <QFileInfo>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace fastchat::server {

namespace {
// Messages per group commit: large enough to amortize a commit, small enough to keep
// the latency of the first message in a batch low.
constexpr int maxMessagesPerCommit = 256;
} // namespace

Store::Store(const DatabaseConfig &config, Metrics *metrics, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_metrics(metrics)
{}

Store::~Store()
{
    close();
}

bool Store::open(QString *error, bool cluster, CommitPublisher publisher)
{
    m_cluster = cluster;
    {
        SqlSession session(m_config, u"fastchat-migrate"_s);
        if (!session.ensureOpen(error))
            return false;
        if (!Migrations::apply(session, error))
            return false;
    }
    m_writer = std::make_unique<StoreThread>(m_config, u"fastchat-store-writer"_s,
                                             maxMessagesPerCommit, m_metrics, m_cluster,
                                             std::move(publisher));
    // One queued call per batch rather than per message: each cross-thread call wakes this
    // thread's event loop and costs an allocation or two.
    m_writer->setAnswerBatch(
            [this](std::vector<PendingMessage> batch, std::vector<Result<StoredMessage>> answers) {
                QMetaObject::invokeMethod(
                        this,
                        [batch = std::move(batch), answers = std::move(answers)]() mutable {
                            for (size_t i = 0; i < batch.size(); ++i)
                                batch[i].done(std::move(answers[i]));
                        },
                        Qt::QueuedConnection);
            });
    for (int i = 0; i < std::max(1, m_readerCount); ++i)
        m_readers.push_back(std::make_unique<StoreThread>(
                m_config, u"fastchat-store-reader-%1"_s.arg(i), 1, m_metrics));
    m_writer->start();
    for (auto &reader : m_readers)
        reader->start();
    qCInfo(lcStore) << "storage ready:" << m_config.describe() << "with" << m_readers.size()
                    << "reader connections";
    return true;
}

void Store::close()
{
    if (m_writer) {
        m_writer->finish();
        m_writer->wait();
        m_writer.reset();
    }
    for (auto &reader : m_readers) {
        reader->finish();
        reader->wait();
    }
    m_readers.clear();
}

void Store::writeMessage(qint64 senderId, const NewMessage &draft, quint64 fromConnection,
                         std::function<void(Result<StoredMessage>)> done)
{
    PendingMessage p;
    p.senderId = senderId;
    p.draft = draft;
    p.fromConnection = fromConnection;
    if (!m_writer)
        return;
    p.done = std::move(done);
    m_writer->postMessage(std::move(p));
}

} // namespace fastchat::server
