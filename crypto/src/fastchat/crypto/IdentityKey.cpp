// SPDX-License-Identifier: MIT
#include "IdentityKey.h"

#include "Sodium.h"

#include <sodium.h>

using namespace Qt::StringLiterals;

namespace fastchat::crypto {

namespace {

const unsigned char *bytes(QByteArrayView v)
{
    return reinterpret_cast<const unsigned char *>(v.data());
}

} // namespace

IdentityKeyPair IdentityKeyPair::generate()
{
    ensureSodium();
    auto pair = fromSeed(SecretBytes::random(seedBytes));
    Q_ASSERT(pair.ok());
    return pair.takeValue();
}

Result<IdentityKeyPair> IdentityKeyPair::fromSeed(const SecretBytes &seed)
{
    ensureSodium();
    if (seed.size() != seedBytes)
        return Result<IdentityKeyPair>::failure(Error::InvalidInput,
                                                u"An identity key seed must be 32 bytes"_s);
    IdentityKeyPair k;
    k.m_seed = seed;
    k.m_publicKey.resize(crypto_sign_ed25519_PUBLICKEYBYTES);
    k.m_signingKey = SecretBytes(crypto_sign_ed25519_SECRETKEYBYTES);
    crypto_sign_ed25519_seed_keypair(reinterpret_cast<unsigned char *>(k.m_publicKey.data()),
                                     k.m_signingKey.data(), k.m_seed.data());
    k.m_dhPublicKey.resize(crypto_scalarmult_curve25519_BYTES);
    k.m_dhSecretKey = SecretBytes(crypto_scalarmult_curve25519_BYTES);
    if (crypto_sign_ed25519_pk_to_curve25519(
                reinterpret_cast<unsigned char *>(k.m_dhPublicKey.data()), bytes(k.m_publicKey))
                != 0
        || crypto_sign_ed25519_sk_to_curve25519(k.m_dhSecretKey.data(), k.m_signingKey.data()) != 0)
        return Result<IdentityKeyPair>::failure(Error::InvalidKey,
                                                u"The identity key has no X25519 form"_s);
    return k;
}

QByteArray IdentityKeyPair::sign(QByteArrayView message) const
{
    QByteArray signature(crypto_sign_ed25519_BYTES, Qt::Uninitialized);
    crypto_sign_ed25519_detached(reinterpret_cast<unsigned char *>(signature.data()), nullptr,
                                 bytes(message), quint64(message.size()), m_signingKey.data());
    return signature;
}

bool IdentityKeyPair::verify(QByteArrayView publicKey, QByteArrayView message,
                             QByteArrayView signature)
{
    ensureSodium();
    if (publicKey.size() != crypto_sign_ed25519_PUBLICKEYBYTES
        || signature.size() != crypto_sign_ed25519_BYTES)
        return false;
    return crypto_sign_ed25519_verify_detached(bytes(signature), bytes(message),
                                               quint64(message.size()), bytes(publicKey))
            == 0;
}

Result<QByteArray> IdentityKeyPair::toDhPublicKey(QByteArrayView publicKey)
{
    ensureSodium();
    if (publicKey.size() != crypto_sign_ed25519_PUBLICKEYBYTES)
        return Result<QByteArray>::failure(Error::InvalidKey,
                                           u"An identity key must be 32 bytes"_s);
    QByteArray out(crypto_scalarmult_curve25519_BYTES, Qt::Uninitialized);
    if (crypto_sign_ed25519_pk_to_curve25519(reinterpret_cast<unsigned char *>(out.data()),
                                             bytes(publicKey))
        != 0)
        return Result<QByteArray>::failure(Error::InvalidKey,
                                           u"The identity key is not a valid Ed25519 public key"_s);
    return out;
}

} // namespace fastchat::crypto
