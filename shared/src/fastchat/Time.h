// SPDX-License-Identifier: MIT
// Times on the wire: RFC 3339 in UTC with milliseconds ("2026-11-25T14:50:26.123Z").
#pragma once

#include <QDateTime>
#include <QJsonValue>
#include <QString>

namespace fastchat {

QString toRfc3339(const QDateTime &time);
// An invalid time becomes JSON null (for example read_at before the message is read).
QJsonValue timeToJson(const QDateTime &time);
QDateTime parseRfc3339(const QString &text);
// Milliseconds since the epoch: how the store keeps times in both databases.
QDateTime fromEpochMs(qint64 ms);

} // namespace fastchat
