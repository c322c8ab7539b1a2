// SPDX-License-Identifier: MIT
#include "Conversation.h"

#include "JsonReader.h"
#include "Time.h"

using namespace Qt::StringLiterals;

namespace fastchat {

QJsonObject Conversation::toJson() const
{
    QJsonObject o{
            {u"id"_s, id},
            {u"user1_id"_s, user1Id},
            {u"user2_id"_s, user2Id},
            {u"last_message_id"_s, idOrNull(lastMessageId)},
            {u"unread_count"_s, unreadCount},
            {u"last_message"_s,
             lastMessage ? QJsonValue(lastMessage->toJson()) : QJsonValue(QJsonValue::Null)},
            {u"created_at"_s, timeToJson(createdAt)},
            {u"updated_at"_s, timeToJson(updatedAt)},
    };
    if (peer) {
        o.insert(u"peer_id"_s, peer->id);
        o.insert(u"peer"_s, peer->toJson());
    }
    return o;
}

Parsed<Conversation> Conversation::fromJson(const QJsonObject &object)
{
    JsonReader r(object);
    Conversation c;
    c.id = r.requireId(u"id"_s);
    c.user1Id = r.requireId(u"user1_id"_s);
    c.user2Id = r.requireId(u"user2_id"_s);
    c.lastMessageId = r.optionalId(u"last_message_id"_s).value_or(0);
    c.unreadCount = r.optionalCount(u"unread_count"_s).value_or(0);
    c.createdAt = r.optionalTime(u"created_at"_s);
    c.updatedAt = r.optionalTime(u"updated_at"_s);
    if (!r.ok())
        return Parsed<Conversation>::failure(u"invalid_payload"_s, r.error());
    const QJsonValue last = object.value(u"last_message");
    if (last.isObject()) {
        auto m = Message::fromJson(last.toObject());
        if (!m)
            return Parsed<Conversation>::failure(m.code(), u"last_message: "_s + m.error());
        c.lastMessage = m.value();
    } else if (!last.isNull() && !last.isUndefined()) {
        return Parsed<Conversation>::failure(u"invalid_payload"_s,
                                             u"last_message must be an object or null"_s);
    }
    const QJsonValue peer = object.value(u"peer");
    if (peer.isObject()) {
        auto u = User::fromJson(peer.toObject());
        if (!u)
            return Parsed<Conversation>::failure(u.code(), u"peer: "_s + u.error());
        c.peer = u.value();
    }
    return c;
}

} // namespace fastchat
