// SPDX-License-Identifier: MIT
#include "TypingStatus.h"

#include "JsonReader.h"
#include "Time.h"

using namespace Qt::StringLiterals;

namespace fastchat {

QJsonObject TypingStatus::toJson() const
{
    QJsonObject o{{u"receiver_id"_s, receiverId}, {u"is_typing"_s, isTyping}};
    if (senderId) {
        o.insert(u"sender_id"_s, senderId);
        o.insert(u"user_id"_s, senderId);
    }
    if (timestamp.isValid())
        o.insert(u"timestamp"_s, toRfc3339(timestamp));
    return o;
}

Parsed<TypingStatus> TypingStatus::fromJson(const QJsonObject &object)
{
    JsonReader r(object);
    TypingStatus t;
    t.receiverId = r.requireId(u"receiver_id"_s);
    t.isTyping = r.requireBool(u"is_typing"_s);
    t.senderId = r.optionalId(u"sender_id"_s).value_or(0);
    t.timestamp = r.optionalTime(u"timestamp"_s);
    if (!r.ok())
        return Parsed<TypingStatus>::failure(u"invalid_payload"_s, r.error());
    return t;
}

} // namespace fastchat
