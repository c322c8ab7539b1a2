// SPDX-License-Identifier: MIT
// The Double Ratchet after a real X3DH: alternating conversation, out-of-order delivery
// within and across chains, loss, replays, the skip caps, tampered ciphertext and headers
// (refused with no damage: the next genuine message still decrypts), and the serialized
// state in the middle of a conversation.
#include <QRandomGenerator>
#include <QTest>

#include <fastchat/crypto/DoubleRatchet.h>
#include <fastchat/crypto/X3dh.h>

using namespace fastchat::crypto;
using namespace Qt::StringLiterals;

namespace {

struct Pair
{
    DoubleRatchet alice;
    DoubleRatchet bob;
};

Pair startSession()
{
    const IdentityKeyPair aliceId = IdentityKeyPair::generate();
    const IdentityKeyPair bobId = IdentityKeyPair::generate();
    const SignedPreKey spk = SignedPreKey::generate(bobId, 1);
    PreKeyBundle bundle;
    bundle.identityKey = bobId.publicKey();
    bundle.signedPreKey = SignedPreKeyPublic::from(spk);
    auto init = X3dh::initiate(aliceId, bundle);
    auto resp = X3dh::respond(bobId, spk, nullptr, init->header);
    auto alice = DoubleRatchet::initiator(init->session.sharedKey, init->peerSignedPreKey,
                                          init->session.associatedData);
    auto bob = DoubleRatchet::responder(resp->sharedKey, spk.keyPair, resp->associatedData);
    Q_ASSERT(alice.ok() && bob.ok());
    return {alice.takeValue(), bob.takeValue()};
}

QByteArray text(const char *who, int i)
{
    return QByteArray(who) + " says " + QByteArray::number(i);
}

} // namespace

#define DECRYPTS(ratchet, message, expected) \
    do { \
        auto plain_ = (ratchet).decrypt((message).header, (message).ciphertext); \
        QVERIFY2(plain_.ok(), qPrintable(plain_.code() + u": "_s + plain_.error())); \
        QCOMPARE(*plain_, QByteArray(expected)); \
    } while (false)

#define ENCRYPT(var, ratchet, plaintext) \
    auto var##_r = (ratchet).encrypt(plaintext); \
    QVERIFY2(var##_r.ok(), qPrintable(var##_r.error())); \
    const DoubleRatchet::Message var = var##_r.value()

class TestCryptoRatchet : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void alternatingConversation();
    void responderCannotSendFirst();
    void sameTextGivesDifferentCiphertexts();
    void outOfOrderWithinAChain();
    void outOfOrderAcrossChains();
    void lostMessagesAreSkipped();
    void replayIsRejected();
    void replayOfAnOldChainIsRejected();
    void skipBeyondMaxSkipIsRefused();
    void previousChainSkipIsCappedToo();
    void storedSkippedKeysAreCapped();
    void tamperedCiphertextIsRejectedWithoutDamage();
    void tamperedHeaderIsRejectedWithoutDamage_data();
    void tamperedHeaderIsRejectedWithoutDamage();
    void associatedDataBindsTheIdentities();
    void serializationRoundTripMidConversation();
    void deserializeRefusesDamagedState_data();
    void deserializeRefusesDamagedState();
};

void TestCryptoRatchet::alternatingConversation()
{
    Pair p = startSession();
    int counter = 0;
    for (int round = 0; round < 20; ++round) {
        const int aliceCount = 1 + round % 3;
        for (int i = 0; i < aliceCount; ++i) {
            ENCRYPT(m, p.alice, text("alice", ++counter));
            QVERIFY(!m.ciphertext.contains(text("alice", counter)));
            DECRYPTS(p.bob, m, text("alice", counter));
        }
        const int bobCount = 1 + (round + 1) % 2;
        for (int i = 0; i < bobCount; ++i) {
            ENCRYPT(m, p.bob, text("bob", ++counter));
            DECRYPTS(p.alice, m, text("bob", counter));
        }
    }
    QCOMPARE(p.alice.skippedKeyCount(), 0);
    QCOMPARE(p.bob.skippedKeyCount(), 0);
}

