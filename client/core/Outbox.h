// SPDX-License-Identifier: MIT
// My messages the server has not acknowledged yet. Each is in the cache (so it survives a
// restart) and queued on the socket (which sends it again after every reconnect) until its
// client_id is acknowledged or its stored copy comes back; one the server refused stays,
// marked failed, until the user retries or discards it.
#pragma once

#include "LocalCache.h"

#include <QHash>
#include <QSet>

#include <fastchat/Message.h>

#include <functional>
#include <optional>

namespace fastchat::client {

class SocketClient;
struct SealedMessage;

class Outbox
{
public:
    using Entry = LocalCache::OutboxEntry;

    Outbox(SocketClient *socket, LocalCache *cache);

    // End-to-end encryption (e2ee/E2ee.h): every message passes the sealer on its way to
    // the socket. The outbox and its cache keep the text; the socket gets what the sealer
    // gives (an envelope). Wait keeps the message until flush(peer); Refuse marks it failed
    // and tells `refused` (later, from the event loop) so that the views show why.
    using Sealer = std::function<SealedMessage(const NewMessage &)>;
    void setSealer(Sealer sealer,
                   std::function<void(const QString &clientId, const QString &error)> refused);
    // The peer's keys are settled: the messages waiting for them go (or are refused).
    void flush(qint64 peerId);

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
    void transmit(const Entry &entry);

    SocketClient *m_socket;
    Sealer m_sealer;
    std::function<void(const QString &, const QString &)> m_refused;
    QSet<QString> m_waiting; // client ids held by the sealer
    LocalCache *m_cache;
    QHash<QString, Entry> m_entries; // by client_id
};

} // namespace fastchat::client
