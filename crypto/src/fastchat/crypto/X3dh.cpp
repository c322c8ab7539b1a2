// SPDX-License-Identifier: MIT
#include "X3dh.h"

#include "Base64Url.h"
#include "Hkdf.h"
#include "Sodium.h"
#include "X25519.h"

#include <cstring>

using namespace Qt::StringLiterals;

namespace fastchat::crypto {

namespace {

constexpr char kInfo[] = "FastChat X3DH v1";

// KDF(KM) = HKDF(zero salt, F || KM, info); F = 32 0xFF bytes marks X25519.
SecretBytes kdf(const QList<const SecretBytes *> &parts)
{
    qsizetype size = 32;
    for (const auto *p : parts)
        size += p->size();
    SecretBytes ikm(size);
    std::memset(ikm.data(), 0xFF, 32);
    qsizetype at = 32;
    for (const auto *p : parts) {
        std::memcpy(ikm.data() + at, p->data(), size_t(p->size()));
        at += p->size();
    }
    return Hkdf::derive({}, ikm.view(), QByteArrayView(kInfo, sizeof kInfo - 1),
                        X3dh::sharedKeyBytes);
}

} // namespace

QJsonObject InitialMessageHeader::toJson() const
{
    QJsonObject o{{u"identity_key"_s, toBase64Url(identityKey)},
                  {u"ephemeral_key"_s, toBase64Url(ephemeralKey)},
                  {u"signed_prekey_id"_s, qint64(signedPreKeyId)}};
    if (oneTimePreKeyId)
        o.insert(u"one_time_prekey_id"_s, qint64(*oneTimePreKeyId));
    return o;
}

Result<InitialMessageHeader> InitialMessageHeader::fromJson(const QJsonObject &object)
{
    JsonFields f(object);
    InitialMessageHeader h;
    h.identityKey = f.bytes(u"identity_key"_s, IdentityKeyPair::publicKeyBytes);
    h.ephemeralKey = f.bytes(u"ephemeral_key"_s, DhKeyPair::keyBytes);
    h.signedPreKeyId = f.uint32(u"signed_prekey_id"_s);
    h.oneTimePreKeyId = f.optionalUint32(u"one_time_prekey_id"_s);
    if (!f.ok())
        return Result<InitialMessageHeader>::failure(Error::InvalidInput, u"x3dh: "_s + f.error());
    return h;
}

bool InitialMessageHeader::operator==(const InitialMessageHeader &other) const
{
    return identityKey == other.identityKey && ephemeralKey == other.ephemeralKey
            && signedPreKeyId == other.signedPreKeyId && oneTimePreKeyId == other.oneTimePreKeyId;
}

QByteArray X3dh::associatedData(QByteArrayView initiatorIdentityKey,
                                QByteArrayView responderIdentityKey)
{
    return initiatorIdentityKey.toByteArray() + responderIdentityKey.toByteArray();
}

Result<X3dhInitiation> X3dh::initiate(const IdentityKeyPair &ours, const PreKeyBundle &theirs)
{
    ensureSodium();
    using R = Result<X3dhInitiation>;
    if (!theirs.verify()) {
        qCWarning(lcCrypto) << "X3DH: refused a bundle whose signed prekey signature is bad";
        return R::failure(Error::BadSignature,
                          u"The peer's signed prekey is not signed by their identity key"_s);
    }
    const auto theirIdentity = IdentityKeyPair::toDhPublicKey(theirs.identityKey);
    if (!theirIdentity)
        return R::failure(theirIdentity);

    const DhKeyPair ephemeral = DhKeyPair::generate();
    auto dh1 = dh(ours.dhSecretKey(), theirs.signedPreKey.publicKey);
    auto dh2 = dh(ephemeral.secretKey, *theirIdentity);
    auto dh3 = dh(ephemeral.secretKey, theirs.signedPreKey.publicKey);
    if (!dh1 || !dh2 || !dh3)
        return R::failure(Error::InvalidKey, u"The peer's bundle holds an invalid public key"_s);
    QList<const SecretBytes *> parts{&*dh1, &*dh2, &*dh3};
    std::optional<Result<SecretBytes>> dh4;
    if (theirs.oneTimePreKey) {
        dh4.emplace(dh(ephemeral.secretKey, theirs.oneTimePreKey->publicKey));
        if (!*dh4)
            return R::failure(Error::InvalidKey, u"The peer's one-time prekey is invalid"_s);
        parts.append(&dh4->value());
    }

    X3dhInitiation out;
    out.session.sharedKey = kdf(parts);
    out.session.associatedData = associatedData(ours.publicKey(), theirs.identityKey);
    out.session.peerIdentityKey = theirs.identityKey;
    out.header.identityKey = ours.publicKey();
    out.header.ephemeralKey = ephemeral.publicKey;
    out.header.signedPreKeyId = theirs.signedPreKey.id;
    if (theirs.oneTimePreKey)
        out.header.oneTimePreKeyId = theirs.oneTimePreKey->id;
    out.peerSignedPreKey = theirs.signedPreKey.publicKey;
    return out;
}

Result<X3dhSession> X3dh::respond(const IdentityKeyPair &ours, const SignedPreKey &signedPreKey,
                                  const OneTimePreKey *oneTimePreKey,
                                  const InitialMessageHeader &header)
{
    ensureSodium();
    using R = Result<X3dhSession>;
    if (header.signedPreKeyId != signedPreKey.id)
        return R::failure(
                Error::MissingPreKey,
                u"The message names signed prekey %1, not ours (%2)"_s.arg(header.signedPreKeyId)
                        .arg(signedPreKey.id));
    if (header.oneTimePreKeyId && (!oneTimePreKey || oneTimePreKey->id != *header.oneTimePreKeyId))
        return R::failure(Error::MissingPreKey,
                          u"The message names one-time prekey %1, which we no longer have"_s.arg(
                                  *header.oneTimePreKeyId));
    if (!header.oneTimePreKeyId && oneTimePreKey)
        return R::failure(Error::InvalidInput,
                          u"A one-time prekey was given for a message that names none"_s);
    const auto theirIdentity = IdentityKeyPair::toDhPublicKey(header.identityKey);
    if (!theirIdentity)
        return R::failure(theirIdentity);

    auto dh1 = dh(signedPreKey.keyPair.secretKey, *theirIdentity);
    auto dh2 = dh(ours.dhSecretKey(), header.ephemeralKey);
    auto dh3 = dh(signedPreKey.keyPair.secretKey, header.ephemeralKey);
    if (!dh1 || !dh2 || !dh3)
        return R::failure(Error::InvalidKey, u"The initial message holds an invalid public key"_s);
    QList<const SecretBytes *> parts{&*dh1, &*dh2, &*dh3};
    std::optional<Result<SecretBytes>> dh4;
    if (oneTimePreKey) {
        dh4.emplace(dh(oneTimePreKey->keyPair.secretKey, header.ephemeralKey));
        if (!*dh4)
            return R::failure(Error::InvalidKey,
                              u"The initial message's ephemeral key is invalid"_s);
        parts.append(&dh4->value());
    }

    X3dhSession out;
    out.sharedKey = kdf(parts);
    out.associatedData = associatedData(header.identityKey, ours.publicKey());
    out.peerIdentityKey = header.identityKey;
    return out;
}

} // namespace fastchat::crypto
