// SPDX-License-Identifier: MIT
#include "ConversationListModel.h"

#include "Format.h"
#include "Logging.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace fastchat::client {

namespace {

QDateTime timeOf(const Message &m)
{
    return m.timestamp.isValid() ? m.timestamp : m.createdAt;
}

} // namespace

ConversationListModel::ConversationListModel(QObject *parent)
    : QAbstractListModel(parent)
{}

int ConversationListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QHash<int, QByteArray> ConversationListModel::roleNames() const
{
    return {
            {PeerIdRole, "peerId"},
            {ConversationIdRole, "conversationId"},
            {PeerNameRole, "peerName"},
            {AvatarInitialRole, "avatarInitial"},
            {AvatarHueRole, "avatarHue"},
            {LastMessageRole, "lastMessage"},
            {LastMessageTimeRole, "lastMessageTime"},
            {LastMessageTimeTextRole, "lastMessageTimeText"},
            {LastMessageMineRole, "lastMessageMine"},
            {LastMessageStatusRole, "lastMessageStatus"},
            {UnreadCountRole, "unreadCount"},
            {OnlineRole, "online"},
            {LastSeenRole, "lastSeen"},
            {TypingRole, "typing"},
    };
}

QVariant ConversationListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    const Conversation &c = row.conversation;
    const User &peer = *c.peer;
    switch (role) {
    case Qt::DisplayRole:
    case PeerNameRole:
        return peer.username;
    case PeerIdRole:
        return peer.id;
    case ConversationIdRole:
        return c.id;
    case AvatarInitialRole:
        return format::initial(peer.username);
    case AvatarHueRole:
        return format::avatarHue(peer.id);
    case LastMessageRole:
        return c.lastMessage ? format::messagePreview(*c.lastMessage) : QString();
    case LastMessageTimeRole:
        return c.lastMessage ? timeOf(*c.lastMessage) : QDateTime();
    case LastMessageTimeTextRole:
        return c.lastMessage ? format::listTime(timeOf(*c.lastMessage)) : QString();
    case LastMessageMineRole:
        return c.lastMessage && c.lastMessage->senderId == m_me;
    case LastMessageStatusRole:
        return int(row.lastStatus);
    case UnreadCountRole:
        return int(c.unreadCount);
    case OnlineRole:
        return peer.isOnline;
    case LastSeenRole:
        return peer.lastSeen;
    case TypingRole:
        return row.typing;
    }
    return {};
}

int ConversationListModel::unreadTotal() const
{
    return m_unreadTotal;
}

void ConversationListModel::updateUnreadTotal()
{
    int total = 0;
    for (const Row &row : std::as_const(m_rows))
        total += int(row.conversation.unreadCount);
    if (total == m_unreadTotal)
        return;
    m_unreadTotal = total;
    Q_EMIT unreadTotalChanged();
}

int ConversationListModel::rowOf(qint64 peerId) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).conversation.peer->id == peerId)
            return i;
    }
    return -1;
}

qint64 ConversationListModel::peerIdAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).conversation.peer->id : 0;
}

std::optional<Conversation> ConversationListModel::conversation(qint64 peerId) const
{
    const int row = rowOf(peerId);
    if (row < 0)
        return std::nullopt;
    Conversation c = m_rows.at(row).conversation;
    if (!c.user1Id || !c.user2Id) {
        c.user1Id = std::min(m_me, peerId);
        c.user2Id = std::max(m_me, peerId);
    }
    if (c.lastMessage && c.lastMessage->id == 0)
        c.lastMessage.reset(); // a local echo is not the server's state
    if (c.id == 0)
        return std::nullopt;
    return c;
}

std::optional<User> ConversationListModel::peer(qint64 peerId) const
{
    const int row = rowOf(peerId);
    if (row < 0)
        return std::nullopt;
    return *m_rows.at(row).conversation.peer;
}

bool ConversationListModel::before(const Row &a, const Row &b)
{
    if (a.sortTime != b.sortTime)
        return a.sortTime > b.sortTime;
    return a.conversation.peer->id < b.conversation.peer->id;
}

MessageStatus::Status ConversationListModel::statusOf(const Message &m) const
{
    if (m.senderId != m_me)
        return MessageStatus::None;
    if (m.id == 0)
        return MessageStatus::Sending;
    return m.readAt.isValid() ? MessageStatus::Read : MessageStatus::Sent;
}

