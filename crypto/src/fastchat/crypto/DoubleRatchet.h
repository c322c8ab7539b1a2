// SPDX-License-Identifier: MIT
// One side of a Double Ratchet session (Signal, "The Double Ratchet Algorithm", revision 1,
// without header encryption):
//   KDF_RK(rk, dh_out) = HKDF(salt = rk, IKM = dh_out, info "FastChat ratchet v1", 64 bytes)
//   KDF_CK(ck)         = (HMAC-SHA256(ck, 0x02) as the next chain key, HMAC-SHA256(ck, 0x01) as mk)
//   ENCRYPT(mk, pt, ad): HKDF(zero salt, mk, "FastChat message key v1", 56) gives a 32-byte
//                        XChaCha20-Poly1305 key and a 24-byte nonce (each mk is used once);
//                        the AEAD's associated data is AD (both identity keys) || header.
// Out-of-order messages: up to maxSkip keys skipped per chain, at most maxStoredSkippedKeys
// kept in all (the oldest dropped first). A message whose key is gone is a Replay.
// decrypt() works on a copy and commits only when authentication succeeds, so a forged or
// damaged message leaves the session exactly as it was. Save serialize() after every
// successful encrypt() and decrypt().
#pragma once

#include "RatchetHeader.h"
#include "Result.h"
#include "SecretBytes.h"
#include "X25519.h"

#include <QByteArray>
#include <QList>

namespace fastchat::crypto {

class DoubleRatchet
{
public:
    static constexpr quint32 maxSkip = 1000;
    static constexpr qsizetype maxStoredSkippedKeys = 2000;
    // Older remote ratchet keys remembered so that a late copy of an old message is reported
    // as a replay rather than as a forgery.
    static constexpr qsizetype rememberedRemoteKeys = 32;
    static constexpr quint8 serializationVersion = 1;
    static constexpr qsizetype maxAssociatedDataBytes = 1024;

    struct Message
    {
        RatchetHeader header;
        QByteArray ciphertext; // AEAD output: ciphertext || 16-byte tag
    };

    // Alice, after X3DH: the first remote ratchet key is Bob's signed prekey.
    static Result<DoubleRatchet> initiator(const SecretBytes &sharedKey,
                                           QByteArrayView remoteRatchetKey,
                                           QByteArrayView associatedData);
    // Bob, after X3DH: his signed prekey pair is his first ratchet key pair.
    static Result<DoubleRatchet> responder(const SecretBytes &sharedKey,
                                           const DhKeyPair &ourRatchetKey,
                                           QByteArrayView associatedData);

    // NoSendingChain before the responder has received anything.
    Result<Message> encrypt(QByteArrayView plaintext);
    // DecryptFailed, Replay, TooManySkipped, InvalidKey; the state is unchanged on failure.
    Result<QByteArray> decrypt(const RatchetHeader &header, QByteArrayView ciphertext);

    bool canSend() const { return !m_sendingChainKey.isEmpty(); }
    const QByteArray &associatedData() const { return m_associatedData; }
    qsizetype skippedKeyCount() const { return m_skipped.size(); }
    quint32 sendingMessageNumber() const { return m_ns; }
    quint32 receivingMessageNumber() const { return m_nr; }
    const QByteArray &ourRatchetPublicKey() const { return m_dhs.publicKey; }

    // Compact binary: a version byte, then the state (including secret keys: store it only in
    // the encrypted local database).
    QByteArray serialize() const;
    static Result<DoubleRatchet> deserialize(QByteArrayView bytes);

private:
    struct SkippedKey
    {
        QByteArray dh;
        quint32 n = 0;
        SecretBytes messageKey;
    };

    DoubleRatchet() = default;
    Result<Done> skipMessageKeys(quint32 until);
    Result<Done> dhRatchet(const RatchetHeader &header);
    SecretBytes nextReceivingKey();

    DhKeyPair m_dhs;
    QByteArray m_dhr;
    SecretBytes m_rootKey;
    SecretBytes m_sendingChainKey;
    SecretBytes m_receivingChainKey;
    quint32 m_ns = 0;
    quint32 m_nr = 0;
    quint32 m_pn = 0;
    QByteArray m_associatedData;
    QList<SkippedKey> m_skipped;            // oldest first
    QList<QByteArray> m_previousRemoteKeys; // oldest first
};

} // namespace fastchat::crypto
