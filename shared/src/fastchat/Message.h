// SPDX-License-Identifier: MIT
// A stored chat message as the server sends it (REST answers and chat_message frames).
#pragma once

#include "Parsed.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>

namespace fastchat {

class JsonWriter;

struct Message
{
    qint64 id = 0;
    qint64 conversationId = 0;
    qint64 senderId = 0;
    qint64 receiverId = 0;
    QString content;
    QString type = QStringLiteral("text");
    QString clientId;    // the sender's own id for deduplication; empty when none was given
    QString fileId;      // the uploaded file of an image or file message; empty when none
    QDateTime timestamp; // when the server stored it (seed field; equals created_at)
    QDateTime readAt;    // invalid until the receiver reads it
    QDateTime createdAt;
    QDateTime updatedAt;

    QJsonObject toJson() const;
    static Parsed<Message> fromJson(const QJsonObject &object);
    // The same fields as toJson(), written directly; used for every chat_message frame.
    void writeJson(JsonWriter &writer) const;
    // {"type":"chat_message","payload":{...}} as UTF-8, ready to send.
    QByteArray toChatMessageFrame() const;
};

} // namespace fastchat
