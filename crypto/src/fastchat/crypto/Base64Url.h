// SPDX-License-Identifier: MIT
// base64url without padding (RFC 4648 section 5), the encoding of every key, signature,
// header and ciphertext in this library's JSON. Decoding is strict: only the canonical
// encoding of the bytes is accepted (no padding, no stray characters, no non-zero spare bits),
// so one value has exactly one spelling.
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace fastchat::crypto {

QString toBase64Url(QByteArrayView bytes);
std::optional<QByteArray> fromBase64Url(QStringView text);

// Reads fields of an untrusted JSON object; the first problem is kept, as in fastchat's
// JsonReader, so fromJson() reads every field and asks ok() once.
class JsonFields
{
public:
    explicit JsonFields(const QJsonObject &object)
        : m_object(object)
    {}

    // base64url bytes; `size` > 0 requires exactly that many bytes, otherwise at most
    // `maxSize`.
    QByteArray bytes(const QString &key, qsizetype size, qsizetype maxSize = 0);
    std::optional<QByteArray> optionalBytes(const QString &key, qsizetype size);
    // An integer in [0, 2^32).
    quint32 uint32(const QString &key);
    std::optional<quint32> optionalUint32(const QString &key);
    qint64 int64(const QString &key);
    QJsonObject object(const QString &key);
    QString string(const QString &key, qsizetype maxBytes);

    bool ok() const { return m_error.isEmpty(); }
    const QString &error() const { return m_error; }
    void fail(const QString &message);

private:
    const QJsonObject &m_object;
    QString m_error;
};

} // namespace fastchat::crypto
