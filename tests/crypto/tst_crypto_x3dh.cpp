// SPDX-License-Identifier: MIT
// X3DH: both sides derive the same SK and AD, with and without a one-time prekey; a bundle
// with a bad signed-prekey signature is refused; the wrong prekeys give a different key or a
// clear error.
#include <QTest>

#include <fastchat/crypto/X3dh.h>

using namespace fastchat::crypto;
using namespace Qt::StringLiterals;

namespace {

struct Bob
{
    IdentityKeyPair identity = IdentityKeyPair::generate();
    SignedPreKey signedPreKey = SignedPreKey::generate(identity, 5);
    QList<OneTimePreKey> oneTimePreKeys = OneTimePreKey::generate(100, 3);

    PreKeyBundle bundle(bool withOneTime, int which = 0) const
    {
        PreKeyBundle b;
        b.identityKey = identity.publicKey();
        b.signedPreKey = SignedPreKeyPublic::from(signedPreKey);
        if (withOneTime)
            b.oneTimePreKey = OneTimePreKeyPublic::from(oneTimePreKeys.at(which));
        return b;
    }
};

} // namespace

class TestCryptoX3dh : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void bothSidesDeriveTheSameKey_data();
    void bothSidesDeriveTheSameKey();
    void eachRunGivesAFreshKey();
    void badSignedPreKeySignatureIsRefused();
    void signedPreKeySwappedByTheServerIsRefused();
    void wrongOneTimePreKeyGivesAnotherKey();
    void missingPreKeysAreNamed();
    void headerRoundTripsThroughJson();
};

void TestCryptoX3dh::bothSidesDeriveTheSameKey_data()
{
    QTest::addColumn<bool>("withOneTime");
    QTest::newRow("with one-time prekey") << true;
    QTest::newRow("without one-time prekey") << false;
}

void TestCryptoX3dh::bothSidesDeriveTheSameKey()
{
    QFETCH(bool, withOneTime);
    const IdentityKeyPair alice = IdentityKeyPair::generate();
    const Bob bob;
    auto init = X3dh::initiate(alice, bob.bundle(withOneTime, 1));
    QVERIFY2(init.ok(), qPrintable(init.error()));
    QCOMPARE(init->session.sharedKey.size(), 32);
    QCOMPARE(init->header.identityKey, alice.publicKey());
    QCOMPARE(init->header.signedPreKeyId, 5u);
    QCOMPARE(init->header.oneTimePreKeyId.has_value(), withOneTime);
    if (withOneTime)
        QCOMPARE(*init->header.oneTimePreKeyId, 101u);
    QCOMPARE(init->peerSignedPreKey, bob.signedPreKey.keyPair.publicKey);
    QCOMPARE(init->session.peerIdentityKey, bob.identity.publicKey());

    const OneTimePreKey *otk = withOneTime ? &bob.oneTimePreKeys.at(1) : nullptr;
    auto resp = X3dh::respond(bob.identity, bob.signedPreKey, otk, init->header);
    QVERIFY2(resp.ok(), qPrintable(resp.error()));
    QVERIFY(resp->sharedKey == init->session.sharedKey);
    QCOMPARE(resp->associatedData, init->session.associatedData);
    QCOMPARE(resp->associatedData, QByteArray(alice.publicKey() + bob.identity.publicKey()));
    QCOMPARE(resp->peerIdentityKey, alice.publicKey());
}

void TestCryptoX3dh::eachRunGivesAFreshKey()
{
    const IdentityKeyPair alice = IdentityKeyPair::generate();
    const Bob bob;
    auto a = X3dh::initiate(alice, bob.bundle(false));
    auto b = X3dh::initiate(alice, bob.bundle(false));
    QVERIFY(a.ok() && b.ok());
    QVERIFY(a->header.ephemeralKey != b->header.ephemeralKey);
    QVERIFY(a->session.sharedKey != b->session.sharedKey);
}

void TestCryptoX3dh::badSignedPreKeySignatureIsRefused()
{
    const IdentityKeyPair alice = IdentityKeyPair::generate();
    const Bob bob;
    PreKeyBundle bundle = bob.bundle(true);
    bundle.signedPreKey.signature[3] = char(bundle.signedPreKey.signature[3] ^ 0x10);
    auto init = X3dh::initiate(alice, bundle);
    QVERIFY(!init.ok());
    QCOMPARE(init.errorCode(), Error::BadSignature);
    QCOMPARE(init.code(), u"bad_signature"_s);
}

void TestCryptoX3dh::signedPreKeySwappedByTheServerIsRefused()
{
    // A server that substitutes its own signed prekey cannot sign it with Bob's identity key.
    const IdentityKeyPair alice = IdentityKeyPair::generate();
    const IdentityKeyPair server = IdentityKeyPair::generate();
    const Bob bob;
    PreKeyBundle bundle = bob.bundle(false);
    bundle.signedPreKey = SignedPreKeyPublic::from(SignedPreKey::generate(server, 5));
    QCOMPARE(X3dh::initiate(alice, bundle).errorCode(), Error::BadSignature);
}

void TestCryptoX3dh::wrongOneTimePreKeyGivesAnotherKey()
{
    const IdentityKeyPair alice = IdentityKeyPair::generate();
    const Bob bob;
    auto init = X3dh::initiate(alice, bob.bundle(true, 0));
    QVERIFY(init.ok());
    // Bob's store returns key 101 under id 100 (a corrupted store): a different key, which
    // the first message's authentication will then refuse.
    OneTimePreKey wrong = bob.oneTimePreKeys.at(1);
    wrong.id = 100;
    auto resp = X3dh::respond(bob.identity, bob.signedPreKey, &wrong, init->header);
    QVERIFY(resp.ok());
    QVERIFY(resp->sharedKey != init->session.sharedKey);
}

void TestCryptoX3dh::missingPreKeysAreNamed()
{
    const IdentityKeyPair alice = IdentityKeyPair::generate();
    const Bob bob;
    auto init = X3dh::initiate(alice, bob.bundle(true, 2));
    QVERIFY(init.ok());
    auto noOneTime = X3dh::respond(bob.identity, bob.signedPreKey, nullptr, init->header);
    QCOMPARE(noOneTime.errorCode(), Error::MissingPreKey);
    QVERIFY(noOneTime.error().contains(u"102"_s));

    const SignedPreKey rotated = SignedPreKey::generate(bob.identity, 6);
    auto oldSigned = X3dh::respond(bob.identity, rotated, &bob.oneTimePreKeys.at(2), init->header);
    QCOMPARE(oldSigned.errorCode(), Error::MissingPreKey);
}

void TestCryptoX3dh::headerRoundTripsThroughJson()
{
    const IdentityKeyPair alice = IdentityKeyPair::generate();
    const Bob bob;
    for (bool withOneTime : {true, false}) {
        auto init = X3dh::initiate(alice, bob.bundle(withOneTime));
        QVERIFY(init.ok());
        auto parsed = InitialMessageHeader::fromJson(init->header.toJson());
        QVERIFY2(parsed.ok(), qPrintable(parsed.error()));
        QVERIFY(*parsed == init->header);
    }
    QCOMPARE(
            InitialMessageHeader::fromJson(QJsonObject{{u"identity_key"_s, u"AAAA"_s}}).errorCode(),
            Error::InvalidInput);
}

QTEST_APPLESS_MAIN(TestCryptoX3dh)
#include "tst_crypto_x3dh.moc"
