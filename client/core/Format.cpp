// SPDX-License-Identifier: MIT
#include "Format.h"

#include <QLocale>
#include <QRegularExpression>

#include <cmath>

using namespace Qt::StringLiterals;

namespace fastchat::client::format {

QString clockTime(const QDateTime &time)
{
    if (!time.isValid())
        return {};
    // Hours and minutes; some locales' short format (the C locale's) has seconds too.
    static const QRegularExpression seconds(u"[:.]ss?"_s);
    QString pattern = QLocale().timeFormat(QLocale::ShortFormat);
    pattern.remove(seconds);
    return QLocale().toString(time.toLocalTime().time(), pattern);
}

QString listTime(const QDateTime &time, const QDateTime &now)
{
    if (!time.isValid())
        return {};
    const QDate day = time.toLocalTime().date();
    const QDate today = now.toLocalTime().date();
    if (day == today)
        return clockTime(time);
    if (day == today.addDays(-1))
        return u"Yesterday"_s;
    if (day > today.addDays(-7) && day < today)
        return QLocale().dayName(day.dayOfWeek(), QLocale::ShortFormat);
    return QLocale().toString(day, QLocale::ShortFormat);
}

QString dayLabel(const QDate &day, const QDate &today)
{
    if (!day.isValid())
        return {};
    if (day == today)
        return u"Today"_s;
    if (day == today.addDays(-1))
        return u"Yesterday"_s;
    const QLocale locale;
    if (day.year() == today.year())
        return locale.toString(day, u"dddd, d MMMM"_s);
    return locale.toString(day, u"d MMMM yyyy"_s);
}

QString presence(bool online, const QDateTime &lastSeen, const QDateTime &now)
{
    if (online)
        return u"online"_s;
    if (!lastSeen.isValid())
        return u"last seen recently"_s;
    const qint64 secs = lastSeen.secsTo(now);
    if (secs < 60)
        return u"last seen just now"_s;
    if (secs < 3600) {
        const qint64 minutes = secs / 60;
        return minutes == 1 ? u"last seen a minute ago"_s
                            : u"last seen %1 minutes ago"_s.arg(minutes);
    }
    const QDate day = lastSeen.toLocalTime().date();
    const QDate today = now.toLocalTime().date();
    if (day == today)
        return u"last seen today at %1"_s.arg(clockTime(lastSeen));
    if (day == today.addDays(-1))
        return u"last seen yesterday at %1"_s.arg(clockTime(lastSeen));
    return u"last seen %1"_s.arg(QLocale().toString(day, QLocale::ShortFormat));
}

QString preview(const QString &content, int max)
{
    QString text = content.simplified();
    if (text.size() > max)
        text = text.left(max - 1) + u'…';
    return text;
}

QString messagePreview(const Message &message, int max)
{
    if (const auto attachment = attachmentOf(message)) {
        const QString text = attachment->isImage() || message.type == u"image"
                ? u"Photo"_s
                : u"File: %1"_s.arg(attachment->name.isEmpty() ? u"unnamed"_s : attachment->name);
        return preview(text, max);
    }
    return preview(message.content, max);
}

QString byteSize(qint64 bytes)
{
    if (bytes == 1)
        return u"1 byte"_s;
    if (bytes < 1000)
        return u"%1 bytes"_s.arg(bytes);
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeSIFormat);
}

std::optional<Attachment> attachmentOf(const Message &message)
{
    if (message.fileId.isEmpty() || (message.type != u"image" && message.type != u"file"))
        return std::nullopt;
    auto parsed = Attachment::fromContent(message.content);
    if (!parsed || parsed.value().fileId != message.fileId)
        return std::nullopt;
    return parsed.value();
}

QString initial(const QString &name)
{
    for (const QChar c : name) {
        if (c.isLetterOrNumber())
            return QString(c.toUpper());
    }
    return u"?"_s;
}

qreal avatarHue(qint64 userId)
{
    const double h = double(userId) * 0.618033988749895; // golden ratio steps
    return h - std::floor(h);
}

} // namespace fastchat::client::format
