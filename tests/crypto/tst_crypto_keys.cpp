// SPDX-License-Identifier: MIT
// Identity keys (Ed25519 with their X25519 form), signed and one-time prekeys, and the
// public bundle and upload types with their JSON, good and bad.
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <fastchat/crypto/Base64Url.h>
#include <fastchat/crypto/IdentityKey.h>
#include <fastchat/crypto/PreKeyBundle.h>
#include <fastchat/crypto/PreKeys.h>
#include <fastchat/crypto/X25519.h>

using namespace fastchat::crypto;
using namespace Qt::StringLiterals;

class TestCryptoKeys : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void identityKeyRoundTripsThroughItsSeed();
    void identityKeySignsAndVerifies();
    void identityDhFormAgreesWithPeersConversion();
    void dhRefusesLowOrderPoints();
    void secretBytesCopiesDeeplyAndComparesByValue();
    void base64UrlIsStrict_data();
    void base64UrlIsStrict();
    void signedPreKeyIsSignedByTheIdentity();
    void signedPreKeyRotatesAfterAWeek();
    void privatePreKeysRoundTrip();
    void bundleRoundTripsThroughJson();
    void bundleWithoutOneTimePreKey();
    void bundleFromJsonRefusesBadFields_data();
    void bundleFromJsonRefusesBadFields();
    void uploadRoundTripsAndChecksTheSignature();
    void uploadRefusesTooManyOrRepeatedKeys();
};

void TestCryptoKeys::identityKeyRoundTripsThroughItsSeed()
{
    const IdentityKeyPair a = IdentityKeyPair::generate();
    auto b = IdentityKeyPair::fromSeed(a.seed());
    QVERIFY(b.ok());
    QCOMPARE(b->publicKey(), a.publicKey());
    QCOMPARE(b->dhPublicKey(), a.dhPublicKey());
    QVERIFY(b->dhSecretKey() == a.dhSecretKey());
    QCOMPARE(a.publicKey().size(), 32);
    QVERIFY(IdentityKeyPair::generate().publicKey() != a.publicKey());
    QCOMPARE(IdentityKeyPair::fromSeed(SecretBytes(31)).errorCode(), Error::InvalidInput);
}

void TestCryptoKeys::identityKeySignsAndVerifies()
{
    const IdentityKeyPair a = IdentityKeyPair::generate();
    const QByteArray message("prekey");
    const QByteArray signature = a.sign(message);
    QCOMPARE(signature.size(), 64);
    QVERIFY(IdentityKeyPair::verify(a.publicKey(), message, signature));
    QVERIFY(!IdentityKeyPair::verify(a.publicKey(), "prekeY", signature));
    QVERIFY(!IdentityKeyPair::verify(IdentityKeyPair::generate().publicKey(), message, signature));
    QByteArray bad = signature;
    bad[10] = char(bad[10] ^ 1);
    QVERIFY(!IdentityKeyPair::verify(a.publicKey(), message, bad));
    QVERIFY(!IdentityKeyPair::verify(a.publicKey(), message, signature.left(63)));
}

void TestCryptoKeys::identityDhFormAgreesWithPeersConversion()
{
    const IdentityKeyPair a = IdentityKeyPair::generate();
    const IdentityKeyPair b = IdentityKeyPair::generate();
    auto bDh = IdentityKeyPair::toDhPublicKey(b.publicKey());
    QVERIFY(bDh.ok());
    QCOMPARE(*bDh, b.dhPublicKey());
    auto ab = dh(a.dhSecretKey(), *bDh);
    auto ba = dh(b.dhSecretKey(), *IdentityKeyPair::toDhPublicKey(a.publicKey()));
    QVERIFY(ab.ok() && ba.ok());
    QVERIFY(*ab == *ba);
    QCOMPARE(IdentityKeyPair::toDhPublicKey(QByteArray(31, 'x')).errorCode(), Error::InvalidKey);
}

