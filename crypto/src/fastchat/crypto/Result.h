// SPDX-License-Identifier: MIT
// What a cryptographic operation gives back: a value, or an error code and a sentence for
// people. Same shape as fastchat::Parsed (ok(), value(), code(), error()), plus the code as
// an enum so that callers can react (a replay is not a forgery) without string compares.
#pragma once

#include <QString>

#include <optional>
#include <utility>

namespace fastchat::crypto {

enum class Error {
    None,
    InvalidInput,       // malformed JSON, wrong key length, bad base64, unknown field value
    UnsupportedVersion, // a format version this build does not know
    BadSignature,       // a signed prekey whose signature does not verify
    InvalidKey,         // a public key that gives an all-zero Diffie-Hellman output
    MissingPreKey,      // the initial message names a prekey we do not have (any more)
    NoSendingChain,     // the responder tries to send before it received anything
    DecryptFailed,      // authentication failed: tampered, wrong key, or not for us
    Replay,             // a message that was already decrypted (or is too old to tell)
    TooManySkipped,     // a header that would make us skip more than MAX_SKIP keys
    Truncated,          // an attachment stream that ends before its final tag
    Io,                 // reading or writing a QIODevice failed
    NewSession,         // a prekey message that starts another session: SessionCipher::accept it
};

// A stable lower-case name for logs and the UI: "decrypt_failed", "replay", ...
QString errorName(Error error);

template<typename T>
class Result
{
public:
    Result(T value)
        : m_value(std::move(value))
    {}
    static Result failure(Error error, QString message)
    {
        Result r;
        r.m_error = error;
        r.m_message = std::move(message);
        return r;
    }
    template<typename U>
    static Result failure(const Result<U> &other)
    {
        return failure(other.errorCode(), other.error());
    }

    bool ok() const { return m_value.has_value(); }
    explicit operator bool() const { return ok(); }
    const T &value() const { return *m_value; }
    T &value() { return *m_value; }
    T takeValue() { return std::move(*m_value); }
    const T &operator*() const { return *m_value; }
    T &operator*() { return *m_value; }
    const T *operator->() const { return &*m_value; }
    T *operator->() { return &*m_value; }

    Error errorCode() const { return m_error; }
    // errorName(errorCode()); empty when ok().
    QString code() const { return ok() ? QString() : errorName(m_error); }
    // A sentence for people; empty when ok().
    const QString &error() const { return m_message; }

private:
    Result() = default;
    std::optional<T> m_value;
    Error m_error = Error::None;
    QString m_message;
};

// For operations with nothing to return.
struct Done
{};

} // namespace fastchat::crypto
