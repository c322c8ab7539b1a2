// SPDX-License-Identifier: MIT
// HMAC-SHA256 (RFC 2104) on libsodium's crypto_auth_hmacsha256_* with a key of any length
// (keys over 64 bytes are hashed first, as HMAC specifies). The Double Ratchet's KDF_CK and
// HKDF are built on it.
#pragma once

#include "SecretBytes.h"

#include <QByteArrayView>

namespace fastchat::crypto {

class Hmac
{
public:
    static constexpr qsizetype sha256Bytes = 32;

    static SecretBytes sha256(QByteArrayView key, QByteArrayView data);
};

} // namespace fastchat::crypto
