// SPDX-License-Identifier: MIT
// SessionCipher and the envelope in a chat message's content: a conversation from a
// bundle, the X3DH header until the first reply, a lost first message, a second session,
// padding, size limits, plaintext peers told apart, and the saved session.
#include <QJsonDocument>
#include <QTest>

#include <fastchat/crypto/SessionCipher.h>

using namespace fastchat::crypto;
using namespace Qt::StringLiterals;

namespace {

struct Bob
{
    IdentityKeyPair identity = IdentityKeyPair::generate();
    SignedPreKey signedPreKey = SignedPreKey::generate(identity, 9);
    QList<OneTimePreKey> oneTimePreKeys = OneTimePreKey::generate(1, 2);

    PreKeyBundle bundle() const
    {
        PreKeyBundle b;
        b.identityKey = identity.publicKey();
        b.signedPreKey = SignedPreKeyPublic::from(signedPreKey);
        b.oneTimePreKey = OneTimePreKeyPublic::from(oneTimePreKeys.first());
        return b;
    }
    const OneTimePreKey *oneTimePreKey(const Envelope &e) const
    {
        if (!e.x3dh || !e.x3dh->oneTimePreKeyId)
            return nullptr;
        for (const auto &k : oneTimePreKeys)
            if (k.id == *e.x3dh->oneTimePreKeyId)
                return &k;
        return nullptr;
    }
};

// The envelope as the other side reads it: through the content string.
Envelope overTheWire(const Envelope &e)
{
    const QString content = e.toContent();
    Q_ASSERT(content.toUtf8().size() <= Envelope::maxContentBytes);
    auto parsed = Envelope::fromContent(content);
    Q_ASSERT(parsed.ok());
    return parsed.takeValue();
}

} // namespace

class TestCryptoSession : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void conversationFromABundle();
    void firstMessageLostTheNextOneStillStartsTheSession();
    void anotherSessionIsReportedAsNew();
    void plaintextPeersAreToldApart_data();
    void plaintextPeersAreToldApart();
    void envelopeFromContentRefusesBadInput_data();
    void envelopeFromContentRefusesBadInput();
    void paddingHidesExactLengths();
    void largestMessageFitsTheContentLimit();
    void savedSessionCarriesOn();
    void tamperedEnvelopeIsRejectedWithoutDamage();
};

void TestCryptoSession::conversationFromABundle()
{
    const IdentityKeyPair alice = IdentityKeyPair::generate();
    const Bob bob;
    auto aliceSession = SessionCipher::initiate(alice, bob.bundle());
    QVERIFY2(aliceSession.ok(), qPrintable(aliceSession.error()));
    QVERIFY(aliceSession->awaitingReply());
    QCOMPARE(aliceSession->peerIdentityKey(), bob.identity.publicKey());

    auto e1 = aliceSession->encrypt("hello bob");
    QVERIFY(e1.ok());
    QVERIFY(e1->x3dh.has_value());
    const QString content = e1->toContent();
    QVERIFY(!content.contains(u"hello"_s));
    QVERIFY(Envelope::isEncrypted(content));

    const Envelope first = overTheWire(*e1);
    auto accepted = SessionCipher::accept(bob.identity, bob.signedPreKey, bob.oneTimePreKey(first),
                                          first);
    QVERIFY2(accepted.ok(), qPrintable(accepted.error()));
    QCOMPARE(accepted->plaintext, QByteArray("hello bob"));
    QCOMPARE(accepted->usedOneTimePreKeyId, std::optional<quint32>(1));
    QCOMPARE(accepted->session.peerIdentityKey(), alice.publicKey());
    SessionCipher bobSession = accepted->session;

    auto e2 = aliceSession->encrypt("still there?");
    QVERIFY(e2->x3dh.has_value()); // no reply yet
    auto d2 = bobSession.decrypt(overTheWire(*e2));
    QVERIFY2(d2.ok(), qPrintable(d2.error()));
    QCOMPARE(*d2, QByteArray("still there?"));

    auto r1 = bobSession.encrypt("yes");
    QVERIFY(r1.ok());
    QVERIFY(!r1->x3dh.has_value());
    auto dr1 = aliceSession->decrypt(overTheWire(*r1));
    QVERIFY(dr1.ok());
    QCOMPARE(*dr1, QByteArray("yes"));
    QVERIFY(!aliceSession->awaitingReply());
    auto e3 = aliceSession->encrypt(QByteArray());
    QVERIFY(!e3->x3dh.has_value());
    auto d3 = bobSession.decrypt(overTheWire(*e3));
    QVERIFY(d3.ok());
    QCOMPARE(*d3, QByteArray());
}

