// SPDX-License-Identifier: MIT
#include "Message.h"

#include "FileUpload.h"
#include "JsonReader.h"
#include "JsonWriter.h"
#include "NewMessage.h"
#include "Time.h"

using namespace Qt::StringLiterals;

namespace fastchat {

QJsonObject Message::toJson() const
{
    QJsonObject o{
            {u"id"_s, id},
            {u"conversation_id"_s, idOrNull(conversationId)},
            {u"sender_id"_s, senderId},
            {u"receiver_id"_s, receiverId},
            {u"content"_s, content},
            {u"type"_s, type},
            {u"timestamp"_s, timeToJson(timestamp)},
            {u"read_at"_s, timeToJson(readAt)},
            {u"created_at"_s, timeToJson(createdAt)},
            {u"updated_at"_s, timeToJson(updatedAt)},
    };
    o.insert(u"client_id"_s,
             clientId.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(clientId));
    o.insert(u"file_id"_s, fileId.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(fileId));
    return o;
}

void Message::writeJson(JsonWriter &w) const
{
    // Keep in step with toJson(): tst_models checks that both give the same object.
    w.beginObject();
    w.key("id").number(id);
    w.key("conversation_id").idOrNull(conversationId);
    w.key("sender_id").number(senderId);
    w.key("receiver_id").number(receiverId);
    w.key("content").string(content);
    w.key("type").string(type);
    w.key("client_id").stringOrNull(clientId);
    w.key("file_id").stringOrNull(fileId);
    w.key("timestamp").time(timestamp);
    w.key("read_at").time(readAt);
    w.key("created_at").time(createdAt);
    w.key("updated_at").time(updatedAt);
    w.endObject();
}

QByteArray Message::toChatMessageFrame() const
{
    JsonWriter w(content.size() + 320);
    w.beginObject();
    w.key("type").string(u"chat_message");
    w.key("payload");
    writeJson(w);
    w.endObject();
    return w.bytes();
}

Parsed<Message> Message::fromJson(const QJsonObject &object)
{
    QString error;
    if (const QString code = NewMessage::checkContent(object, &error); !code.isEmpty())
        return Parsed<Message>::failure(code, error);
    JsonReader r(object);
    Message m;
    m.id = r.requireId(u"id"_s);
    m.conversationId = r.optionalId(u"conversation_id"_s).value_or(0);
    m.senderId = r.requireId(u"sender_id"_s);
    m.receiverId = r.requireId(u"receiver_id"_s);
    m.content = r.requireString(u"content"_s, NewMessage::maxContentBytes);
    m.type = r.optionalString(u"type"_s, NewMessage::maxTypeBytes).value_or(u"text"_s);
    m.clientId = r.optionalString(u"client_id"_s, NewMessage::maxClientIdBytes).value_or(QString());
    m.fileId = r.optionalString(u"file_id"_s, FileUpload::maxIdBytes).value_or(QString());
    if (r.ok() && !m.fileId.isEmpty() && !FileUpload::isValidId(m.fileId))
        r.fail(u"file_id must be letters, digits, - and _"_s);
    m.timestamp = r.optionalTime(u"timestamp"_s);
    m.readAt = r.optionalTime(u"read_at"_s);
    m.createdAt = r.optionalTime(u"created_at"_s);
    m.updatedAt = r.optionalTime(u"updated_at"_s);
    if (!r.ok())
        return Parsed<Message>::failure(u"invalid_payload"_s, r.error());
    if (const QString code = NewMessage::checkTypeAndText(m.type, m.content, &error);
        !code.isEmpty())
        return Parsed<Message>::failure(code, error);
    return m;
}

} // namespace fastchat
