// SPDX-License-Identifier: MIT
// Safety numbers, Signal's numeric fingerprint scheme: for each user,
//   hash = version (2 bytes, 0) || identity key || stable id
//   5200 times: hash = SHA-512(hash || identity key)
// and the first 30 bytes read as six 5-byte big-endian numbers, each mod 100000, give 30
// digits. The two 30-digit halves are sorted and joined, so both users see the same 60
// digits; shown as 12 groups of 5. The identity key is the 32-byte Ed25519 public key; the
// stable id is the user's numeric id in decimal ASCII (ids never change, usernames may).
#pragma once

#include <QByteArrayView>
#include <QString>

namespace fastchat::crypto {

class SafetyNumber
{
public:
    static constexpr int iterations = 5200;
    static constexpr quint16 version = 0;

    // One user's 30 digits.
    static QString fingerprint(QByteArrayView identityKey, QByteArrayView stableId);
    // The 60 digits both users see (the smaller half first).
    static QString compute(QByteArrayView localIdentityKey, QByteArrayView localStableId,
                           QByteArrayView remoteIdentityKey, QByteArrayView remoteStableId);
    // "12345 67890 ..." (groups of 5 separated by spaces).
    static QString format(const QString &digits);
    // A user id as the stable id: decimal ASCII.
    static QByteArray stableId(qint64 userId) { return QByteArray::number(userId); }
};

} // namespace fastchat::crypto
