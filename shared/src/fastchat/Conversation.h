// SPDX-License-Identifier: MIT
// A 1:1 conversation as one of its two users sees it: unread_count is that user's own.
#pragma once

#include "Message.h"
#include "Parsed.h"
#include "User.h"

#include <QDateTime>
#include <QJsonObject>

#include <optional>

namespace fastchat {

struct Conversation
{
    qint64 id = 0;
    qint64 user1Id = 0; // the smaller user id
    qint64 user2Id = 0;
    qint64 lastMessageId = 0;
    qint64 unreadCount = 0; // messages the reader has not read yet
    std::optional<Message> lastMessage;
    std::optional<User> peer; // the other user (an addition to the seed)
    QDateTime createdAt;
    QDateTime updatedAt;

    QJsonObject toJson() const;
    static Parsed<Conversation> fromJson(const QJsonObject &object);
};

} // namespace fastchat
