// SPDX-License-Identifier: MIT
// The Double Ratchet message header HEADER(dh_pair, pn, n): the sender's current ratchet
// public key, the length of its previous sending chain, and the message number. It travels
// in clear (base64url in the envelope) and is authenticated as part of the AEAD's
// associated data. Encoding: 40 bytes, dh (32) || pn (uint32 big-endian) || n (uint32 BE).
#pragma once

#include "Result.h"

#include <QByteArray>

namespace fastchat::crypto {

struct RatchetHeader
{
    static constexpr qsizetype encodedBytes = 40;

    QByteArray dh; // X25519 public key, 32 bytes
    quint32 pn = 0;
    quint32 n = 0;

    QByteArray encode() const;
    static Result<RatchetHeader> decode(QByteArrayView bytes);
    bool operator==(const RatchetHeader &other) const
    {
        return dh == other.dh && pn == other.pn && n == other.n;
    }
};

} // namespace fastchat::crypto
