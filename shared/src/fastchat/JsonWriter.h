// SPDX-License-Identifier: MIT
// Writes compact JSON straight into UTF-8 bytes, for the frames sent for every message
// (chat_message, ack) and for pages of history: building a QJsonObject and serializing it
// cost more than the rest of the server's work per message. Everything else uses
// QJsonObject.
#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QStringView>

namespace fastchat {

class JsonWriter
{
public:
    explicit JsonWriter(qsizetype reserve = 256) { m_out.reserve(reserve); }

    void beginObject();
    void endObject();
    // Elements of an array are separated by comma() (not before the first).
    void beginArray();
    void endArray();
    void comma();
    // `key` is a plain ASCII name that needs no escaping.
    JsonWriter &key(const char *key);
    void string(QStringView value);
    void number(qint64 value);
    void boolean(bool value);
    void null();
    // An RFC 3339 time, or null when invalid.
    void time(const QDateTime &value);
    // A string, or null when empty.
    void stringOrNull(QStringView value);
    // An id, or null when 0 (no id): readers refuse 0 as an id.
    void idOrNull(qint64 value);

    const QByteArray &bytes() const { return m_out; }

private:
    QByteArray m_out;
    bool m_first = true;
};

} // namespace fastchat
