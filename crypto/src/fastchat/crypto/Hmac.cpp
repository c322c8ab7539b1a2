// SPDX-License-Identifier: MIT
#include "Hmac.h"

#include "Sodium.h"

#include <sodium.h>

namespace fastchat::crypto {

SecretBytes Hmac::sha256(QByteArrayView key, QByteArrayView data)
{
    ensureSodium();
    crypto_auth_hmacsha256_state state;
    SecretBytes out(sha256Bytes);
    crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char *>(key.data()),
                                size_t(key.size()));
    crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char *>(data.data()),
                                  quint64(data.size()));
    crypto_auth_hmacsha256_final(&state, out.data());
    sodium_memzero(&state, sizeof state);
    return out;
}

} // namespace fastchat::crypto
