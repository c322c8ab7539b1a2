// SPDX-License-Identifier: MIT
// Reads fields of an untrusted JSON object with strict types. Every accessor records the
// first problem it meets, so a fromJson() reads all fields and then asks ok() once.
#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <optional>

namespace fastchat {

// The JSON for an optional id: null when 0 (no id), since readers refuse 0 as an id.
QJsonValue idOrNull(qint64 id);

class JsonReader
{
public:
    explicit JsonReader(const QJsonObject &object)
        : m_object(object)
    {}

    // A positive integer that fits a database id (JSON numbers are doubles: at most 2^53).
    qint64 requireId(const QString &key);
    std::optional<qint64> optionalId(const QString &key);
    // A non-negative integer.
    std::optional<qint64> optionalCount(const QString &key);
    QString requireString(const QString &key, qsizetype maxBytes);
    std::optional<QString> optionalString(const QString &key, qsizetype maxBytes);
    bool requireBool(const QString &key);
    std::optional<bool> optionalBool(const QString &key);
    // RFC 3339; null and absent give an invalid QDateTime.
    QDateTime optionalTime(const QString &key);

    bool ok() const { return m_error.isEmpty(); }
    const QString &error() const { return m_error; }
    void fail(const QString &message);

private:
    bool present(const QString &key) const;
    std::optional<qint64> exactInteger(const QString &key, qint64 minimum, const QString &what);

    const QJsonObject &m_object;
    QString m_error;
};

} // namespace fastchat
