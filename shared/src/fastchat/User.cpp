// SPDX-License-Identifier: MIT
#include "User.h"

#include "JsonReader.h"
#include "Time.h"

using namespace Qt::StringLiterals;

namespace fastchat {

QJsonObject User::toJson() const
{
    QJsonObject o{
            {u"id"_s, id},
            {u"username"_s, username},
            {u"profile_image"_s, profileImage},
            {u"is_online"_s, isOnline},
            {u"last_seen"_s, timeToJson(lastSeen)},
            {u"created_at"_s, timeToJson(createdAt)},
            {u"updated_at"_s, timeToJson(updatedAt)},
    };
    if (!email.isEmpty())
        o.insert(u"email"_s, email);
    return o;
}

Parsed<User> User::fromJson(const QJsonObject &object)
{
    JsonReader r(object);
    User u;
    u.id = r.requireId(u"id"_s);
    u.username = r.requireString(u"username"_s, 256);
    u.email = r.optionalString(u"email"_s, 512).value_or(QString());
    u.profileImage = r.optionalString(u"profile_image"_s, 4096).value_or(QString());
    u.isOnline = r.optionalBool(u"is_online"_s).value_or(false);
    u.lastSeen = r.optionalTime(u"last_seen"_s);
    u.createdAt = r.optionalTime(u"created_at"_s);
    u.updatedAt = r.optionalTime(u"updated_at"_s);
    if (!r.ok())
        return Parsed<User>::failure(u"invalid_payload"_s, r.error());
    return u;
}

} // namespace fastchat
