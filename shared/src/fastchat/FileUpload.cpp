// SPDX-License-Identifier: MIT
#include "FileUpload.h"

#include "JsonReader.h"
#include "Time.h"

using namespace Qt::StringLiterals;

namespace fastchat {

namespace {

bool isHexLower(QChar c)
{
    return (c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f');
}

// Names are hints for a download's headers: no control characters, which could split a
// header or a terminal line.
bool hasControlCharacters(const QString &s)
{
    for (QChar c : s)
        if (c.category() == QChar::Other_Control)
            return true;
    return false;
}

} // namespace

bool FileUpload::isValidId(QStringView id)
{
    if (id.isEmpty() || id.size() > maxIdBytes)
        return false;
    for (QChar c : id) {
        const bool ok = (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z')
                || (c >= u'0' && c <= u'9') || c == u'-' || c == u'_';
        if (!ok)
            return false;
    }
    return true;
}

bool FileUpload::isValidSha256(QStringView hex)
{
    return hex.size() == 64 && std::all_of(hex.begin(), hex.end(), isHexLower);
}

QJsonObject FileUpload::toJson() const
{
    return {{u"id"_s, id},
            {u"owner_id"_s, ownerId},
            {u"name"_s, name},
            {u"mime_type"_s, mimeType},
            {u"size"_s, size},
            {u"offset"_s, offset},
            {u"complete"_s, complete},
            {u"sha256"_s, sha256.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(sha256)},
            {u"created_at"_s, timeToJson(createdAt)}};
}

Parsed<FileUpload> FileUpload::fromJson(const QJsonObject &object)
{
    JsonReader r(object);
    FileUpload f;
    f.id = r.requireString(u"id"_s, maxIdBytes);
    f.ownerId = r.requireId(u"owner_id"_s);
    f.name = r.optionalString(u"name"_s, maxNameBytes).value_or(QString());
    f.mimeType = r.optionalString(u"mime_type"_s, maxMimeTypeBytes).value_or(QString());
    f.size = r.optionalCount(u"size"_s).value_or(-1);
    f.offset = r.optionalCount(u"offset"_s).value_or(-1);
    f.complete = r.requireBool(u"complete"_s);
    f.sha256 = r.optionalString(u"sha256"_s, 64).value_or(QString());
    f.createdAt = r.optionalTime(u"created_at"_s);
    if (r.ok() && !isValidId(f.id))
        r.fail(u"id must be letters, digits, - and _"_s);
    if (r.ok() && (f.size < 0 || f.offset < 0 || f.offset > f.size))
        r.fail(u"size and offset must be counts with offset <= size"_s);
    if (r.ok() && !f.sha256.isEmpty() && !isValidSha256(f.sha256))
        r.fail(u"sha256 must be 64 lower-case hex digits"_s);
    if (!r.ok())
        return Parsed<FileUpload>::failure(u"invalid_payload"_s, r.error());
    return f;
}

QJsonObject NewUpload::toJson() const
{
    QJsonObject o{{u"size"_s, size}};
    if (!name.isEmpty())
        o.insert(u"name"_s, name);
    if (!mimeType.isEmpty())
        o.insert(u"mime_type"_s, mimeType);
    if (!sha256.isEmpty())
        o.insert(u"sha256"_s, sha256);
    return o;
}

Parsed<NewUpload> NewUpload::fromJson(const QJsonObject &object)
{
    JsonReader r(object);
    NewUpload u;
    if (!object.contains(u"size"))
        r.fail(u"size is required"_s);
    u.size = r.optionalCount(u"size"_s).value_or(0);
    u.name = r.optionalString(u"name"_s, FileUpload::maxNameBytes).value_or(QString());
    u.mimeType = r.optionalString(u"mime_type"_s, FileUpload::maxMimeTypeBytes).value_or(QString());
    u.sha256 = r.optionalString(u"sha256"_s, 64).value_or(QString()).toLower();
    if (r.ok() && (hasControlCharacters(u.name) || hasControlCharacters(u.mimeType)))
        r.fail(u"name and mime_type must not contain control characters"_s);
    if (r.ok() && !u.sha256.isEmpty() && !FileUpload::isValidSha256(u.sha256))
        r.fail(u"sha256 must be 64 hex digits"_s);
    if (!r.ok())
        return Parsed<NewUpload>::failure(u"invalid_payload"_s, r.error());
    return u;
}

} // namespace fastchat
