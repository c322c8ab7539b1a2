// SPDX-License-Identifier: MIT
// A user's long-term identity: an Ed25519 key pair that signs prekeys, and its X25519 form
// (crypto_sign_ed25519_pk_to_curve25519 / sk_to_curve25519) for X3DH's Diffie-Hellman.
// The 32-byte seed is the only secret to store (in the OS keychain); everything else is
// derived from it.
#pragma once

#include "Result.h"
#include "SecretBytes.h"

#include <QByteArray>

namespace fastchat::crypto {

class IdentityKeyPair
{
public:
    static constexpr qsizetype publicKeyBytes = 32;
    static constexpr qsizetype seedBytes = 32;
    static constexpr qsizetype signatureBytes = 64;

    static IdentityKeyPair generate();
    static Result<IdentityKeyPair> fromSeed(const SecretBytes &seed);

    // Ed25519 public key: what the server publishes, what safety numbers are made of.
    const QByteArray &publicKey() const { return m_publicKey; }
    // The secret to keep in the keychain.
    const SecretBytes &seed() const { return m_seed; }
    QByteArray sign(QByteArrayView message) const;

    // X25519 form for DH.
    const QByteArray &dhPublicKey() const { return m_dhPublicKey; }
    const SecretBytes &dhSecretKey() const { return m_dhSecretKey; }

    static bool verify(QByteArrayView publicKey, QByteArrayView message, QByteArrayView signature);
    // The X25519 form of a peer's Ed25519 identity key; fails on an invalid point.
    static Result<QByteArray> toDhPublicKey(QByteArrayView publicKey);

private:
    IdentityKeyPair() = default; // only generate() and fromSeed() make one: never keyless

    QByteArray m_publicKey;
    SecretBytes m_seed;
    SecretBytes m_signingKey; // libsodium's 64-byte Ed25519 secret key (seed || public key)
    QByteArray m_dhPublicKey;
    SecretBytes m_dhSecretKey;
};

} // namespace fastchat::crypto
