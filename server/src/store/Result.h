// SPDX-License-Identifier: MIT
// What a store operation gives back: a value, or an error with a kind the HTTP and
// WebSocket layers map to a status or an error code, and a sentence for people.
#pragma once

#include <QString>

#include <utility>
#include <variant>

namespace fastchat::server {

struct StoreError
{
    enum Kind {
        NotFound,    // 404 / not_found
        Conflict,    // 409
        Forbidden,   // 403 / forbidden
        Invalid,     // 400 / invalid_payload
        Unavailable, // 503 / unavailable: the database did not answer; retry
        Internal,    // 500 / internal
    };
    Kind kind = Internal;
    QString message;
};

struct Done
{};

template<typename T>
class Result
{
public:
    Result(T value)
        : m_data(std::move(value))
    {}
    Result(StoreError error)
        : m_data(std::move(error))
    {}

    bool ok() const { return std::holds_alternative<T>(m_data); }
    explicit operator bool() const { return ok(); }
    const T &value() const { return std::get<T>(m_data); }
    T &value() { return std::get<T>(m_data); }
    const T *operator->() const { return &value(); }
    const StoreError &error() const { return std::get<StoreError>(m_data); }

private:
    std::variant<T, StoreError> m_data;
};

inline StoreError notFound(QString message)
{
    return {StoreError::NotFound, std::move(message)};
}
inline StoreError conflict(QString message)
{
    return {StoreError::Conflict, std::move(message)};
}
inline StoreError forbidden(QString message)
{
    return {StoreError::Forbidden, std::move(message)};
}
inline StoreError invalid(QString message)
{
    return {StoreError::Invalid, std::move(message)};
}

} // namespace fastchat::server