void TestCryptoKeys::dhRefusesLowOrderPoints()
{
    const DhKeyPair pair = DhKeyPair::generate();
    auto zero = dh(pair.secretKey, QByteArray(32, '\0'));
    QVERIFY(!zero.ok());
    QCOMPARE(zero.errorCode(), Error::InvalidKey);
    QByteArray one(32, '\0');
    one[0] = 1;
    QCOMPARE(dh(pair.secretKey, one).errorCode(), Error::InvalidKey);
    QCOMPARE(dh(pair.secretKey, QByteArray(16, 'a')).errorCode(), Error::InvalidKey);
}

void TestCryptoKeys::secretBytesCopiesDeeplyAndComparesByValue()
{
    SecretBytes a = SecretBytes::random(32);
    SecretBytes b = a;
    QVERIFY(a == b);
    QVERIFY(a.data() != b.data());
    b.data()[0] ^= 1;
    QVERIFY(a != b);
    SecretBytes c = std::move(a);
    QVERIFY(a.isEmpty());
    QCOMPARE(c.size(), 32);
    c.clear();
    QVERIFY(c.isEmpty());
    QVERIFY(SecretBytes(4) != SecretBytes(5));
}

void TestCryptoKeys::base64UrlIsStrict_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("accepted");
    QTest::newRow("canonical") << u"AQID_-8"_s << true;
    QTest::newRow("empty") << QString() << true;
    QTest::newRow("padding") << u"AQI="_s << false;
    QTest::newRow("standard alphabet") << u"AQID/+8"_s << false;
    QTest::newRow("space") << u"AQ ID"_s << false;
    QTest::newRow("non-zero spare bits") << u"AQJ"_s << false;
    QTest::newRow("impossible length") << u"A"_s << false;
}

void TestCryptoKeys::base64UrlIsStrict()
{
    QFETCH(QString, text);
    QFETCH(bool, accepted);
    const auto decoded = fromBase64Url(text);
    QCOMPARE(decoded.has_value(), accepted);
    if (accepted)
        QCOMPARE(toBase64Url(*decoded), text);
}

void TestCryptoKeys::signedPreKeyIsSignedByTheIdentity()
{
    const IdentityKeyPair identity = IdentityKeyPair::generate();
    const SignedPreKey spk = SignedPreKey::generate(identity, 7);
    QCOMPARE(spk.id, 7u);
    QVERIFY(spk.verify(identity.publicKey()));
    QVERIFY(!spk.verify(IdentityKeyPair::generate().publicKey()));
    // The signature covers Signal's Encode(PK) = 0x05 || key.
    QVERIFY(IdentityKeyPair::verify(identity.publicKey(), encodeDhPublicKey(spk.keyPair.publicKey),
                                    spk.signature));
    QVERIFY(!IdentityKeyPair::verify(identity.publicKey(), spk.keyPair.publicKey, spk.signature));
}

