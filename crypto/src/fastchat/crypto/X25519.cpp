// SPDX-License-Identifier: MIT
#include "X25519.h"

#include "Sodium.h"

#include <sodium.h>

using namespace Qt::StringLiterals;

namespace fastchat::crypto {

DhKeyPair DhKeyPair::generate()
{
    ensureSodium();
    DhKeyPair pair;
    pair.secretKey = SecretBytes::random(keyBytes);
    pair.publicKey.resize(keyBytes);
    crypto_scalarmult_curve25519_base(reinterpret_cast<unsigned char *>(pair.publicKey.data()),
                                      pair.secretKey.data());
    return pair;
}

Result<DhKeyPair> DhKeyPair::fromSecretKey(const SecretBytes &secretKey)
{
    ensureSodium();
    if (secretKey.size() != keyBytes)
        return Result<DhKeyPair>::failure(Error::InvalidInput,
                                          u"An X25519 secret key must be 32 bytes"_s);
    DhKeyPair pair;
    pair.secretKey = secretKey;
    pair.publicKey.resize(keyBytes);
    crypto_scalarmult_curve25519_base(reinterpret_cast<unsigned char *>(pair.publicKey.data()),
                                      pair.secretKey.data());
    return pair;
}

Result<SecretBytes> dh(const SecretBytes &secretKey, QByteArrayView publicKey)
{
    ensureSodium();
    if (secretKey.size() != DhKeyPair::keyBytes || publicKey.size() != DhKeyPair::keyBytes)
        return Result<SecretBytes>::failure(Error::InvalidKey, u"An X25519 key must be 32 bytes"_s);
    SecretBytes shared(crypto_scalarmult_curve25519_BYTES);
    if (crypto_scalarmult_curve25519(shared.data(), secretKey.data(),
                                     reinterpret_cast<const unsigned char *>(publicKey.data()))
        != 0)
        return Result<SecretBytes>::failure(Error::InvalidKey,
                                            u"The peer's public key is a low-order point"_s);
    return shared;
}

QByteArray encodeDhPublicKey(QByteArrayView publicKey)
{
    QByteArray out;
    out.reserve(1 + publicKey.size());
    out.append(char(0x05));
    out.append(publicKey);
    return out;
}

} // namespace fastchat::crypto