void TestCryptoRatchet::responderCannotSendFirst()
{
    Pair p = startSession();
    QVERIFY(!p.bob.canSend());
    auto m = p.bob.encrypt("too early");
    QCOMPARE(m.errorCode(), Error::NoSendingChain);
    ENCRYPT(first, p.alice, "hi");
    DECRYPTS(p.bob, first, "hi");
    QVERIFY(p.bob.canSend());
}

void TestCryptoRatchet::sameTextGivesDifferentCiphertexts()
{
    Pair p = startSession();
    ENCRYPT(a, p.alice, "same");
    ENCRYPT(b, p.alice, "same");
    QVERIFY(a.ciphertext != b.ciphertext);
    QCOMPARE(a.ciphertext.size(), 4 + 16);
    QCOMPARE(a.header.n, 0u);
    QCOMPARE(b.header.n, 1u);
}

void TestCryptoRatchet::outOfOrderWithinAChain()
{
    Pair p = startSession();
    QList<DoubleRatchet::Message> sent;
    for (int i = 0; i < 5; ++i) {
        ENCRYPT(m, p.alice, text("alice", i));
        sent.append(m);
    }
    for (int i : {4, 2, 0, 3, 1})
        DECRYPTS(p.bob, sent.at(i), text("alice", i));
    QCOMPARE(p.bob.skippedKeyCount(), 0);
}

void TestCryptoRatchet::outOfOrderAcrossChains()
{
    Pair p = startSession();
    ENCRYPT(a0, p.alice, "a0");
    ENCRYPT(a1, p.alice, "a1");
    DECRYPTS(p.bob, a0, "a0");
    ENCRYPT(b0, p.bob, "b0");
    DECRYPTS(p.alice, b0, "b0");
    ENCRYPT(a2, p.alice, "a2"); // a new chain: its header says the previous chain had 2
    QCOMPARE(a2.header.pn, 2u);
    QCOMPARE(a2.header.n, 0u);
    QVERIFY(a2.header.dh != a1.header.dh);
    DECRYPTS(p.bob, a2, "a2");
    QCOMPARE(p.bob.skippedKeyCount(), 1); // a1's key, kept
    DECRYPTS(p.bob, a1, "a1");
    QCOMPARE(p.bob.skippedKeyCount(), 0);
}

void TestCryptoRatchet::lostMessagesAreSkipped()
{
    Pair p = startSession();
    DoubleRatchet::Message last;
    for (int i = 0; i < 10; ++i) {
        ENCRYPT(m, p.alice, text("alice", i));
        last = m;
    }
    DECRYPTS(p.bob, last, text("alice", 9)); // 0..8 never arrive
    QCOMPARE(p.bob.skippedKeyCount(), 9);
    ENCRYPT(reply, p.bob, "got 9");
    DECRYPTS(p.alice, reply, "got 9");
    ENCRYPT(next, p.alice, "next");
    DECRYPTS(p.bob, next, "next");
}

void TestCryptoRatchet::replayIsRejected()
{
    Pair p = startSession();
    ENCRYPT(m0, p.alice, "m0");
    ENCRYPT(m1, p.alice, "m1");
    ENCRYPT(m2, p.alice, "m2");
    DECRYPTS(p.bob, m0, "m0");
    const QByteArray before = p.bob.serialize();
    auto again = p.bob.decrypt(m0.header, m0.ciphertext);
    QVERIFY(!again.ok());
    QCOMPARE(again.errorCode(), Error::Replay);
    QCOMPARE(again.code(), u"replay"_s);
    QCOMPARE(p.bob.serialize(), before);

    // A message decrypted through a skipped key is a replay the second time too.
    DECRYPTS(p.bob, m2, "m2");
    DECRYPTS(p.bob, m1, "m1");
    QCOMPARE(p.bob.decrypt(m1.header, m1.ciphertext).errorCode(), Error::Replay);
    QCOMPARE(p.bob.decrypt(m2.header, m2.ciphertext).errorCode(), Error::Replay);

    ENCRYPT(m3, p.alice, "m3");
    DECRYPTS(p.bob, m3, "m3");
}

