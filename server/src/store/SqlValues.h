// SPDX-License-Identifier: MIT
// Converting between our value types and what QSqlQuery binds and returns. Times are
// kept as milliseconds since the epoch (BIGINT) so that both databases agree exactly.
#pragma once

#include <QDateTime>
#include <QVariant>

namespace fastchat::server::sql {

// NULL for an empty string (a null QString is not NULL to QVariant in Qt 6).
inline QVariant textOrNull(const QString &s)
{
    return s.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(s);
}

inline QVariant timeOrNull(const QDateTime &t)
{
    return t.isValid() ? QVariant(t.toMSecsSinceEpoch()) : QVariant(QMetaType::fromType<qint64>());
}

inline QDateTime toTime(const QVariant &v)
{
    return v.isNull() ? QDateTime() : QDateTime::fromMSecsSinceEpoch(v.toLongLong(), Qt::UTC);
}

inline qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

// "?, ?, ?" for an IN list of n values.
inline QString placeholders(qsizetype n)
{
    QString s;
    s.reserve(n * 3);
    for (qsizetype i = 0; i < n; ++i)
        s += i ? QStringLiteral(", ?") : QStringLiteral("?");
    return s;
}

// One element of a PostgreSQL array literal ('{"a","b"}'), quoted: any text, as UTF-8.
inline QByteArray arrayElement(const QString &s)
{
    const QByteArray utf8 = s.toUtf8();
    QByteArray quoted;
    quoted.reserve(utf8.size() + 2);
    quoted += '"';
    for (char c : utf8) {
        if (c == '"' || c == '\\')
            quoted += '\\';
        quoted += c;
    }
    quoted += '"';
    return quoted;
}

} // namespace fastchat::server::sql
