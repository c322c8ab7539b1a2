// SPDX-License-Identifier: MIT
#include "Outbox.h"

#include "SocketClient.h"

#include <QUuid>

#include <algorithm>

namespace fastchat::client {

Outbox::Outbox(SocketClient *socket, LocalCache *cache)
    : m_socket(socket)
    , m_cache(cache)
{}

QList<Outbox::Entry> Outbox::restore()
{
    const QList<Entry> entries = m_cache->outbox();
    for (const Entry &entry : entries) {
        m_entries.insert(entry.message.clientId, entry);
        if (!entry.failed)
            m_socket->sendChatMessage(entry.message);
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
    m_socket->sendChatMessage(entry.message);
    return entry;
}

std::optional<Outbox::Entry> Outbox::settle(const QString &clientId)
{
    const auto it = m_entries.find(clientId);
    if (it == m_entries.end())
        return std::nullopt;
    const Entry entry = *it;
    m_entries.erase(it);
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
    m_socket->sendChatMessage(it->message); // the same client_id: never stored twice
    return *it;
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