void TestCryptoRatchet::replayOfAnOldChainIsRejected()
{
    Pair p = startSession();
    ENCRYPT(a0, p.alice, "a0");
    DECRYPTS(p.bob, a0, "a0");
    ENCRYPT(b0, p.bob, "b0");
    DECRYPTS(p.alice, b0, "b0");
    ENCRYPT(a1, p.alice, "a1");
    DECRYPTS(p.bob, a1, "a1");
    const QByteArray before = p.bob.serialize();
    QCOMPARE(p.bob.decrypt(a0.header, a0.ciphertext).errorCode(), Error::Replay);
    QCOMPARE(p.bob.serialize(), before);
    QCOMPARE(p.alice.decrypt(b0.header, b0.ciphertext).errorCode(), Error::Replay);
}

void TestCryptoRatchet::skipBeyondMaxSkipIsRefused()
{
    Pair p = startSession();
    QList<DoubleRatchet::Message> sent;
    for (quint32 i = 0; i <= DoubleRatchet::maxSkip + 1; ++i) {
        ENCRYPT(m, p.alice, QByteArray::number(i));
        sent.append(m);
    }
    const QByteArray before = p.bob.serialize();
    auto tooFar = p.bob.decrypt(sent.last().header, sent.last().ciphertext);
    QVERIFY(!tooFar.ok());
    QCOMPARE(tooFar.errorCode(), Error::TooManySkipped);
    QCOMPARE(p.bob.serialize(), before);
    QCOMPARE(p.bob.skippedKeyCount(), 0);

    // Exactly maxSkip missing messages is still fine.
    const auto &edge = sent.at(int(DoubleRatchet::maxSkip));
    DECRYPTS(p.bob, edge, QByteArray::number(DoubleRatchet::maxSkip));
    QCOMPARE(p.bob.skippedKeyCount(), qsizetype(DoubleRatchet::maxSkip));
    DECRYPTS(p.bob, sent.last(), QByteArray::number(DoubleRatchet::maxSkip + 1));
    DECRYPTS(p.bob, sent.at(17), "17");
}

void TestCryptoRatchet::previousChainSkipIsCappedToo()
{
    Pair p = startSession();
    ENCRYPT(a0, p.alice, "a0");
    DECRYPTS(p.bob, a0, "a0");
    ENCRYPT(b0, p.bob, "b0");
    // A forged header with a new ratchet key that claims a huge previous chain.
    DoubleRatchet::Message forged = b0;
    forged.header.pn = DoubleRatchet::maxSkip + 5;
    const QByteArray before = p.alice.serialize();
    QCOMPARE(p.alice.decrypt(forged.header, forged.ciphertext).errorCode(), Error::TooManySkipped);
    QCOMPARE(p.alice.serialize(), before);
    DECRYPTS(p.alice, b0, "b0");
}

void TestCryptoRatchet::storedSkippedKeysAreCapped()
{
    Pair p = startSession();
    // Three chains, each losing maxSkip messages: 3000 skipped keys, at most 2000 kept.
    DoubleRatchet::Message firstLost;
    for (int chain = 0; chain < 3; ++chain) {
        DoubleRatchet::Message last;
        for (quint32 i = 0; i <= DoubleRatchet::maxSkip; ++i) {
            ENCRYPT(m, p.alice, "x");
            if (chain == 0 && i == 0)
                firstLost = m;
            last = m;
        }
        DECRYPTS(p.bob, last, "x");
        ENCRYPT(reply, p.bob, "ack");
        DECRYPTS(p.alice, reply, "ack");
    }
    QCOMPARE(p.bob.skippedKeyCount(), DoubleRatchet::maxStoredSkippedKeys);
    // The oldest keys went first: the very first lost message can no longer be read.
    auto late = p.bob.decrypt(firstLost.header, firstLost.ciphertext);
    QVERIFY(!late.ok());
    QCOMPARE(late.errorCode(), Error::Replay);
    // The state survives serialization at the cap.
    auto restored = DoubleRatchet::deserialize(p.bob.serialize());
    QVERIFY2(restored.ok(), qPrintable(restored.error()));
    QCOMPARE(restored->skippedKeyCount(), DoubleRatchet::maxStoredSkippedKeys);
}

