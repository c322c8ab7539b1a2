// SPDX-License-Identifier: MIT
#include "SafetyNumber.h"

#include "Sodium.h"

#include <sodium.h>

namespace fastchat::crypto {

QString SafetyNumber::fingerprint(QByteArrayView identityKey, QByteArrayView stableId)
{
    ensureSodium();
    const auto *key = reinterpret_cast<const unsigned char *>(identityKey.data());
    unsigned char hash[crypto_hash_sha512_BYTES];
    crypto_hash_sha512_state state;

    // Iteration 1 hashes version || key || id || key; each later one hash || key.
    const unsigned char versionBytes[2] = {quint8(version >> 8), quint8(version & 0xFF)};
    crypto_hash_sha512_init(&state);
    crypto_hash_sha512_update(&state, versionBytes, 2);
    crypto_hash_sha512_update(&state, key, quint64(identityKey.size()));
    crypto_hash_sha512_update(&state, reinterpret_cast<const unsigned char *>(stableId.data()),
                              quint64(stableId.size()));
    crypto_hash_sha512_update(&state, key, quint64(identityKey.size()));
    crypto_hash_sha512_final(&state, hash);
    for (int i = 1; i < iterations; ++i) {
        crypto_hash_sha512_init(&state);
        crypto_hash_sha512_update(&state, hash, sizeof hash);
        crypto_hash_sha512_update(&state, key, quint64(identityKey.size()));
        crypto_hash_sha512_final(&state, hash);
    }

    QString digits;
    digits.reserve(30);
    for (int chunk = 0; chunk < 6; ++chunk) {
        quint64 value = 0;
        for (int b = 0; b < 5; ++b)
            value = (value << 8) | hash[chunk * 5 + b];
        digits += QString::number(value % 100000).rightJustified(5, u'0');
    }
    return digits;
}

QString SafetyNumber::compute(QByteArrayView localIdentityKey, QByteArrayView localStableId,
                              QByteArrayView remoteIdentityKey, QByteArrayView remoteStableId)
{
    const QString local = fingerprint(localIdentityKey, localStableId);
    const QString remote = fingerprint(remoteIdentityKey, remoteStableId);
    return local <= remote ? local + remote : remote + local;
}

QString SafetyNumber::format(const QString &digits)
{
    QString out;
    for (qsizetype i = 0; i < digits.size(); i += 5) {
        if (i)
            out += u' ';
        out += digits.mid(i, 5);
    }
    return out;
}

} // namespace fastchat::crypto
