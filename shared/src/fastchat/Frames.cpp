// SPDX-License-Identifier: MIT
#include "Frames.h"

#include "JsonReader.h"
#include "JsonWriter.h"
#include "NewMessage.h"
#include "Time.h"

using namespace Qt::StringLiterals;

namespace fastchat {

namespace {
QJsonValue stringOrNull(const QString &s)
{
    return s.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(s);
}
template<typename T>
Parsed<T> finish(const JsonReader &r, T value)
{
    if (!r.ok())
        return Parsed<T>::failure(u"invalid_payload"_s, r.error());
    return value;
}
} // namespace

QJsonObject Ack::toJson() const
{
    return {{u"client_id"_s, stringOrNull(clientId)},
            {u"id"_s, id},
            {u"conversation_id"_s, idOrNull(conversationId)},
            {u"timestamp"_s, timeToJson(timestamp)}};
}

QByteArray Ack::toFrame() const
{
    // Keep in step with toJson(): tst_models checks that both give the same object.
    JsonWriter w(160);
    w.beginObject();
    w.key("type").string(u"ack");
    w.key("payload").beginObject();
    w.key("client_id").stringOrNull(clientId);
    w.key("id").number(id);
    w.key("conversation_id").idOrNull(conversationId);
    w.key("timestamp").time(timestamp);
    w.endObject();
    w.endObject();
    return w.bytes();
}

Parsed<Ack> Ack::fromJson(const QJsonObject &object)
{
    JsonReader r(object);
    Ack a;
    a.clientId = r.optionalString(u"client_id"_s, NewMessage::maxClientIdBytes).value_or(QString());
    a.id = r.requireId(u"id"_s);
    a.conversationId = r.optionalId(u"conversation_id"_s).value_or(0);
    a.timestamp = r.optionalTime(u"timestamp"_s);
    return finish(r, a);
}

QJsonObject ErrorFrame::toJson() const
{
    QJsonObject o{{u"code"_s, code}, {u"message"_s, message}};
    if (!clientId.isEmpty())
        o.insert(u"client_id"_s, clientId);
    return o;
}

Parsed<ErrorFrame> ErrorFrame::fromJson(const QJsonObject &object)
{
    JsonReader r(object);
    ErrorFrame e;
    e.code = r.requireString(u"code"_s, 64);
    e.message = r.optionalString(u"message"_s, 4096).value_or(QString());
    e.clientId = r.optionalString(u"client_id"_s, NewMessage::maxClientIdBytes).value_or(QString());
    return finish(r, e);
}

QJsonObject ReadRequest::toJson() const
{
    return {{u"peer_id"_s, peerId}, {u"message_id"_s, messageId}};
}

Parsed<ReadRequest> ReadRequest::fromJson(const QJsonObject &object)
{
    JsonReader r(object);
    ReadRequest q;
    q.peerId = r.requireId(u"peer_id"_s);
    q.messageId = r.requireId(u"message_id"_s);
    return finish(r, q);
}

QJsonObject ReadReceipt::toJson() const
{
    return {{u"conversation_id"_s, conversationId},
            {u"reader_id"_s, readerId},
            {u"peer_id"_s, peerId},
            {u"message_id"_s, messageId},
            {u"unread_count"_s, unreadCount},
            {u"read_at"_s, timeToJson(readAt)}};
}

Parsed<ReadReceipt> ReadReceipt::fromJson(const QJsonObject &object)
{
    JsonReader r(object);
    ReadReceipt q;
    q.conversationId = r.requireId(u"conversation_id"_s);
    q.readerId = r.requireId(u"reader_id"_s);
    q.peerId = r.requireId(u"peer_id"_s);
    q.messageId = r.requireId(u"message_id"_s);
    q.unreadCount = r.optionalCount(u"unread_count"_s).value_or(0);
    q.readAt = r.optionalTime(u"read_at"_s);
    return finish(r, q);
}

QJsonObject UserStatus::toJson() const
{
    return {{u"user_id"_s, userId},
            {u"is_online"_s, isOnline},
            {u"last_seen"_s, timeToJson(lastSeen)}};
}

Parsed<UserStatus> UserStatus::fromJson(const QJsonObject &object)
{
    JsonReader r(object);
    UserStatus s;
    s.userId = r.requireId(u"user_id"_s);
    s.isOnline = r.requireBool(u"is_online"_s);
    s.lastSeen = r.optionalTime(u"last_seen"_s);
    return finish(r, s);
}

QJsonObject ResumeRequest::toJson() const
{
    return {{u"last_message_id"_s, lastMessageId}};
}

Parsed<ResumeRequest> ResumeRequest::fromJson(const QJsonObject &object)
{
    JsonReader r(object);
    ResumeRequest q;
    q.lastMessageId = r.optionalCount(u"last_message_id"_s).value_or(0);
    return finish(r, q);
}

QJsonObject ResumeDone::toJson() const
{
    return {{u"last_message_id"_s, lastMessageId}, {u"count"_s, count}};
}

Parsed<ResumeDone> ResumeDone::fromJson(const QJsonObject &object)
{
    JsonReader r(object);
    ResumeDone d;
    d.lastMessageId = r.optionalCount(u"last_message_id"_s).value_or(0);
    d.count = r.optionalCount(u"count"_s).value_or(0);
    return finish(r, d);
}

} // namespace fastchat