void TestCryptoKeys::signedPreKeyRotatesAfterAWeek()
{
    const IdentityKeyPair identity = IdentityKeyPair::generate();
    const QDateTime created = QDateTime::fromSecsSinceEpoch(1'700'000'000, Qt::UTC);
    const SignedPreKey spk = SignedPreKey::generate(identity, 1, created);
    QVERIFY(!spk.needsRotation(created.addDays(6)));
    QVERIFY(spk.needsRotation(created.addDays(7)));
}

void TestCryptoKeys::privatePreKeysRoundTrip()
{
    const IdentityKeyPair identity = IdentityKeyPair::generate();
    const SignedPreKey spk = SignedPreKey::generate(identity, 3);
    auto spk2 = SignedPreKey::fromPrivateJson(spk.toPrivateJson());
    QVERIFY2(spk2.ok(), qPrintable(spk2.error()));
    QCOMPARE(spk2->id, spk.id);
    QCOMPARE(spk2->keyPair.publicKey, spk.keyPair.publicKey);
    QVERIFY(spk2->keyPair.secretKey == spk.keyPair.secretKey);
    QCOMPARE(spk2->signature, spk.signature);
    QCOMPARE(spk2->createdAt, spk.createdAt);

    const auto otks = OneTimePreKey::generate(100, 5);
    QCOMPARE(otks.size(), 5);
    QCOMPARE(otks.last().id, 104u);
    auto otk = OneTimePreKey::fromPrivateJson(otks.at(2).toPrivateJson());
    QVERIFY(otk.ok());
    QCOMPARE(otk->id, 102u);
    QVERIFY(otk->keyPair.secretKey == otks.at(2).keyPair.secretKey);

    // A public key that does not belong to the secret key is refused.
    QJsonObject mismatched = otks.at(0).toPrivateJson();
    mismatched.insert(u"public_key"_s, toBase64Url(otks.at(1).keyPair.publicKey));
    QCOMPARE(OneTimePreKey::fromPrivateJson(mismatched).errorCode(), Error::InvalidInput);
}

static PreKeyBundle makeBundle(const IdentityKeyPair &identity, bool withOneTime)
{
    const SignedPreKey spk = SignedPreKey::generate(identity, 11);
    PreKeyBundle b;
    b.identityKey = identity.publicKey();
    b.signedPreKey = SignedPreKeyPublic::from(spk);
    if (withOneTime)
        b.oneTimePreKey = OneTimePreKeyPublic::from(OneTimePreKey::generate(42, 1).first());
    return b;
}

void TestCryptoKeys::bundleRoundTripsThroughJson()
{
    const IdentityKeyPair identity = IdentityKeyPair::generate();
    const PreKeyBundle b = makeBundle(identity, true);
    QVERIFY(b.verify());
    const QJsonObject json = b.toJson();
    QCOMPARE(json.value(u"signed_prekey"_s).toObject().value(u"id"_s).toInt(), 11);
    QCOMPARE(json.value(u"one_time_prekey"_s).toObject().value(u"id"_s).toInt(), 42);
    QCOMPARE(json.value(u"identity_key"_s).toString(), toBase64Url(identity.publicKey()));
    auto parsed = PreKeyBundle::fromJson(json);
    QVERIFY2(parsed.ok(), qPrintable(parsed.error()));
    QCOMPARE(parsed->identityKey, b.identityKey);
    QCOMPARE(parsed->signedPreKey.publicKey, b.signedPreKey.publicKey);
    QCOMPARE(parsed->signedPreKey.signature, b.signedPreKey.signature);
    QVERIFY(parsed->oneTimePreKey.has_value());
    QCOMPARE(parsed->oneTimePreKey->id, 42u);
    QCOMPARE(parsed->oneTimePreKey->publicKey, b.oneTimePreKey->publicKey);
    QVERIFY(parsed->verify());
}

void TestCryptoKeys::bundleWithoutOneTimePreKey()
{
    const PreKeyBundle b = makeBundle(IdentityKeyPair::generate(), false);
    QVERIFY(!b.toJson().contains(u"one_time_prekey"_s));
    auto parsed = PreKeyBundle::fromJson(b.toJson());
    QVERIFY(parsed.ok());
    QVERIFY(!parsed->oneTimePreKey);
    QJsonObject withNull = b.toJson();
    withNull.insert(u"one_time_prekey"_s, QJsonValue::Null);
    QVERIFY(PreKeyBundle::fromJson(withNull).ok());
}

void TestCryptoKeys::bundleFromJsonRefusesBadFields_data()
{
    QTest::addColumn<QJsonObject>("json");
    const QJsonObject good = makeBundle(IdentityKeyPair::generate(), true).toJson();
    const auto with = [&](const QString &key, const QJsonValue &value) {
        QJsonObject o = good;
        o.insert(key, value);
        return o;
    };
    const auto withSpk = [&](const QString &key, const QJsonValue &value) {
        QJsonObject spk = good.value(u"signed_prekey"_s).toObject();
        spk.insert(key, value);
        return with(u"signed_prekey"_s, spk);
    };
    QJsonObject noIdentity = good;
    noIdentity.remove(u"identity_key"_s);
    QTest::newRow("no identity key") << noIdentity;
    QTest::newRow("identity key too short")
            << with(u"identity_key"_s, toBase64Url(QByteArray(31, 'a')));
    QTest::newRow("identity key padded")
            << with(u"identity_key"_s, QString(good.value(u"identity_key"_s).toString() + u"="_s));
    QTest::newRow("identity key a number") << with(u"identity_key"_s, 5);
    QTest::newRow("signed prekey missing") << with(u"signed_prekey"_s, QJsonValue::Null);
    QTest::newRow("signed prekey id negative") << withSpk(u"id"_s, -1);
    QTest::newRow("signed prekey id fractional") << withSpk(u"id"_s, 1.5);
    QTest::newRow("signed prekey id too large") << withSpk(u"id"_s, 4294967296.0);
    QTest::newRow("signature too short")
            << withSpk(u"signature"_s, toBase64Url(QByteArray(63, 's')));
    QTest::newRow("signed prekey key bad base64") << withSpk(u"public_key"_s, u"!!!"_s);
    QTest::newRow("one-time prekey not an object") << with(u"one_time_prekey"_s, u"x"_s);
    QTest::newRow("one-time prekey without key")
            << with(u"one_time_prekey"_s, QJsonObject{{u"id"_s, 1}});
}

void TestCryptoKeys::bundleFromJsonRefusesBadFields()
{
    QFETCH(QJsonObject, json);
    auto parsed = PreKeyBundle::fromJson(json);
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.errorCode(), Error::InvalidInput);
    QCOMPARE(parsed.code(), u"invalid_input"_s);
    QVERIFY(!parsed.error().isEmpty());
}

