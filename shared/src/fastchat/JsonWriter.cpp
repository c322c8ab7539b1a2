// SPDX-License-Identifier: MIT
#include "JsonWriter.h"

#include "Time.h"

namespace fastchat {

void JsonWriter::beginObject()
{
    m_out += '{';
    m_first = true;
}

void JsonWriter::endObject()
{
    m_out += '}';
    m_first = false;
}

void JsonWriter::beginArray()
{
    m_out += '[';
}

void JsonWriter::endArray()
{
    m_out += ']';
    m_first = false;
}

void JsonWriter::comma()
{
    m_out += ',';
}

JsonWriter &JsonWriter::key(const char *key)
{
    if (!m_first)
        m_out += ',';
    m_first = false;
    m_out += '"';
    m_out += key;
    m_out += "\":";
    return *this;
}

void JsonWriter::string(QStringView value)
{
    static const char hex[] = "0123456789abcdef";
    const QByteArray utf8 = value.toUtf8();
    m_out += '"';
    for (const char c : utf8) {
        const auto u = static_cast<unsigned char>(c);
        switch (c) {
        case '"':
            m_out += "\\\"";
            break;
        case '\\':
            m_out += "\\\\";
            break;
        case '\n':
            m_out += "\\n";
            break;
        case '\r':
            m_out += "\\r";
            break;
        case '\t':
            m_out += "\\t";
            break;
        case '\b':
            m_out += "\\b";
            break;
        case '\f':
            m_out += "\\f";
            break;
        default:
            if (u < 0x20) {
                m_out += "\\u00";
                m_out += hex[u >> 4];
                m_out += hex[u & 0xf];
            } else {
                m_out += c; // UTF-8 passes through as it is
            }
        }
    }
    m_out += '"';
}

void JsonWriter::number(qint64 value)
{
    m_out += QByteArray::number(value);
}

void JsonWriter::boolean(bool value)
{
    m_out += value ? "true" : "false";
}

void JsonWriter::null()
{
    m_out += "null";
}

void JsonWriter::time(const QDateTime &value)
{
    if (value.isValid())
        string(toRfc3339(value));
    else
        null();
}

void JsonWriter::stringOrNull(QStringView value)
{
    if (value.isEmpty())
        null();
    else
        string(value);
}

void JsonWriter::idOrNull(qint64 value)
{
    if (value == 0)
        null();
    else
        number(value);
}

} // namespace fastchat
