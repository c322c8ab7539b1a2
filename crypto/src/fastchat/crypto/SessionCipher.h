// SPDX-License-Identifier: MIT
// A 1:1 encrypted session as the client uses it: X3DH to start, then the Double Ratchet,
// with each plaintext padded (ISO/IEC 7816-4, to a multiple of 160 bytes, as Signal does) so
// that the server learns sizes only roughly. Produces and reads Envelopes (Envelope.h).
//
// Alice: initiate(bundle), then encrypt(); her envelopes carry the X3DH header until she has
// decrypted Bob's first reply. Bob: on an envelope with "x3dh" and no session for it,
// accept() with the prekeys it names, then delete the one-time prekey.
// Save serialize() after every successful encrypt(), accept() and decrypt().
#pragma once

#include "DoubleRatchet.h"
#include "Envelope.h"
#include "IdentityKey.h"
#include "PreKeyBundle.h"
#include "PreKeys.h"
#include "Result.h"
#include "X3dh.h"

#include <optional>

namespace fastchat::crypto {

class SessionCipher
{
public:
    static constexpr qsizetype paddingBlock = 160;
    // The largest plaintext whose envelope still fits the 64 KiB content limit.
    static constexpr qsizetype maxPlaintextBytes = 47 * 1024;
    static constexpr int serializationVersion = 1;

    struct Accepted;

    static Result<SessionCipher> initiate(const IdentityKeyPair &ours, const PreKeyBundle &theirs);
    // `oneTimePreKey`: the key named by first.x3dh->oneTimePreKeyId, or nullptr.
    static Result<Accepted> accept(const IdentityKeyPair &ours, const SignedPreKey &signedPreKey,
                                   const OneTimePreKey *oneTimePreKey, const Envelope &first);

    Result<Envelope> encrypt(QByteArrayView plaintext);
    // An envelope with another session's X3DH header gives NewSession; the state is unchanged
    // on any failure.
    Result<QByteArray> decrypt(const Envelope &envelope);

    // The peer's Ed25519 identity key: compare it with the one on record (key change warning)
    // and feed it to SafetyNumber.
    const QByteArray &peerIdentityKey() const { return m_peerIdentityKey; }
    // The X3DH header this session began with (both sides).
    const InitialMessageHeader &initialHeader() const { return m_initialHeader; }
    // Alice, until her first decrypt: her envelopes still carry the X3DH header.
    bool awaitingReply() const { return m_awaitingReply; }
    const DoubleRatchet &ratchet() const { return m_ratchet; }

    // Compact JSON with the ratchet state inside (secret: the encrypted local database only).
    QByteArray serialize() const;
    static Result<SessionCipher> deserialize(QByteArrayView bytes);

    static QByteArray pad(QByteArrayView plaintext);
    static std::optional<QByteArray> unpad(QByteArrayView padded);

private:
    SessionCipher(DoubleRatchet ratchet)
        : m_ratchet(std::move(ratchet))
    {}

    DoubleRatchet m_ratchet;
    QByteArray m_peerIdentityKey;
    InitialMessageHeader m_initialHeader;
    bool m_awaitingReply = false;
};

struct SessionCipher::Accepted
{
    SessionCipher session;
    QByteArray plaintext;
    std::optional<quint32> usedOneTimePreKeyId; // delete it from the local store now
};

} // namespace fastchat::crypto
