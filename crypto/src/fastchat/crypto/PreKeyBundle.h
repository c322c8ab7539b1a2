// SPDX-License-Identifier: MIT
// The public prekeys on the wire, base64url (unpadded) in JSON:
// - PreKeyUpload: what a client publishes (identity key, signed prekey, a batch of one-time
//   prekeys); the server checks the signature before storing it (verify()).
// - PreKeyBundle: what the server hands to someone starting a session: the identity key,
//   the current signed prekey and at most one one-time prekey (each handed out once).
#pragma once

#include "Result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>

#include <optional>

namespace fastchat::crypto {

struct SignedPreKey;
struct OneTimePreKey;
class IdentityKeyPair;

// {"id", "public_key", "signature"}
struct SignedPreKeyPublic
{
    quint32 id = 0;
    QByteArray publicKey; // X25519, 32 bytes
    QByteArray signature; // Ed25519, 64 bytes, over 0x05 || publicKey

    static SignedPreKeyPublic from(const SignedPreKey &key);
    QJsonObject toJson() const;
    static Result<SignedPreKeyPublic> fromJson(const QJsonObject &object);
};

// {"id", "public_key"}
struct OneTimePreKeyPublic
{
    quint32 id = 0;
    QByteArray publicKey; // X25519, 32 bytes

    static OneTimePreKeyPublic from(const OneTimePreKey &key);
    QJsonObject toJson() const;
    static Result<OneTimePreKeyPublic> fromJson(const QJsonObject &object);
};

// {"identity_key", "signed_prekey": {...}, "one_time_prekeys": [{...}, ...]}
struct PreKeyUpload
{
    static constexpr qsizetype maxOneTimePreKeys = 200;

    QByteArray identityKey; // Ed25519, 32 bytes
    SignedPreKeyPublic signedPreKey;
    QList<OneTimePreKeyPublic> oneTimePreKeys; // may be empty (a signed prekey rotation)

    // The signed prekey's signature is by identityKey; duplicate one-time ids are refused.
    bool verify() const;
    QJsonObject toJson() const;
    // Refuses more than maxOneTimePreKeys keys and a bad signature (BadSignature).
    static Result<PreKeyUpload> fromJson(const QJsonObject &object);
};

// {"identity_key", "signed_prekey": {...}, "one_time_prekey": {...} or absent}
struct PreKeyBundle
{
    QByteArray identityKey; // Ed25519, 32 bytes
    SignedPreKeyPublic signedPreKey;
    std::optional<OneTimePreKeyPublic> oneTimePreKey; // none left: X3DH without DH4

    bool verify() const;
    QJsonObject toJson() const;
    // Does not check the signature (X3dh::initiate does, with a clear error).
    static Result<PreKeyBundle> fromJson(const QJsonObject &object);
};

} // namespace fastchat::crypto
