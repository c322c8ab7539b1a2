// SPDX-License-Identifier: MIT
// X25519 Diffie-Hellman (libsodium crypto_scalarmult_curve25519): the key pairs of signed
// and one-time prekeys, X3DH ephemeral keys and Double Ratchet keys, and DH itself.
#pragma once

#include "Result.h"
#include "SecretBytes.h"

#include <QByteArray>

namespace fastchat::crypto {

struct DhKeyPair
{
    static constexpr qsizetype keyBytes = 32;

    QByteArray publicKey;  // 32 bytes
    SecretBytes secretKey; // 32 bytes

    static DhKeyPair generate();
    // The pair of a stored secret key; fails on a wrong length.
    static Result<DhKeyPair> fromSecretKey(const SecretBytes &secretKey);
    bool isNull() const { return publicKey.isEmpty(); }
};

// DH(secret, public) = X25519 shared secret. Fails (InvalidKey) on a wrong length or a
// low-order public key (libsodium refuses an all-zero result).
Result<SecretBytes> dh(const SecretBytes &secretKey, QByteArrayView publicKey);

// Signal's Encode(PK) for an X25519 public key: the byte 0x05 then the 32-byte
// u-coordinate. Signed prekey signatures cover this encoding.
QByteArray encodeDhPublicKey(QByteArrayView publicKey);

} // namespace fastchat::crypto
