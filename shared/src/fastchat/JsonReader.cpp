// SPDX-License-Identifier: MIT
#include "JsonReader.h"

#include "Time.h"

using namespace Qt::StringLiterals;

namespace fastchat {

namespace {
constexpr double maxExactInteger
        = 9007199254740991.0; // 2^53 - 1: every id a double can hold exactly
}

void JsonReader::fail(const QString &message)
{
    if (m_error.isEmpty())
        m_error = message;
}

QJsonValue idOrNull(qint64 id)
{
    return id ? QJsonValue(id) : QJsonValue(QJsonValue::Null);
}

bool JsonReader::present(const QString &key) const
{
    const auto it = m_object.constFind(key);
    return it != m_object.constEnd() && !it->isNull() && !it->isUndefined();
}

std::optional<qint64> JsonReader::exactInteger(const QString &key, qint64 minimum,
                                               const QString &what)
{
    if (!present(key))
        return std::nullopt;
    const QJsonValue v = m_object.value(key);
    // toInteger() is exact where the parser kept an integer (2^53 + 1 stays itself, and
    // is refused below); it gives the default for fractions and huge doubles.
    const qint64 i = v.isDouble() ? v.toInteger(minimum - 1) : minimum - 1;
    if (i < minimum || i > qint64(maxExactInteger) || double(i) != v.toDouble()) {
        fail(u"%1 must be %2"_s.arg(key, what));
        return std::nullopt;
    }
    return i;
}

std::optional<qint64> JsonReader::optionalId(const QString &key)
{
    return exactInteger(key, 1, u"a positive integer"_s);
}

qint64 JsonReader::requireId(const QString &key)
{
    if (!present(key)) {
        fail(u"%1 is required"_s.arg(key));
        return 0;
    }
    return optionalId(key).value_or(0);
}

std::optional<qint64> JsonReader::optionalCount(const QString &key)
{
    return exactInteger(key, 0, u"a non-negative integer"_s);
}

std::optional<QString> JsonReader::optionalString(const QString &key, qsizetype maxBytes)
{
    if (!present(key))
        return std::nullopt;
    const QJsonValue v = m_object.value(key);
    if (!v.isString()) {
        fail(u"%1 must be a string"_s.arg(key));
        return std::nullopt;
    }
    QString s = v.toString();
    // JSON can spell an unpaired surrogate ("\ud800"); it has no UTF-8 form, so the
    // database, the frame writer and QJsonDocument would each store or echo it differently.
    if (!s.isValidUtf16()) {
        fail(u"%1 is not valid Unicode"_s.arg(key));
        return std::nullopt;
    }
    // UTF-8 is at most 3 bytes per UTF-16 unit: only measure when it could exceed.
    if (s.size() * 3 > maxBytes && s.toUtf8().size() > maxBytes) {
        fail(u"%1 is longer than %2 bytes"_s.arg(key).arg(maxBytes));
        return std::nullopt;
    }
    return s;
}

QString JsonReader::requireString(const QString &key, qsizetype maxBytes)
{
    if (!present(key)) {
        fail(u"%1 is required"_s.arg(key));
        return {};
    }
    return optionalString(key, maxBytes).value_or(QString());
}

std::optional<bool> JsonReader::optionalBool(const QString &key)
{
    if (!present(key))
        return std::nullopt;
    const QJsonValue v = m_object.value(key);
    if (!v.isBool()) {
        fail(u"%1 must be true or false"_s.arg(key));
        return std::nullopt;
    }
    return v.toBool();
}

bool JsonReader::requireBool(const QString &key)
{
    if (!present(key)) {
        fail(u"%1 is required"_s.arg(key));
        return false;
    }
    return optionalBool(key).value_or(false);
}

QDateTime JsonReader::optionalTime(const QString &key)
{
    if (!present(key))
        return {};
    const QJsonValue v = m_object.value(key);
    const QDateTime t = v.isString() ? parseRfc3339(v.toString()) : QDateTime();
    if (!t.isValid())
        fail(u"%1 must be an RFC 3339 time"_s.arg(key));
    return t;
}

} // namespace fastchat
