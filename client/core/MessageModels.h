// SPDX-License-Identifier: MIT
// Where the rows of each conversation come from (Nheko keeps this apart from the model as
// its EventStore): one MessageListModel per peer, made on first use, filled at once from
// the cache and the outbox, then from the server's newest page, and paged further back
// from GET /chat/history on demand. Pages from the server go to the cache too.
#pragma once

#include <QHash>
#include <QObject>

#include <fastchat/Message.h>

#include <functional>
#include <optional>

namespace fastchat::client {

class ApiClient;
class LocalCache;
class MessageListModel;
class Outbox;
class TransferListModel;

class MessageModels : public QObject
{
    Q_OBJECT

public:
    MessageModels(ApiClient *api, LocalCache *cache, Outbox *outbox, QObject *parent = nullptr);

    // The models belong to this user (mine/theirs); forgets the previous user's models.
    void reset(qint64 me);
    MessageListModel *find(qint64 peerId) const { return m_models.value(peerId); }
    // The model, made and filled when it does not exist yet.
    MessageListModel *get(qint64 peerId);
    // The models read their rows' transfers here.
    void setTransfers(const TransferListModel *transfers) { m_transfers = transfers; }
    void refreshTransfer(const QString &clientId, const QString &fileId);
    // Every page from the server passes through this first (end-to-end encryption: an
    // envelope comes back with its text).
    void setOpener(std::function<Message(const Message &)> opener) { m_open = std::move(opener); }
    // Passed to every model (MessageListModel::setPlaintextCheck).
    void setPlaintextCheck(std::function<bool(const Message &)> check)
    {
        m_wasPlaintext = std::move(check);
    }

Q_SIGNALS:
    // The server's newest page is in (a view of it may now mark messages read).
    void latestLoaded(qint64 peerId);

private:
    void openAll(std::optional<QList<Message>> &messages) const;

    ApiClient *m_api;
    LocalCache *m_cache;
    Outbox *m_outbox;
    const TransferListModel *m_transfers = nullptr;
    std::function<Message(const Message &)> m_open;
    std::function<bool(const Message &)> m_wasPlaintext;
    qint64 m_me = 0;
    QHash<qint64, MessageListModel *> m_models;
    quint64 m_generation = 0; // answers for a previous user are dropped
};

} // namespace fastchat::client
