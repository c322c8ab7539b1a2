// SPDX-License-Identifier: MIT
// "Someone is typing to you". A client sends {receiver_id, is_typing}; the server adds
// sender_id (and the seed's user_id, the same id) and passes it to the receiver only.
// Never stored.
#pragma once

#include "Parsed.h"

#include <QDateTime>
#include <QJsonObject>

namespace fastchat {

struct TypingStatus
{
    qint64 senderId = 0; // 0 in a client's frame: the server knows who is asking
    qint64 receiverId = 0;
    bool isTyping = false;
    QDateTime timestamp;

    QJsonObject toJson() const;
    static Parsed<TypingStatus> fromJson(const QJsonObject &object);
};

} // namespace fastchat
