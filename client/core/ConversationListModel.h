// SPDX-License-Identifier: MIT
// The conversation list: one row per peer, most recent activity first. Live events
// (a message, a read receipt, presence, typing) change rows in place and move them to the
// top; only the first fill from the cache resets the model. The ChatClient feeds it.
#pragma once

#include "MessageStatus.h"

#include <QAbstractListModel>
#include <QDateTime>
#include <QtQml/qqmlregistration.h>

#include <fastchat/Conversation.h>
#include <fastchat/Message.h>
#include <fastchat/User.h>

#include <optional>

namespace fastchat::client {

class ConversationListModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("the ChatClient owns the conversation list")
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    Q_PROPERTY(int unreadTotal READ unreadTotal NOTIFY unreadTotalChanged)

public:
    // Not meant to be subclassed; every role is read-only.
    enum Role {
        PeerIdRole = Qt::UserRole + 1, // qint64: the other user's id, the key of the row
        ConversationIdRole,            // qint64: the server's conversation id
        PeerNameRole,                  // QString: the other user's username
        AvatarInitialRole,             // QString: one upper-case letter
        AvatarHueRole,                 // qreal 0..1: a stable hue for the avatar, per peer
        LastMessageRole,               // QString: the last message on one line ("" when none)
        LastMessageTimeRole,           // QDateTime: when it was sent
        LastMessageTimeTextRole,       // QString: "14:05", "Yesterday", "Mon", a date
        LastMessageMineRole,           // bool: I sent the last message
        LastMessageStatusRole,         // MessageStatus::Status of the last message when mine
        UnreadCountRole,               // int: messages from the peer I have not read
        OnlineRole,                    // bool: the peer has a connection open
        LastSeenRole, // QDateTime: when the peer was last online (invalid: unknown)
        TypingRole,   // bool: the peer is typing to me now
    };
    Q_ENUM(Role)

    explicit ConversationListModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    int count() const { return int(m_rows.size()); }
    int unreadTotal() const;
    Q_INVOKABLE int rowOf(qint64 peerId) const;
    Q_INVOKABLE qint64 peerIdAt(int row) const;
    bool contains(qint64 peerId) const { return rowOf(peerId) >= 0; }
    // The row as the wire model (for the cache); nullopt when there is none.
    std::optional<Conversation> conversation(qint64 peerId) const;
    std::optional<User> peer(qint64 peerId) const;

    void setMe(qint64 me) { m_me = me; }
    // First fill (from the cache): a reset.
    void load(const QList<Conversation> &conversations);
    // The server's list: rows are updated, inserted, moved and removed, never reset. A row
    // that already knows a newer message keeps it (the list may be older than live events).
    void sync(const QList<Conversation> &conversations);
    // A stored message to or from the peer. countUnread: the user is not looking at it.
    void applyMessage(const Message &message, const User &peer, bool countUnread);
    // A message of mine that is still on its way.
    void applyLocalEcho(const Message &message, const User &peer);
    void setLastMessageStatus(qint64 peerId, const QString &clientId, MessageStatus::Status status);
    void setUnreadCount(qint64 peerId, qint64 count);
    // The peer read my messages up to messageId.
    void markReadByPeer(qint64 peerId, qint64 messageId);
    void setPresence(qint64 peerId, bool online, const QDateTime &lastSeen);
    void setTyping(qint64 peerId, bool typing);
    void updatePeer(const User &peer);
    void clear();

Q_SIGNALS:
    void countChanged();
    void unreadTotalChanged();

private:
    struct Row
    {
        Conversation conversation; // peer and lastMessage are always set for a row
        MessageStatus::Status lastStatus = MessageStatus::None;
        bool typing = false;
        QDateTime sortTime;
    };

    void changed(int row, const QList<int> &roles = {});
    // Moves a row whose sortTime changed to its place; returns the new row.
    int reposition(int row);
    int insertRow(Row row);
    static bool before(const Row &a, const Row &b);
    MessageStatus::Status statusOf(const Message &m) const;

    QList<Row> m_rows;
    qint64 m_me = 0;
    int m_unreadTotal = 0;
    void updateUnreadTotal();
};

} // namespace fastchat::client
