// SPDX-License-Identifier: MIT
#include "PreKeyBundle.h"

#include "Base64Url.h"
#include "IdentityKey.h"
#include "PreKeys.h"
#include "X25519.h"

#include <QJsonArray>
#include <QSet>

using namespace Qt::StringLiterals;

namespace fastchat::crypto {

SignedPreKeyPublic SignedPreKeyPublic::from(const SignedPreKey &key)
{
    return {key.id, key.keyPair.publicKey, key.signature};
}

QJsonObject SignedPreKeyPublic::toJson() const
{
    return {{u"id"_s, qint64(id)},
            {u"public_key"_s, toBase64Url(publicKey)},
            {u"signature"_s, toBase64Url(signature)}};
}

Result<SignedPreKeyPublic> SignedPreKeyPublic::fromJson(const QJsonObject &object)
{
    JsonFields f(object);
    SignedPreKeyPublic k;
    k.id = f.uint32(u"id"_s);
    k.publicKey = f.bytes(u"public_key"_s, DhKeyPair::keyBytes);
    k.signature = f.bytes(u"signature"_s, IdentityKeyPair::signatureBytes);
    if (!f.ok())
        return Result<SignedPreKeyPublic>::failure(Error::InvalidInput,
                                                   u"signed_prekey: "_s + f.error());
    return k;
}

OneTimePreKeyPublic OneTimePreKeyPublic::from(const OneTimePreKey &key)
{
    return {key.id, key.keyPair.publicKey};
}

QJsonObject OneTimePreKeyPublic::toJson() const
{
    return {{u"id"_s, qint64(id)}, {u"public_key"_s, toBase64Url(publicKey)}};
}

Result<OneTimePreKeyPublic> OneTimePreKeyPublic::fromJson(const QJsonObject &object)
{
    JsonFields f(object);
    OneTimePreKeyPublic k;
    k.id = f.uint32(u"id"_s);
    k.publicKey = f.bytes(u"public_key"_s, DhKeyPair::keyBytes);
    if (!f.ok())
        return Result<OneTimePreKeyPublic>::failure(Error::InvalidInput,
                                                    u"one-time prekey: "_s + f.error());
    return k;
}

bool PreKeyUpload::verify() const
{
    QSet<quint32> ids;
    for (const auto &k : oneTimePreKeys) {
        if (ids.contains(k.id))
            return false;
        ids.insert(k.id);
    }
    return IdentityKeyPair::verify(identityKey, encodeDhPublicKey(signedPreKey.publicKey),
                                   signedPreKey.signature);
}

QJsonObject PreKeyUpload::toJson() const
{
    QJsonArray keys;
    for (const auto &k : oneTimePreKeys)
        keys.append(k.toJson());
    return {{u"identity_key"_s, toBase64Url(identityKey)},
            {u"signed_prekey"_s, signedPreKey.toJson()},
            {u"one_time_prekeys"_s, keys}};
}

Result<PreKeyUpload> PreKeyUpload::fromJson(const QJsonObject &object)
{
    JsonFields f(object);
    PreKeyUpload u;
    u.identityKey = f.bytes(u"identity_key"_s, IdentityKeyPair::publicKeyBytes);
    const QJsonObject spk = f.object(u"signed_prekey"_s);
    if (!f.ok())
        return Result<PreKeyUpload>::failure(Error::InvalidInput, f.error());
    auto signedKey = SignedPreKeyPublic::fromJson(spk);
    if (!signedKey)
        return Result<PreKeyUpload>::failure(signedKey);
    u.signedPreKey = signedKey.takeValue();

    const QJsonValue list = object.value(u"one_time_prekeys"_s);
    if (!list.isUndefined() && !list.isArray())
        return Result<PreKeyUpload>::failure(Error::InvalidInput,
                                             u"one_time_prekeys must be an array"_s);
    const QJsonArray array = list.toArray();
    if (array.size() > maxOneTimePreKeys)
        return Result<PreKeyUpload>::failure(
                Error::InvalidInput,
                u"At most %1 one-time prekeys at a time"_s.arg(maxOneTimePreKeys));
    QSet<quint32> ids;
    for (const QJsonValue &v : array) {
        if (!v.isObject())
            return Result<PreKeyUpload>::failure(Error::InvalidInput,
                                                 u"one_time_prekeys must hold objects"_s);
        auto k = OneTimePreKeyPublic::fromJson(v.toObject());
        if (!k)
            return Result<PreKeyUpload>::failure(k);
        if (ids.contains(k->id))
            return Result<PreKeyUpload>::failure(
                    Error::InvalidInput, u"One-time prekey id %1 appears twice"_s.arg(k->id));
        ids.insert(k->id);
        u.oneTimePreKeys.append(k.takeValue());
    }
    if (!u.verify())
        return Result<PreKeyUpload>::failure(
                Error::BadSignature,
                u"The signed prekey's signature does not verify with the identity key"_s);
    return u;
}

bool PreKeyBundle::verify() const
{
    return IdentityKeyPair::verify(identityKey, encodeDhPublicKey(signedPreKey.publicKey),
                                   signedPreKey.signature);
}

QJsonObject PreKeyBundle::toJson() const
{
    QJsonObject o{{u"identity_key"_s, toBase64Url(identityKey)},
                  {u"signed_prekey"_s, signedPreKey.toJson()}};
    if (oneTimePreKey)
        o.insert(u"one_time_prekey"_s, oneTimePreKey->toJson());
    return o;
}

Result<PreKeyBundle> PreKeyBundle::fromJson(const QJsonObject &object)
{
    JsonFields f(object);
    PreKeyBundle b;
    b.identityKey = f.bytes(u"identity_key"_s, IdentityKeyPair::publicKeyBytes);
    const QJsonObject spk = f.object(u"signed_prekey"_s);
    if (!f.ok())
        return Result<PreKeyBundle>::failure(Error::InvalidInput, f.error());
    auto signedKey = SignedPreKeyPublic::fromJson(spk);
    if (!signedKey)
        return Result<PreKeyBundle>::failure(signedKey);
    b.signedPreKey = signedKey.takeValue();
    const QJsonValue opk = object.value(u"one_time_prekey"_s);
    if (opk.isObject()) {
        auto k = OneTimePreKeyPublic::fromJson(opk.toObject());
        if (!k)
            return Result<PreKeyBundle>::failure(k);
        b.oneTimePreKey = k.takeValue();
    } else if (!opk.isUndefined() && !opk.isNull()) {
        return Result<PreKeyBundle>::failure(Error::InvalidInput,
                                             u"one_time_prekey must be an object or null"_s);
    }
    return b;
}

} // namespace fastchat::crypto
