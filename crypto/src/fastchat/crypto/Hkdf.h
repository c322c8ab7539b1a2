// SPDX-License-Identifier: MIT
// HKDF with HMAC-SHA256 (RFC 5869), built on Hmac because libsodium 1.0.18 has no HKDF.
// X3DH's KDF, the Double Ratchet's KDF_RK and the per-message key expansion use it.
#pragma once

#include "SecretBytes.h"

#include <QByteArrayView>

namespace fastchat::crypto {

class Hkdf
{
public:
    static constexpr qsizetype maxOutputBytes = 255 * 32;

    // PRK = HMAC-SHA256(salt, IKM); an empty salt means 32 zero bytes.
    static SecretBytes extract(QByteArrayView salt, QByteArrayView ikm);
    // OKM of `length` bytes; empty when length is not in [1, maxOutputBytes] or the PRK is
    // shorter than a hash.
    static SecretBytes expand(QByteArrayView prk, QByteArrayView info, qsizetype length);
    // extract then expand.
    static SecretBytes derive(QByteArrayView salt, QByteArrayView ikm, QByteArrayView info,
                              qsizetype length);
};

} // namespace fastchat::crypto