void TestCryptoSession::firstMessageLostTheNextOneStillStartsTheSession()
{
    const IdentityKeyPair alice = IdentityKeyPair::generate();
    const Bob bob;
    auto aliceSession = SessionCipher::initiate(alice, bob.bundle());
    auto lost = aliceSession->encrypt("lost");
    auto second = aliceSession->encrypt("second");
    QVERIFY(lost.ok() && second.ok());
    const Envelope e = overTheWire(*second);
    auto accepted = SessionCipher::accept(bob.identity, bob.signedPreKey, bob.oneTimePreKey(e), e);
    QVERIFY2(accepted.ok(), qPrintable(accepted.error()));
    QCOMPARE(accepted->plaintext, QByteArray("second"));
    // The lost one arrives late: same session, its key was skipped.
    auto late = accepted->session.decrypt(overTheWire(*lost));
    QVERIFY2(late.ok(), qPrintable(late.error()));
    QCOMPARE(*late, QByteArray("lost"));
}

void TestCryptoSession::anotherSessionIsReportedAsNew()
{
    const IdentityKeyPair alice = IdentityKeyPair::generate();
    const Bob bob;
    auto s1 = SessionCipher::initiate(alice, bob.bundle());
    const Envelope e1 = overTheWire(*s1->encrypt("one"));
    auto accepted = SessionCipher::accept(bob.identity, bob.signedPreKey, bob.oneTimePreKey(e1),
                                          e1);
    QVERIFY(accepted.ok());

    // Alice lost her state and starts again (the server hands out the second one-time key).
    PreKeyBundle bundle = bob.bundle();
    bundle.oneTimePreKey = OneTimePreKeyPublic::from(bob.oneTimePreKeys.at(1));
    auto s2 = SessionCipher::initiate(alice, bundle);
    const Envelope e2 = overTheWire(*s2->encrypt("two"));
    const QByteArray before = accepted->session.serialize();
    auto r = accepted->session.decrypt(e2);
    QCOMPARE(r.errorCode(), Error::NewSession);
    QCOMPARE(accepted->session.serialize(), before);
    auto second = SessionCipher::accept(bob.identity, bob.signedPreKey, bob.oneTimePreKey(e2), e2);
    QVERIFY(second.ok());
    QCOMPARE(second->plaintext, QByteArray("two"));
    QCOMPARE(second->usedOneTimePreKeyId, std::optional<quint32>(2));

    // A one-time prekey already used (and deleted) cannot start a session again.
    auto replayed = SessionCipher::accept(bob.identity, bob.signedPreKey, nullptr, e1);
    QCOMPARE(replayed.errorCode(), Error::MissingPreKey);
}

void TestCryptoSession::plaintextPeersAreToldApart_data()
{
    QTest::addColumn<QString>("content");
    QTest::addColumn<bool>("encrypted");
    QTest::newRow("text") << u"hello"_s << false;
    QTest::newRow("empty") << QString() << false;
    QTest::newRow("json without e2ee") << u"{\"text\":\"hi\"}"_s << false;
    QTest::newRow("json array") << u"[1,2]"_s << false;
    QTest::newRow("broken json") << u"{\"e2ee\":1"_s << false;
    QTest::newRow("an envelope") << u"{\"e2ee\":1,\"header\":\"x\",\"ciphertext\":\"y\"}"_s << true;
    QTest::newRow("a future envelope") << u"{\"e2ee\":2}"_s << true;
}

void TestCryptoSession::plaintextPeersAreToldApart()
{
    QFETCH(QString, content);
    QFETCH(bool, encrypted);
    QCOMPARE(Envelope::isEncrypted(content), encrypted);
}

void TestCryptoSession::envelopeFromContentRefusesBadInput_data()
{
    QTest::addColumn<QString>("content");
    QTest::addColumn<int>("error");
    const IdentityKeyPair alice = IdentityKeyPair::generate();
    const Bob bob;
    auto s = SessionCipher::initiate(alice, bob.bundle());
    const QJsonObject good = s->encrypt("x")->toJson();
    const auto with = [&](const QString &key, const QJsonValue &value) {
        QJsonObject o = good;
        o.insert(key, value);
        return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
    };
    QTest::newRow("plaintext") << u"hello"_s << int(Error::InvalidInput);
    QTest::newRow("version 2") << with(u"e2ee"_s, 2) << int(Error::UnsupportedVersion);
    QTest::newRow("version as text") << with(u"e2ee"_s, u"1"_s) << int(Error::InvalidInput);
    QTest::newRow("short header") << with(u"header"_s, u"AAAA"_s) << int(Error::InvalidInput);
    QTest::newRow("ciphertext shorter than a tag")
            << with(u"ciphertext"_s, u"AAAA"_s) << int(Error::InvalidInput);
    QTest::newRow("x3dh not an object") << with(u"x3dh"_s, 3) << int(Error::InvalidInput);
    QTest::newRow("x3dh incomplete")
            << with(u"x3dh"_s, QJsonObject{{u"signed_prekey_id"_s, 1}}) << int(Error::InvalidInput);
}

void TestCryptoSession::envelopeFromContentRefusesBadInput()
{
    QFETCH(QString, content);
    QFETCH(int, error);
    auto e = Envelope::fromContent(content);
    QVERIFY(!e.ok());
    QCOMPARE(int(e.errorCode()), error);
    QVERIFY(!e.error().isEmpty());
}

