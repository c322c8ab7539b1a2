// SPDX-License-Identifier: MIT
#include "NewMessage.h"

#include "FileUpload.h"
#include "JsonReader.h"

#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace fastchat {

QJsonObject NewMessage::toJson() const
{
    QJsonObject o{{u"receiver_id"_s, receiverId}, {u"content"_s, content}, {u"type"_s, type}};
    if (!clientId.isEmpty())
        o.insert(u"client_id"_s, clientId);
    if (!fileId.isEmpty())
        o.insert(u"file_id"_s, fileId);
    return o;
}

QString NewMessage::checkContent(const QJsonObject &object, QString *error)
{
    // The content limit gets its own code so that a client can tell "too long" apart.
    const QJsonValue content = object.value(u"content");
    if (content.isString() && content.toString().size() * 3 > maxContentBytes
        && content.toString().toUtf8().size() > maxContentBytes) {
        *error = u"content is longer than %1 bytes"_s.arg(maxContentBytes);
        return u"too_large"_s;
    }
    return {};
}

QString NewMessage::checkTypeAndText(const QString &type, const QString &content, QString *error)
{
    static const QRegularExpression typePattern(u"^[a-z][a-z0-9_]*$"_s);
    if (!typePattern.match(type).hasMatch())
        *error = u"type must be lower-case letters, digits and _ (text, image, file, ...)"_s;
    else if (type == u"text" && content.trimmed().isEmpty())
        *error = u"content must not be empty"_s;
    else
        return {};
    return u"invalid_payload"_s;
}

Parsed<NewMessage> NewMessage::fromJson(const QJsonObject &object)
{
    QString error;
    if (const QString code = checkContent(object, &error); !code.isEmpty())
        return Parsed<NewMessage>::failure(code, error);

    JsonReader r(object);
    NewMessage m;
    m.receiverId = r.requireId(u"receiver_id"_s);
    m.content = r.requireString(u"content"_s, maxContentBytes);
    m.type = r.optionalString(u"type"_s, maxTypeBytes).value_or(u"text"_s);
    m.clientId = r.optionalString(u"client_id"_s, maxClientIdBytes).value_or(QString());
    m.fileId = r.optionalString(u"file_id"_s, FileUpload::maxIdBytes).value_or(QString());
    // PostgreSQL's text cannot hold NUL (and C APIs would cut the string there): refused
    // on every database alike rather than stored on one and cut or lost on another.
    if (r.ok() && (m.content.contains(QChar(0)) || m.clientId.contains(QChar(0))))
        r.fail(u"content and client_id must not contain the NUL character"_s);
    if (r.ok() && !m.fileId.isEmpty() && !FileUpload::isValidId(m.fileId))
        r.fail(u"file_id must be letters, digits, - and _"_s);
    if (r.ok() && !m.fileId.isEmpty() && m.type != u"image" && m.type != u"file")
        r.fail(u"a message with a file_id must have type image or file"_s);
    if (!r.ok())
        return Parsed<NewMessage>::failure(u"invalid_payload"_s, r.error());
    if (const QString code = checkTypeAndText(m.type, m.content, &error); !code.isEmpty())
        return Parsed<NewMessage>::failure(code, error);
    return m;
}

} // namespace fastchat