void TestCryptoRatchet::tamperedCiphertextIsRejectedWithoutDamage()
{
    Pair p = startSession();
    ENCRYPT(m0, p.alice, "genuine 0");
    DECRYPTS(p.bob, m0, "genuine 0");
    ENCRYPT(b0, p.bob, "reply");
    DECRYPTS(p.alice, b0, "reply");
    ENCRYPT(m1, p.alice, "genuine 1"); // a new chain: decrypting it would turn Bob's ratchet
    ENCRYPT(m2, p.alice, "genuine 2");

    const QByteArray before = p.bob.serialize();
    for (qsizetype i = 0; i < m1.ciphertext.size(); ++i) {
        DoubleRatchet::Message bad = m1;
        bad.ciphertext[i] = char(bad.ciphertext[i] ^ 0x01);
        auto r = p.bob.decrypt(bad.header, bad.ciphertext);
        QVERIFY(!r.ok());
        QCOMPARE(r.errorCode(), Error::DecryptFailed);
        QVERIFY(!r.error().isEmpty());
        QCOMPARE(p.bob.serialize(), before);
    }
    DoubleRatchet::Message cut = m1;
    cut.ciphertext.chop(1);
    QCOMPARE(p.bob.decrypt(cut.header, cut.ciphertext).errorCode(), Error::DecryptFailed);
    QCOMPARE(p.bob.decrypt(cut.header, QByteArray(5, 'x')).errorCode(), Error::DecryptFailed);
    QCOMPARE(p.bob.serialize(), before);

    DECRYPTS(p.bob, m2, "genuine 2");
    DECRYPTS(p.bob, m1, "genuine 1");
}

void TestCryptoRatchet::tamperedHeaderIsRejectedWithoutDamage_data()
{
    QTest::addColumn<QString>("what");
    QTest::newRow("n + 1") << u"n+1"_s;
    QTest::newRow("n - 1") << u"n-1"_s;
    QTest::newRow("pn") << u"pn"_s;
    QTest::newRow("ratchet key replaced") << u"dh"_s;
    QTest::newRow("ratchet key bit flipped") << u"dhbit"_s;
    QTest::newRow("low-order ratchet key") << u"dhzero"_s;
}

void TestCryptoRatchet::tamperedHeaderIsRejectedWithoutDamage()
{
    QFETCH(QString, what);
    Pair p = startSession();
    ENCRYPT(m0, p.alice, "m0");
    DECRYPTS(p.bob, m0, "m0");
    ENCRYPT(b0, p.bob, "b0");
    DECRYPTS(p.alice, b0, "b0");
    ENCRYPT(m1, p.alice, "m1");
    DECRYPTS(p.bob, m1, "m1");
    ENCRYPT(m2, p.alice, "m2");

    DoubleRatchet::Message bad = m2;
    if (what == u"n+1")
        bad.header.n += 1;
    else if (what == u"n-1")
        bad.header.n -= 1;
    else if (what == u"pn")
        bad.header.pn += 1;
    else if (what == u"dh")
        bad.header.dh = DhKeyPair::generate().publicKey;
    else if (what == u"dhbit")
        bad.header.dh[7] = char(bad.header.dh[7] ^ 0x04);
    else
        bad.header.dh = QByteArray(32, '\0');

    const QByteArray before = p.bob.serialize();
    auto r = p.bob.decrypt(bad.header, bad.ciphertext);
    QVERIFY(!r.ok());
    QVERIFY2(r.errorCode() == Error::DecryptFailed || r.errorCode() == Error::Replay
                     || r.errorCode() == Error::InvalidKey,
             qPrintable(r.code()));
    QCOMPARE(p.bob.serialize(), before);
    DECRYPTS(p.bob, m2, "m2");
    ENCRYPT(b1, p.bob, "b1");
    DECRYPTS(p.alice, b1, "b1");
}

