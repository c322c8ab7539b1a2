// SPDX-License-Identifier: MIT
// The result of parsing untrusted input: a value, or a machine-readable code and a
// sentence that says what was wrong.
#pragma once

#include <QString>

#include <optional>
#include <utility>

namespace fastchat {

template<typename T>
class Parsed
{
public:
    Parsed(T value)
        : m_value(std::move(value))
    {}
    static Parsed failure(QString code, QString message)
    {
        Parsed p;
        p.m_code = std::move(code);
        p.m_error = std::move(message);
        return p;
    }

    bool ok() const { return m_value.has_value(); }
    explicit operator bool() const { return ok(); }
    const T &value() const { return *m_value; }
    T &value() { return *m_value; }
    const T &operator*() const { return *m_value; }
    const T *operator->() const { return &*m_value; }

    // A stable code such as "invalid_payload"; empty when ok().
    const QString &code() const { return m_code; }
    // A sentence for people, naming the field at fault; empty when ok().
    const QString &error() const { return m_error; }

private:
    Parsed() = default;
    std::optional<T> m_value;
    QString m_code;
    QString m_error;
};

} // namespace fastchat
