// SPDX-License-Identifier: MIT
#include "Result.h"

using namespace Qt::StringLiterals;

namespace fastchat::crypto {

QString errorName(Error error)
{
    switch (error) {
    case Error::None:
        return u"none"_s;
    case Error::InvalidInput:
        return u"invalid_input"_s;
    case Error::UnsupportedVersion:
        return u"unsupported_version"_s;
    case Error::BadSignature:
        return u"bad_signature"_s;
    case Error::InvalidKey:
        return u"invalid_key"_s;
    case Error::MissingPreKey:
        return u"missing_prekey"_s;
    case Error::NoSendingChain:
        return u"no_sending_chain"_s;
    case Error::DecryptFailed:
        return u"decrypt_failed"_s;
    case Error::Replay:
        return u"replay"_s;
    case Error::TooManySkipped:
        return u"too_many_skipped"_s;
    case Error::Truncated:
        return u"truncated"_s;
    case Error::Io:
        return u"io"_s;
    case Error::NewSession:
        return u"new_session"_s;
    }
    return u"unknown"_s;
}

} // namespace fastchat::crypto
