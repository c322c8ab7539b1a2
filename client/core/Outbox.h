// SPDX-License-Identifier: MIT
// My messages the server has not acknowledged yet. Each is in the cache (so it survives a
// restart) and queued on the socket (which sends it again after every reconnect) until its
// client_id is acknowledged or its stored copy comes back; one the server refused stays,
// marked failed, until the user retries or discards it.
#pragma once

#include "LocalCache.h"

#include <QHash>

#include <fastchat/Message.h>

#include <optional>

namespace fastchat::client {

class SocketClient;

class Outbox
{
public:
    using Entry = LocalCache::OutboxEntry;

    Outbox(SocketClient *socket, LocalCache *cache);

    // What the last run left behind (from the cache), queued again unless refused.
    QList<Entry> restore();
    // A new message to the peer, with a fresh client_id: stored and queued.
    Entry add(qint64 peerId, const QString &content);
    // A message made elsewhere (an attachment: type, file_id and its own client_id).
    Entry add(const NewMessage &message);
    // Acknowledged, or its stored copy arrived: it leaves the outbox.
    std::optional<Entry> settle(const QString &clientId);
    std::optional<Entry> fail(const QString &clientId, const QString &error);
    std::optional<Entry> retry(const QString &clientId);
    std::optional<Entry> discard(const QString &clientId);
    // The peer's entries, oldest first.
    QList<Entry> pendingFor(qint64 peerId) const;
    // Forget everything (signing out); the cache file goes with the user's.
    void clear();

    // The local echo the models show for an entry.
    static Message echo(const Entry &entry, qint64 me);

private:
    SocketClient *m_socket;
    LocalCache *m_cache;
    QHash<QString, Entry> m_entries; // by client_id
};

} // namespace fastchat::client
