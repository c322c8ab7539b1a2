// SPDX-License-Identifier: MIT
// A user's prekeys with their secret halves, as the client keeps them (in its encrypted
// local database): the signed prekey (rotated; the previous one is kept a while for
// messages still in flight) and the stock of one-time prekeys. Their public halves go to the
// server as a PreKeyUpload (PreKeyBundle.h).
#pragma once

#include "IdentityKey.h"
#include "Result.h"
#include "X25519.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>

namespace fastchat::crypto {

struct SignedPreKey
{
    // Signal rotates weekly to monthly; we rotate weekly and keep the old one a month.
    static constexpr qint64 rotateAfterDays = 7;
    static constexpr qint64 keepReplacedDays = 30;

    quint32 id = 0;
    DhKeyPair keyPair;
    QByteArray signature; // Ed25519 by the identity key over encodeDhPublicKey(public key)
    QDateTime createdAt;

    static SignedPreKey generate(const IdentityKeyPair &identity, quint32 id,
                                 const QDateTime &now = QDateTime::currentDateTimeUtc());
    bool needsRotation(const QDateTime &now = QDateTime::currentDateTimeUtc()) const;
    bool verify(QByteArrayView identityPublicKey) const;

    // Includes the secret key: local storage only, never the wire.
    QJsonObject toPrivateJson() const;
    static Result<SignedPreKey> fromPrivateJson(const QJsonObject &object);
};

struct OneTimePreKey
{
    quint32 id = 0;
    DhKeyPair keyPair;

    // `count` new keys numbered from firstId (ids wrap at 2^32; the client keeps a counter).
    static QList<OneTimePreKey> generate(quint32 firstId, int count);

    // Includes the secret key: local storage only, never the wire.
    QJsonObject toPrivateJson() const;
    static Result<OneTimePreKey> fromPrivateJson(const QJsonObject &object);
};

} // namespace fastchat::crypto
