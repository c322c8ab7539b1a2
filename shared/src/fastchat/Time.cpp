// SPDX-License-Identifier: MIT
#include "Time.h"

namespace fastchat {

QString toRfc3339(const QDateTime &time)
{
    return time.toUTC().toString(Qt::ISODateWithMs);
}

QJsonValue timeToJson(const QDateTime &time)
{
    return time.isValid() ? QJsonValue(toRfc3339(time)) : QJsonValue(QJsonValue::Null);
}

QDateTime parseRfc3339(const QString &text)
{
    QDateTime t = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!t.isValid())
        t = QDateTime::fromString(text, Qt::ISODate);
    // RFC 3339 requires an offset; a local time without one is ambiguous.
    if (!t.isValid() || t.timeSpec() == Qt::LocalTime)
        return {};
    return t.toUTC();
}

QDateTime fromEpochMs(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
}

} // namespace fastchat
