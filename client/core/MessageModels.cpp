// SPDX-License-Identifier: MIT
#include "MessageModels.h"

#include "ApiClient.h"
#include "LocalCache.h"
#include "Logging.h"
#include "MessageListModel.h"
#include "Outbox.h"

#include <QPointer>

namespace fastchat::client {

void MessageModels::openAll(std::optional<QList<Message>> &messages) const
{
    if (!messages || !m_open)
        return;
    for (Message &m : *messages)
        m = m_open(m);
}

MessageModels::MessageModels(ApiClient *api, LocalCache *cache, Outbox *outbox, QObject *parent)
    : QObject(parent)
    , m_api(api)
    , m_cache(cache)
    , m_outbox(outbox)
{}

void MessageModels::reset(qint64 me)
{
    ++m_generation;
    m_me = me;
    // Views may still hold them until they see the change: deleted later, not now.
    for (MessageListModel *model : std::as_const(m_models))
        model->deleteLater();
    m_models.clear();
}

void MessageModels::refreshTransfer(const QString &clientId, const QString &fileId)
{
    for (MessageListModel *model : std::as_const(m_models))
        model->refreshTransfer(clientId, fileId);
}

MessageListModel *MessageModels::get(qint64 peerId)
{
    if (peerId <= 0 || m_me == 0)
        return nullptr;
    if (MessageListModel *model = m_models.value(peerId))
        return model;
    auto *model = new MessageListModel(m_me, peerId, this);
    m_models.insert(peerId, model);
    model->setTransfers(m_transfers);
    model->setPlaintextCheck(m_wasPlaintext);
    const quint64 generation = m_generation;
    model->setPager(
            [this, peerId, generation](qint64 before, int limit, MessageListModel::PageDone done) {
                m_api->history(peerId, before, limit, this,
                               [this, peerId, done, generation](ApiResult<QList<Message>> page) {
                                   if (generation != m_generation)
                                       return;
                                   openAll(page.value);
                                   if (page.ok())
                                       m_cache->saveMessages(peerId, *page.value);
                                   done(page.ok(), page.value.value_or(QList<Message>()),
                                        page.error.message);
                               });
            });

    // What we had last time, then mine still on their way (oldest first: the newest on top).
    model->prime(m_cache->recentMessages(peerId));
    const auto pending = m_outbox->pendingFor(peerId);
    for (const Outbox::Entry &entry : pending) {
        model->addLocalEcho(Outbox::echo(entry, m_me),
                            entry.failed ? MessageStatus::Failed : MessageStatus::Sending);
        if (entry.failed)
            model->setFailed(entry.message.clientId, entry.error);
    }

    // Then the newest page from the server.
    QPointer<MessageListModel> guard(model);
    m_api->history(peerId, 0, MessageListModel::pageSize, this,
                   [this, guard, peerId, generation](ApiResult<QList<Message>> page) {
                       if (!guard || generation != m_generation)
                           return;
                       openAll(page.value);
                       if (!page.ok()) {
                           qCInfo(lcModels) << "cannot load the history with" << peerId
                                            << page.error.message;
                           return;
                       }
                       m_cache->saveMessages(peerId, *page.value);
                       guard->applyLatestPage(*page.value,
                                              page.value->size() < MessageListModel::pageSize);
                       Q_EMIT latestLoaded(peerId);
                   });
    return model;
}

} // namespace fastchat::client
