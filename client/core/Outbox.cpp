// SPDX-License-Identifier: MIT
#include "Outbox.h"

#include "SocketClient.h"
#include "e2ee/E2ee.h"

#include <QPointer>
#include <QTimer>
#include <QUuid>

#include <algorithm>

namespace fastchat::client {

Outbox::Outbox(SocketClient *socket, LocalCache *cache)
    : m_socket(socket)
    , m_cache(cache)
{}

void Outbox::setSealer(Sealer sealer, std::function<void(const QString &, const QString &)> refused)
{
    m_sealer = std::move(sealer);
    m_refused = std::move(refused);
}

void Outbox::transmit(const Entry &entry)
{
    const QString clientId = entry.message.clientId;
    if (!m_sealer) {
        m_socket->sendChatMessage(entry.message);
        return;
    }
    const SealedMessage sealed = m_sealer(entry.message);
    switch (sealed.kind) {
    case SealedMessage::Send:
        m_waiting.remove(clientId);
        m_socket->sendChatMessage(sealed.message);
        break;
    case SealedMessage::Wait:
        m_waiting.insert(clientId);
        break;
    case SealedMessage::Refuse:
        m_waiting.remove(clientId);
        fail(clientId, sealed.error);
        if (m_refused) {
            // Later: add() returns first, so that its echo is on screen to be marked.
            QPointer<SocketClient> guard(m_socket);
            QTimer::singleShot(0, m_socket,
                               [guard, refused = m_refused, clientId, error = sealed.error] {
                                   if (guard)
                                       refused(clientId, error);
                               });
        }
        break;
    }
}

void Outbox::flush(qint64 peerId)
{
    const QList<Entry> pending = pendingFor(peerId);
    for (const Entry &entry : pending) {
        if (m_waiting.contains(entry.message.clientId) && !entry.failed)
            transmit(entry);
    }
}

QList<Outbox::Entry> Outbox::restore()
{
    const QList<Entry> entries = m_cache->outbox();
    for (const Entry &entry : entries) {
        m_entries.insert(entry.message.clientId, entry);
        if (!entry.failed)
            transmit(entry);
    }
    return entries;
}

Outbox::Entry Outbox::add(qint64 peerId, const QString &content)
{
    NewMessage message;
    message.receiverId = peerId;
    message.content = content;
    return add(message);
}

Outbox::Entry Outbox::add(const NewMessage &message)
{
    Entry entry;
    entry.message = message;
    if (entry.message.clientId.isEmpty())
        entry.message.clientId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    entry.createdAt = QDateTime::currentDateTimeUtc();
    m_entries.insert(entry.message.clientId, entry);
    m_cache->saveOutboxEntry(entry);
    transmit(entry);
    return entry;
}

std::optional<Outbox::Entry> Outbox::settle(const QString &clientId)
{
    const auto it = m_entries.find(clientId);
    if (it == m_entries.end())
        return std::nullopt;
    const Entry entry = *it;
    m_entries.erase(it);
    m_waiting.remove(clientId);
    m_cache->removeOutboxEntry(clientId);
    return entry;
}

std::optional<Outbox::Entry> Outbox::fail(const QString &clientId, const QString &error)
{
    const auto it = m_entries.find(clientId);
    if (it == m_entries.end())
        return std::nullopt;
    it->failed = true;
    it->error = error;
    m_cache->saveOutboxEntry(*it);
    return *it;
}

std::optional<Outbox::Entry> Outbox::retry(const QString &clientId)
{
    const auto it = m_entries.find(clientId);
    if (it == m_entries.end())
        return std::nullopt;
    it->failed = false;
    it->error.clear();
    m_cache->saveOutboxEntry(*it);
    const Entry entry = *it;
    transmit(entry); // the same client_id (and envelope): never stored twice
    return m_entries.value(clientId, entry);
}

std::optional<Outbox::Entry> Outbox::discard(const QString &clientId)
{
    m_socket->cancelMessage(clientId);
    return settle(clientId);
}

QList<Outbox::Entry> Outbox::pendingFor(qint64 peerId) const
{
    QList<Entry> list;
    for (const Entry &entry : m_entries) {
        if (entry.message.receiverId == peerId)
            list.append(entry);
    }
    std::sort(list.begin(), list.end(),
              [](const Entry &a, const Entry &b) { return a.createdAt < b.createdAt; });
    return list;
}

void Outbox::clear()
{
    for (const Entry &entry : std::as_const(m_entries))
        m_socket->cancelMessage(entry.message.clientId);
    m_entries.clear();
    m_waiting.clear();
}

Message Outbox::echo(const Entry &entry, qint64 me)
{
    Message m;
    m.senderId = me;
    m.receiverId = entry.message.receiverId;
    m.content = entry.message.content;
    m.type = entry.message.type;
    m.clientId = entry.message.clientId;
    m.fileId = entry.message.fileId;
    m.timestamp = entry.createdAt;
    return m;
}

} // namespace fastchat::client