void TestCryptoRatchet::associatedDataBindsTheIdentities()
{
    Pair p = startSession();
    ENCRYPT(m0, p.alice, "m0");
    // Bob's side with the same keys but another AD (another claimed identity) cannot read it.
    QByteArray state = p.bob.serialize();
    auto restored = DoubleRatchet::deserialize(state);
    QVERIFY(restored.ok());
    const QByteArray ad = restored->associatedData();
    QCOMPARE(ad.size(), 64);
    // Rebuild the serialized state with the last AD byte flipped (AD sits before the counts).
    const qsizetype at = state.indexOf(ad);
    QVERIFY(at > 0);
    state[at + 63] = char(state[at + 63] ^ 1);
    auto other = DoubleRatchet::deserialize(state);
    QVERIFY(other.ok());
    QCOMPARE(other->decrypt(m0.header, m0.ciphertext).errorCode(), Error::DecryptFailed);
    DECRYPTS(p.bob, m0, "m0");
}

void TestCryptoRatchet::serializationRoundTripMidConversation()
{
    Pair p = startSession();
    ENCRYPT(a0, p.alice, "a0");
    ENCRYPT(a1, p.alice, "a1");
    ENCRYPT(a2, p.alice, "a2");
    DECRYPTS(p.bob, a2, "a2"); // a0 and a1 pending as skipped keys
    ENCRYPT(b0, p.bob, "b0");
    DECRYPTS(p.alice, b0, "b0");

    auto alice = DoubleRatchet::deserialize(p.alice.serialize());
    auto bob = DoubleRatchet::deserialize(p.bob.serialize());
    QVERIFY2(alice.ok(), qPrintable(alice.error()));
    QVERIFY2(bob.ok(), qPrintable(bob.error()));
    QCOMPARE(alice->serialize(), p.alice.serialize());
    QCOMPARE(bob->serialize(), p.bob.serialize());
    QCOMPARE(bob->skippedKeyCount(), 2);
    QVERIFY(p.bob.serialize().startsWith(char(DoubleRatchet::serializationVersion)));

    // The restored states carry on, late messages included.
    DECRYPTS(*bob, a0, "a0");
    ENCRYPT(a3, *alice, "a3");
    DECRYPTS(*bob, a3, "a3");
    DECRYPTS(*bob, a1, "a1");
    ENCRYPT(b1, *bob, "b1");
    DECRYPTS(*alice, b1, "b1");
}

void TestCryptoRatchet::deserializeRefusesDamagedState_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("error");
    Pair p = startSession();
    ENCRYPT(a0, p.alice, "a0");
    ENCRYPT(a1, p.alice, "a1");
    DECRYPTS(p.bob, a1, "a1");
    const QByteArray good = p.bob.serialize();
    QByteArray future = good;
    future[0] = char(2);
    QByteArray keyMismatch = good;
    keyMismatch[5] = char(keyMismatch[5] ^ 1); // inside the public key
    QTest::newRow("empty") << QByteArray() << int(Error::InvalidInput);
    QTest::newRow("version 2") << future << int(Error::UnsupportedVersion);
    QTest::newRow("truncated") << good.left(good.size() - 1) << int(Error::InvalidInput);
    QTest::newRow("trailing byte") << QByteArray(good + 'x') << int(Error::InvalidInput);
    QTest::newRow("key pair mismatch") << keyMismatch << int(Error::InvalidInput);
    QTest::newRow("garbage") << QByteArray(200, char(1)) << int(Error::InvalidInput);
}

void TestCryptoRatchet::deserializeRefusesDamagedState()
{
    QFETCH(QByteArray, bytes);
    QFETCH(int, error);
    auto r = DoubleRatchet::deserialize(bytes);
    QVERIFY(!r.ok());
    QCOMPARE(int(r.errorCode()), error);
}

QTEST_APPLESS_MAIN(TestCryptoRatchet)
#include "tst_crypto_ratchet.moc"
