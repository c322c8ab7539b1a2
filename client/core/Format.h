// SPDX-License-Identifier: MIT
// Human texts for times and presence, in the user's locale, computed in C++ so that the
// views only show them (and tests can check them). `now` is a parameter for the tests.
#pragma once

#include <QDateTime>
#include <QString>

#include <fastchat/Attachment.h>
#include <fastchat/Message.h>

#include <optional>

namespace fastchat::client::format {

// A conversation list stamp: "14:05" today, "Yesterday", a weekday within a week, else a date.
QString listTime(const QDateTime &time, const QDateTime &now = QDateTime::currentDateTime());
// A bubble's time: "14:05".
QString clockTime(const QDateTime &time);
// A day separator: "Today", "Yesterday", "Monday, 3 March" (the year when not this year).
QString dayLabel(const QDate &day, const QDate &today = QDate::currentDate());
// The chat header: "online", "last seen today at 14:05", "last seen recently", ...
QString presence(bool online, const QDateTime &lastSeen,
                 const QDateTime &now = QDateTime::currentDateTime());
// One line of a message for a preview: whitespace runs become one space, cut at `max`.
QString preview(const QString &content, int max = 120);
// A message's preview: an attachment's name ("Photo", "File: report.pdf") instead of its
// JSON; anything else as preview(content).
QString messagePreview(const Message &message, int max = 120);
// A size for people: "0 bytes", "1 byte", "5.2 MB".
QString byteSize(qint64 bytes);
// The attachment a message carries: type image or file, a file_id, and content that reads
// as an Attachment for that file (seed messages with a URL as content are not attachments).
std::optional<Attachment> attachmentOf(const Message &message);

// The letter an avatar shows.
QString initial(const QString &name);
// A stable hue (0..1) for a user's avatar; neighbouring ids get distant hues.
qreal avatarHue(qint64 userId);

} // namespace fastchat::client::format