void ConversationListModel::changed(int row, const QList<int> &roles)
{
    const QModelIndex i = index(row);
    Q_EMIT dataChanged(i, i, roles);
}

int ConversationListModel::reposition(int row)
{
    const Row &moving = m_rows.at(row);
    // The target among the other rows, which are sorted.
    int target = 0;
    for (int i = 0; i < m_rows.size(); ++i) {
        if (i != row && before(m_rows.at(i), moving))
            ++target;
    }
    if (target == row)
        return row;
    beginMoveRows({}, row, row, {}, target > row ? target + 1 : target);
    m_rows.move(row, target);
    endMoveRows();
    return target;
}

int ConversationListModel::insertRow(Row row)
{
    int at = 0;
    while (at < m_rows.size() && before(m_rows.at(at), row))
        ++at;
    beginInsertRows({}, at, at);
    m_rows.insert(at, std::move(row));
    endInsertRows();
    Q_EMIT countChanged();
    return at;
}

void ConversationListModel::load(const QList<Conversation> &conversations)
{
    beginResetModel();
    m_rows.clear();
    for (const Conversation &c : conversations) {
        if (!c.peer)
            continue;
        Row row{c, c.lastMessage ? statusOf(*c.lastMessage) : MessageStatus::None, false,
                c.lastMessage ? timeOf(*c.lastMessage) : c.updatedAt};
        m_rows.append(row);
    }
    std::stable_sort(m_rows.begin(), m_rows.end(), before);
    endResetModel();
    Q_EMIT countChanged();
    updateUnreadTotal();
}

void ConversationListModel::sync(const QList<Conversation> &conversations)
{
    QSet<qint64> seen;
    for (const Conversation &c : conversations) {
        if (!c.peer)
            continue;
        seen.insert(c.peer->id);
        const int at = rowOf(c.peer->id);
        if (at < 0) {
            insertRow({c, c.lastMessage ? statusOf(*c.lastMessage) : MessageStatus::None, false,
                       c.lastMessage ? timeOf(*c.lastMessage) : c.updatedAt});
            continue;
        }
        Row &row = m_rows[at];
        Conversation &mine = row.conversation;
        const qint64 known = mine.lastMessage ? mine.lastMessage->id : 0;
        const bool pendingEcho = mine.lastMessage && known == 0;
        mine.id = c.id;
        mine.peer = c.peer;
        if (!pendingEcho && c.lastMessageId >= known) {
            mine.lastMessage = c.lastMessage;
            mine.lastMessageId = c.lastMessageId;
            mine.unreadCount = c.unreadCount;
            if (c.lastMessage) {
                row.lastStatus = statusOf(*c.lastMessage);
                row.sortTime = timeOf(*c.lastMessage);
            }
        }
        changed(reposition(at));
    }
    for (int i = int(m_rows.size()) - 1; i >= 0; --i) {
        const Conversation &c = m_rows.at(i).conversation;
        const bool localOnly = c.lastMessage && c.lastMessage->id == 0;
        if (!seen.contains(c.peer->id) && !localOnly) {
            beginRemoveRows({}, i, i);
            m_rows.removeAt(i);
            endRemoveRows();
            Q_EMIT countChanged();
        }
    }
    updateUnreadTotal();
}

void ConversationListModel::applyMessage(const Message &message, const User &peer, bool countUnread)
{
    int at = rowOf(peer.id);
    if (at < 0) {
        Conversation c;
        c.id = message.conversationId;
        c.peer = peer;
        at = insertRow({c, MessageStatus::None, false, timeOf(message)});
    }
    Row &row = m_rows[at];
    Conversation &c = row.conversation;
    if (message.conversationId)
        c.id = message.conversationId;
    const bool echoOfThis = c.lastMessage && c.lastMessage->id == 0 && !message.clientId.isEmpty()
            && c.lastMessage->clientId == message.clientId;
    const qint64 known = c.lastMessage && !echoOfThis ? c.lastMessage->id : 0;
    const bool pendingOther = c.lastMessage && c.lastMessage->id == 0 && !echoOfThis;
    if (message.id <= known || pendingOther) {
        // Older than what the row shows (a resumed or paged message), or a newer message of
        // mine is still on its way and stays the preview.
        if (pendingOther && message.id > c.lastMessageId) {
            c.lastMessageId = message.id;
            if (countUnread && message.senderId != m_me) {
                ++c.unreadCount;
                changed(at, {UnreadCountRole});
                updateUnreadTotal();
            }
        }
        return;
    }
    const bool incoming = message.senderId != m_me;
    c.lastMessage = message;
    c.lastMessageId = message.id;
    if (incoming && countUnread)
        ++c.unreadCount;
    if (incoming)
        row.typing = false; // a message ends the typing
    row.lastStatus = statusOf(message);
    row.sortTime = timeOf(message);
    changed(reposition(at));
    updateUnreadTotal();
}