void TestCryptoKeys::uploadRoundTripsAndChecksTheSignature()
{
    const IdentityKeyPair identity = IdentityKeyPair::generate();
    const SignedPreKey spk = SignedPreKey::generate(identity, 1);
    PreKeyUpload upload;
    upload.identityKey = identity.publicKey();
    upload.signedPreKey = SignedPreKeyPublic::from(spk);
    for (const auto &k : OneTimePreKey::generate(1, 100))
        upload.oneTimePreKeys.append(OneTimePreKeyPublic::from(k));
    QVERIFY(upload.verify());
    const QJsonObject json = upload.toJson();
    QCOMPARE(json.value(u"one_time_prekeys"_s).toArray().size(), 100);
    // No secret ever reaches the wire form.
    QVERIFY(!QJsonDocument(json).toJson().contains("secret"));
    auto parsed = PreKeyUpload::fromJson(json);
    QVERIFY2(parsed.ok(), qPrintable(parsed.error()));
    QCOMPARE(parsed->oneTimePreKeys.size(), 100);
    QCOMPARE(parsed->oneTimePreKeys.at(99).publicKey, upload.oneTimePreKeys.at(99).publicKey);

    // Someone else's identity key with this signed prekey: refused.
    QJsonObject forged = json;
    forged.insert(u"identity_key"_s, toBase64Url(IdentityKeyPair::generate().publicKey()));
    QCOMPARE(PreKeyUpload::fromJson(forged).errorCode(), Error::BadSignature);
}

void TestCryptoKeys::uploadRefusesTooManyOrRepeatedKeys()
{
    const IdentityKeyPair identity = IdentityKeyPair::generate();
    PreKeyUpload upload;
    upload.identityKey = identity.publicKey();
    upload.signedPreKey = SignedPreKeyPublic::from(SignedPreKey::generate(identity, 1));
    for (const auto &k : OneTimePreKey::generate(1, PreKeyUpload::maxOneTimePreKeys + 1))
        upload.oneTimePreKeys.append(OneTimePreKeyPublic::from(k));
    QCOMPARE(PreKeyUpload::fromJson(upload.toJson()).errorCode(), Error::InvalidInput);

    upload.oneTimePreKeys = upload.oneTimePreKeys.mid(0, 2);
    upload.oneTimePreKeys[1].id = upload.oneTimePreKeys[0].id;
    QVERIFY(!upload.verify());
    QCOMPARE(PreKeyUpload::fromJson(upload.toJson()).errorCode(), Error::InvalidInput);
}

QTEST_APPLESS_MAIN(TestCryptoKeys)
#include "tst_crypto_keys.moc"
