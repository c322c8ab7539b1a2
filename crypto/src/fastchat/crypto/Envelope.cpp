// SPDX-License-Identifier: MIT
#include "Envelope.h"

#include "Base64Url.h"

#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace fastchat::crypto {

namespace {

std::optional<QJsonObject> parseObject(const QString &content)
{
    if (!content.startsWith(u'{') || content.size() > Envelope::maxContentBytes)
        return std::nullopt;
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(content.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    return doc.object();
}

} // namespace

QJsonObject Envelope::toJson() const
{
    QJsonObject o{{u"e2ee"_s, version},
                  {u"header"_s, toBase64Url(header.encode())},
                  {u"ciphertext"_s, toBase64Url(ciphertext)}};
    if (x3dh)
        o.insert(u"x3dh"_s, x3dh->toJson());
    return o;
}

Result<Envelope> Envelope::fromJson(const QJsonObject &object)
{
    using R = Result<Envelope>;
    const QJsonValue v = object.value(u"e2ee"_s);
    if (!v.isDouble())
        return R::failure(Error::InvalidInput, u"e2ee must be the envelope version"_s);
    if (v.toDouble() != version)
        return R::failure(
                Error::UnsupportedVersion,
                u"Envelope version %1 is not supported (this client reads %2)"_s.arg(v.toDouble())
                        .arg(version));
    JsonFields f(object);
    Envelope e;
    const QByteArray header = f.bytes(u"header"_s, RatchetHeader::encodedBytes);
    e.ciphertext = f.bytes(u"ciphertext"_s, 0, maxContentBytes);
    if (!f.ok())
        return R::failure(Error::InvalidInput, f.error());
    if (e.ciphertext.size() < 16)
        return R::failure(Error::InvalidInput, u"ciphertext is shorter than its tag"_s);
    auto h = RatchetHeader::decode(header);
    if (!h)
        return R::failure(h);
    e.header = h.takeValue();
    const QJsonValue x3dh = object.value(u"x3dh"_s);
    if (x3dh.isObject()) {
        auto initial = InitialMessageHeader::fromJson(x3dh.toObject());
        if (!initial)
            return R::failure(initial);
        e.x3dh = initial.takeValue();
    } else if (!x3dh.isUndefined() && !x3dh.isNull()) {
        return R::failure(Error::InvalidInput, u"x3dh must be an object"_s);
    }
    return e;
}

QString Envelope::toContent() const
{
    return QString::fromUtf8(QJsonDocument(toJson()).toJson(QJsonDocument::Compact));
}

Result<Envelope> Envelope::fromContent(const QString &content)
{
    const auto object = parseObject(content);
    if (!object)
        return Result<Envelope>::failure(Error::InvalidInput,
                                         u"The message is not an encrypted envelope"_s);
    return fromJson(*object);
}

bool Envelope::isEncrypted(const QString &content)
{
    const auto object = parseObject(content);
    return object && object->contains(u"e2ee"_s);
}

} // namespace fastchat::crypto
