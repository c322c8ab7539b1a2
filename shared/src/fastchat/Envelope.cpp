// SPDX-License-Identifier: MIT
#include "Envelope.h"

#include <QJsonDocument>
#include <QJsonParseError>

using namespace Qt::StringLiterals;

namespace fastchat {

QJsonObject Envelope::toJson() const
{
    return QJsonObject{{u"type"_s, frameTypeName(type)}, {u"payload"_s, payload}};
}

QByteArray Envelope::toFrame() const
{
    return QJsonDocument(toJson()).toJson(QJsonDocument::Compact);
}

Parsed<Envelope> Envelope::fromFrame(const QByteArray &utf8)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(utf8, &error);
    if (error.error != QJsonParseError::NoError)
        return Parsed<Envelope>::failure(
                u"bad_json"_s, u"the frame is not valid JSON: %1"_s.arg(error.errorString()));
    if (!doc.isObject())
        return Parsed<Envelope>::failure(u"bad_json"_s, u"the frame must be a JSON object"_s);
    return fromJson(doc.object());
}

Parsed<Envelope> Envelope::fromJson(const QJsonObject &object)
{
    const QJsonValue type = object.value(u"type");
    if (!type.isString())
        return Parsed<Envelope>::failure(u"invalid_envelope"_s, u"type must be a string"_s);
    const QJsonValue payload = object.value(u"payload");
    if (!payload.isObject() && !payload.isUndefined() && !payload.isNull())
        return Parsed<Envelope>::failure(u"invalid_envelope"_s, u"payload must be an object"_s);
    const auto frameType = frameTypeFromName(type.toString());
    if (!frameType)
        return Parsed<Envelope>::failure(
                u"unknown_type"_s, u"unknown frame type '%1'"_s.arg(type.toString().left(64)));
    return Envelope{*frameType, payload.toObject()};
}

} // namespace fastchat