void ConversationListModel::applyLocalEcho(const Message &message, const User &peer)
{
    int at = rowOf(peer.id);
    if (at < 0) {
        Conversation c;
        c.peer = peer;
        at = insertRow({c, MessageStatus::Sending, false, timeOf(message)});
    }
    Row &row = m_rows[at];
    row.conversation.lastMessage = message;
    row.lastStatus = MessageStatus::Sending;
    row.sortTime = timeOf(message);
    changed(reposition(at));
}

void ConversationListModel::setLastMessageStatus(qint64 peerId, const QString &clientId,
                                                 MessageStatus::Status status)
{
    const int at = rowOf(peerId);
    if (at < 0)
        return;
    Row &row = m_rows[at];
    if (!row.conversation.lastMessage || row.conversation.lastMessage->clientId != clientId)
        return;
    row.lastStatus = status;
    changed(at, {LastMessageStatusRole});
}

void ConversationListModel::setUnreadCount(qint64 peerId, qint64 count)
{
    const int at = rowOf(peerId);
    if (at < 0 || m_rows.at(at).conversation.unreadCount == count)
        return;
    m_rows[at].conversation.unreadCount = count;
    changed(at, {UnreadCountRole});
    updateUnreadTotal();
}

void ConversationListModel::markReadByPeer(qint64 peerId, qint64 messageId)
{
    const int at = rowOf(peerId);
    if (at < 0)
        return;
    Row &row = m_rows[at];
    auto &last = row.conversation.lastMessage;
    if (!last || last->senderId != m_me || last->id == 0 || last->id > messageId)
        return;
    if (!last->readAt.isValid())
        last->readAt = QDateTime::currentDateTimeUtc();
    if (row.lastStatus != MessageStatus::Read) {
        row.lastStatus = MessageStatus::Read;
        changed(at, {LastMessageStatusRole});
    }
}

void ConversationListModel::setPresence(qint64 peerId, bool online, const QDateTime &lastSeen)
{
    const int at = rowOf(peerId);
    if (at < 0)
        return;
    User &peer = *m_rows[at].conversation.peer;
    if (peer.isOnline == online && (!lastSeen.isValid() || peer.lastSeen == lastSeen))
        return;
    peer.isOnline = online;
    if (lastSeen.isValid())
        peer.lastSeen = lastSeen;
    if (!online && !peer.lastSeen.isValid())
        peer.lastSeen = QDateTime::currentDateTimeUtc();
    if (!online)
        m_rows[at].typing = false;
    changed(at, {OnlineRole, LastSeenRole, TypingRole});
}

void ConversationListModel::setTyping(qint64 peerId, bool typing)
{
    const int at = rowOf(peerId);
    if (at < 0 || m_rows.at(at).typing == typing)
        return;
    m_rows[at].typing = typing;
    changed(at, {TypingRole});
}

void ConversationListModel::updatePeer(const User &peer)
{
    const int at = rowOf(peer.id);
    if (at < 0)
        return;
    User &mine = *m_rows[at].conversation.peer;
    const bool online = mine.isOnline; // presence comes from user_status frames and syncs
    const QDateTime lastSeen = mine.lastSeen;
    mine = peer;
    mine.isOnline = online;
    mine.lastSeen = lastSeen.isValid() ? lastSeen : peer.lastSeen;
    changed(at);
}

void ConversationListModel::clear()
{
    if (m_rows.isEmpty())
        return;
    beginResetModel();
    m_rows.clear();
    endResetModel();
    Q_EMIT countChanged();
    updateUnreadTotal();
}

} // namespace fastchat::client
