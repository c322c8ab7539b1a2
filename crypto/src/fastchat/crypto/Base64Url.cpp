// SPDX-License-Identifier: MIT
#include "Base64Url.h"

#include <QJsonValue>

#include <cmath>

using namespace Qt::StringLiterals;

namespace fastchat::crypto {

QString toBase64Url(QByteArrayView bytes)
{
    return QString::fromLatin1(bytes.toByteArray().toBase64(QByteArray::Base64UrlEncoding
                                                            | QByteArray::OmitTrailingEquals));
}

std::optional<QByteArray> fromBase64Url(QStringView text)
{
    for (QChar c : text) {
        const char16_t u = c.unicode();
        const bool allowed = (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z')
                || (u >= '0' && u <= '9') || u == '-' || u == '_';
        if (!allowed)
            return std::nullopt;
    }
    const QByteArray latin1 = text.toLatin1();
    auto decoded = QByteArray::fromBase64Encoding(
            latin1, QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return std::nullopt;
    // Canonical only: re-encoding must give the same text (rejects non-zero spare bits and
    // impossible lengths).
    if (decoded.decoded.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals)
        != latin1)
        return std::nullopt;
    return decoded.decoded;
}

void JsonFields::fail(const QString &message)
{
    if (m_error.isEmpty())
        m_error = message;
}

QByteArray JsonFields::bytes(const QString &key, qsizetype size, qsizetype maxSize)
{
    const QJsonValue v = m_object.value(key);
    if (!v.isString()) {
        fail(u"%1 must be a base64url string"_s.arg(key));
        return {};
    }
    const auto decoded = fromBase64Url(v.toString());
    if (!decoded) {
        fail(u"%1 is not canonical unpadded base64url"_s.arg(key));
        return {};
    }
    if (size > 0 && decoded->size() != size) {
        fail(u"%1 must be %2 bytes"_s.arg(key).arg(size));
        return {};
    }
    if (maxSize > 0 && decoded->size() > maxSize) {
        fail(u"%1 is longer than %2 bytes"_s.arg(key).arg(maxSize));
        return {};
    }
    return *decoded;
}

std::optional<QByteArray> JsonFields::optionalBytes(const QString &key, qsizetype size)
{
    const QJsonValue v = m_object.value(key);
    if (v.isUndefined() || v.isNull())
        return std::nullopt;
    return bytes(key, size);
}

quint32 JsonFields::uint32(const QString &key)
{
    const QJsonValue v = m_object.value(key);
    const double d = v.toDouble(-1);
    if (!v.isDouble() || d < 0 || d > 4294967295.0 || std::floor(d) != d) {
        fail(u"%1 must be an integer from 0 to 4294967295"_s.arg(key));
        return 0;
    }
    return quint32(d);
}

std::optional<quint32> JsonFields::optionalUint32(const QString &key)
{
    const QJsonValue v = m_object.value(key);
    if (v.isUndefined() || v.isNull())
        return std::nullopt;
    return uint32(key);
}

qint64 JsonFields::int64(const QString &key)
{
    const QJsonValue v = m_object.value(key);
    const double d = v.toDouble(-1);
    if (!v.isDouble() || d < 0 || d > 9007199254740992.0 || std::floor(d) != d) {
        fail(u"%1 must be a non-negative integer"_s.arg(key));
        return 0;
    }
    return qint64(d);
}

QJsonObject JsonFields::object(const QString &key)
{
    const QJsonValue v = m_object.value(key);
    if (!v.isObject()) {
        fail(u"%1 must be an object"_s.arg(key));
        return {};
    }
    return v.toObject();
}

QString JsonFields::string(const QString &key, qsizetype maxBytes)
{
    const QJsonValue v = m_object.value(key);
    if (!v.isString()) {
        fail(u"%1 must be a string"_s.arg(key));
        return {};
    }
    const QString s = v.toString();
    if (s.toUtf8().size() > maxBytes) {
        fail(u"%1 is longer than %2 bytes"_s.arg(key).arg(maxBytes));
        return {};
    }
    return s;
}

} // namespace fastchat::crypto
