// SPDX-License-Identifier: MIT
#include "PreKeys.h"

#include "Base64Url.h"

using namespace Qt::StringLiterals;

namespace fastchat::crypto {

SignedPreKey SignedPreKey::generate(const IdentityKeyPair &identity, quint32 id,
                                    const QDateTime &now)
{
    SignedPreKey k;
    k.id = id;
    k.keyPair = DhKeyPair::generate();
    k.signature = identity.sign(encodeDhPublicKey(k.keyPair.publicKey));
    k.createdAt = now.toUTC();
    return k;
}

bool SignedPreKey::needsRotation(const QDateTime &now) const
{
    return !createdAt.isValid() || createdAt.daysTo(now) >= rotateAfterDays;
}

bool SignedPreKey::verify(QByteArrayView identityPublicKey) const
{
    return IdentityKeyPair::verify(identityPublicKey, encodeDhPublicKey(keyPair.publicKey),
                                   signature);
}

QJsonObject SignedPreKey::toPrivateJson() const
{
    return {{u"id"_s, qint64(id)},
            {u"public_key"_s, toBase64Url(keyPair.publicKey)},
            {u"secret_key"_s, toBase64Url(keyPair.secretKey.view())},
            {u"signature"_s, toBase64Url(signature)},
            {u"created_at_ms"_s, createdAt.toMSecsSinceEpoch()}};
}

Result<SignedPreKey> SignedPreKey::fromPrivateJson(const QJsonObject &object)
{
    JsonFields f(object);
    SignedPreKey k;
    k.id = f.uint32(u"id"_s);
    const QByteArray publicKey = f.bytes(u"public_key"_s, DhKeyPair::keyBytes);
    QByteArray secret = f.bytes(u"secret_key"_s, DhKeyPair::keyBytes);
    k.signature = f.bytes(u"signature"_s, IdentityKeyPair::signatureBytes);
    const qint64 created = f.int64(u"created_at_ms"_s);
    if (!f.ok())
        return Result<SignedPreKey>::failure(Error::InvalidInput, f.error());
    auto pair = DhKeyPair::fromSecretKey(SecretBytes(secret));
    wipe(secret);
    if (!pair || pair->publicKey != publicKey)
        return Result<SignedPreKey>::failure(
                Error::InvalidInput, u"The signed prekey's secret and public keys do not match"_s);
    k.keyPair = pair.takeValue();
    k.createdAt = QDateTime::fromMSecsSinceEpoch(created, Qt::UTC);
    return k;
}

QList<OneTimePreKey> OneTimePreKey::generate(quint32 firstId, int count)
{
    QList<OneTimePreKey> keys;
    keys.reserve(qMax(0, count));
    for (int i = 0; i < count; ++i)
        keys.append(OneTimePreKey{quint32(firstId + quint32(i)), DhKeyPair::generate()});
    return keys;
}

QJsonObject OneTimePreKey::toPrivateJson() const
{
    return {{u"id"_s, qint64(id)},
            {u"public_key"_s, toBase64Url(keyPair.publicKey)},
            {u"secret_key"_s, toBase64Url(keyPair.secretKey.view())}};
}

Result<OneTimePreKey> OneTimePreKey::fromPrivateJson(const QJsonObject &object)
{
    JsonFields f(object);
    OneTimePreKey k;
    k.id = f.uint32(u"id"_s);
    const QByteArray publicKey = f.bytes(u"public_key"_s, DhKeyPair::keyBytes);
    QByteArray secret = f.bytes(u"secret_key"_s, DhKeyPair::keyBytes);
    if (!f.ok())
        return Result<OneTimePreKey>::failure(Error::InvalidInput, f.error());
    auto pair = DhKeyPair::fromSecretKey(SecretBytes(secret));
    wipe(secret);
    if (!pair || pair->publicKey != publicKey)
        return Result<OneTimePreKey>::failure(
                Error::InvalidInput,
                u"The one-time prekey's secret and public keys do not match"_s);
    k.keyPair = pair.takeValue();
    return k;
}

} // namespace fastchat::crypto