void TestCryptoSession::paddingHidesExactLengths()
{
    QCOMPARE(SessionCipher::pad("").size(), SessionCipher::paddingBlock);
    QCOMPARE(SessionCipher::pad(QByteArray(159, 'a')).size(), SessionCipher::paddingBlock);
    QCOMPARE(SessionCipher::pad(QByteArray(160, 'a')).size(), 2 * SessionCipher::paddingBlock);
    for (int n : {0, 1, 100, 159, 160, 161, 1000}) {
        const QByteArray text(n, 'z');
        QCOMPARE(SessionCipher::unpad(SessionCipher::pad(text)), std::optional<QByteArray>(text));
    }
    QVERIFY(!SessionCipher::unpad(QByteArray(160, '\0')));
    QVERIFY(!SessionCipher::unpad(QByteArray("abc")));

    const IdentityKeyPair alice = IdentityKeyPair::generate();
    const Bob bob;
    auto s = SessionCipher::initiate(alice, bob.bundle());
    const auto a = s->encrypt("hi");
    const auto b = s->encrypt(QByteArray(150, 'x'));
    QCOMPARE(a->ciphertext.size(), b->ciphertext.size());
}

void TestCryptoSession::largestMessageFitsTheContentLimit()
{
    const IdentityKeyPair alice = IdentityKeyPair::generate();
    const Bob bob;
    auto s = SessionCipher::initiate(alice, bob.bundle());
    auto big = s->encrypt(QByteArray(SessionCipher::maxPlaintextBytes, 'q'));
    QVERIFY2(big.ok(), qPrintable(big.error()));
    QVERIFY(big->x3dh.has_value()); // the largest envelope: with the X3DH header
    QVERIFY(big->toContent().toUtf8().size() <= Envelope::maxContentBytes);
    const Envelope e = overTheWire(*big);
    auto accepted = SessionCipher::accept(bob.identity, bob.signedPreKey, bob.oneTimePreKey(e), e);
    QVERIFY(accepted.ok());
    QCOMPARE(accepted->plaintext.size(), SessionCipher::maxPlaintextBytes);
    QCOMPARE(s->encrypt(QByteArray(SessionCipher::maxPlaintextBytes + 1, 'q')).errorCode(),
             Error::InvalidInput);
}

void TestCryptoSession::savedSessionCarriesOn()
{
    const IdentityKeyPair alice = IdentityKeyPair::generate();
    const Bob bob;
    auto a = SessionCipher::initiate(alice, bob.bundle());
    const Envelope e1 = overTheWire(*a->encrypt("1"));
    auto accepted = SessionCipher::accept(bob.identity, bob.signedPreKey, bob.oneTimePreKey(e1),
                                          e1);
    QVERIFY(accepted.ok());

    auto a2 = SessionCipher::deserialize(a->serialize());
    auto b2 = SessionCipher::deserialize(accepted->session.serialize());
    QVERIFY2(a2.ok(), qPrintable(a2.error()));
    QVERIFY2(b2.ok(), qPrintable(b2.error()));
    QVERIFY(a2->awaitingReply());
    QCOMPARE(a2->peerIdentityKey(), bob.identity.publicKey());
    QCOMPARE(b2->peerIdentityKey(), alice.publicKey());
    QVERIFY(b2->initialHeader() == *e1.x3dh);

    // The restored Bob recognises Alice's next prekey message as this session's.
    auto d = b2->decrypt(overTheWire(*a2->encrypt("2")));
    QVERIFY2(d.ok(), qPrintable(d.error()));
    QCOMPARE(*d, QByteArray("2"));
    auto reply = b2->decrypt(overTheWire(*a2->encrypt("3")));
    QVERIFY(reply.ok());

    QCOMPARE(SessionCipher::deserialize("not json").errorCode(), Error::InvalidInput);
    QCOMPARE(SessionCipher::deserialize("{\"v\":2}").errorCode(), Error::UnsupportedVersion);
}

void TestCryptoSession::tamperedEnvelopeIsRejectedWithoutDamage()
{
    const IdentityKeyPair alice = IdentityKeyPair::generate();
    const Bob bob;
    auto a = SessionCipher::initiate(alice, bob.bundle());
    const Envelope e1 = overTheWire(*a->encrypt("1"));
    auto accepted = SessionCipher::accept(bob.identity, bob.signedPreKey, bob.oneTimePreKey(e1),
                                          e1);
    QVERIFY(accepted.ok());
    SessionCipher b = accepted->session;

    Envelope e2 = overTheWire(*a->encrypt("2"));
    const QByteArray before = b.serialize();
    Envelope bad = e2;
    bad.ciphertext[0] = char(bad.ciphertext[0] ^ 0x40);
    QCOMPARE(b.decrypt(bad).errorCode(), Error::DecryptFailed);
    bad = e2;
    bad.header.n = 7;
    QCOMPARE(b.decrypt(bad).errorCode(), Error::DecryptFailed);
    QCOMPARE(b.serialize(), before);
    auto d = b.decrypt(e2);
    QVERIFY(d.ok());
    QCOMPARE(*d, QByteArray("2"));
}

QTEST_APPLESS_MAIN(TestCryptoSession)
#include "tst_crypto_session.moc"
