// SPDX-License-Identifier: MIT
// X3DH key agreement (Signal, "The X3DH Key Agreement Protocol", revision 1) with
// curve X25519 (identity keys converted from Ed25519), hash SHA-256 and
// info "FastChat X3DH v1":
//   DH1 = DH(IK_A, SPK_B), DH2 = DH(EK_A, IK_B), DH3 = DH(EK_A, SPK_B), DH4 = DH(EK_A, OPK_B)
//   SK  = HKDF(salt = 32 zero bytes, IKM = F || DH1 || DH2 || DH3 [|| DH4], info, 32)
//   with F = 32 0xFF bytes; AD = IK_A || IK_B (the Ed25519 identity keys, initiator first).
// The initiator's first messages carry an InitialMessageHeader so the responder can do the same.
#pragma once

#include "IdentityKey.h"
#include "PreKeyBundle.h"
#include "PreKeys.h"
#include "Result.h"
#include "SecretBytes.h"

#include <QJsonObject>

#include <optional>

namespace fastchat::crypto {

// {"identity_key", "ephemeral_key", "signed_prekey_id", "one_time_prekey_id"?}
struct InitialMessageHeader
{
    QByteArray identityKey;  // the initiator's Ed25519 identity key
    QByteArray ephemeralKey; // EK_A, X25519
    quint32 signedPreKeyId = 0;
    std::optional<quint32> oneTimePreKeyId;

    QJsonObject toJson() const;
    static Result<InitialMessageHeader> fromJson(const QJsonObject &object);
    bool operator==(const InitialMessageHeader &other) const;
};

struct X3dhSession
{
    SecretBytes sharedKey;      // SK, 32 bytes: the Double Ratchet's first root key
    QByteArray associatedData;  // AD = IK_A || IK_B
    QByteArray peerIdentityKey; // the other side's Ed25519 identity key
};

struct X3dhInitiation
{
    X3dhSession session;
    InitialMessageHeader header;
    QByteArray peerSignedPreKey; // SPK_B: the ratchet's first remote key (DoubleRatchet::initiator)
};

class X3dh
{
public:
    static constexpr qsizetype sharedKeyBytes = 32;

    // Alice: verifies the bundle's signed prekey signature (BadSignature), then derives SK.
    static Result<X3dhInitiation> initiate(const IdentityKeyPair &ours, const PreKeyBundle &theirs);
    // Bob: `oneTimePreKey` is the key named by header.oneTimePreKeyId (nullptr when the header
    // names none); MissingPreKey when the header names a key that is not given. The caller
    // deletes the one-time prekey once the first message has decrypted.
    static Result<X3dhSession> respond(const IdentityKeyPair &ours,
                                       const SignedPreKey &signedPreKey,
                                       const OneTimePreKey *oneTimePreKey,
                                       const InitialMessageHeader &header);

    static QByteArray associatedData(QByteArrayView initiatorIdentityKey,
                                     QByteArrayView responderIdentityKey);
};

} // namespace fastchat::crypto
