// SPDX-License-Identifier: MIT
// Safety numbers: 60 digits in 12 groups of 5, the same for both users, different when
// either identity key or user id changes; and the fingerprint recomputed here from its
// definition (iterated SHA-512, through Qt's own SHA-512) so the test fails if the scheme
// drifts.
#include <QCryptographicHash>
#include <QRegularExpression>
#include <QTest>

#include <fastchat/crypto/IdentityKey.h>
#include <fastchat/crypto/SafetyNumber.h>

using namespace fastchat::crypto;
using namespace Qt::StringLiterals;

class TestCryptoSafetyNumber : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void bothUsersSeeTheSameNumber();
    void changesWhenAKeyOrIdChanges();
    void matchesTheDefinition();
    void formatsInGroupsOfFive();
};

void TestCryptoSafetyNumber::bothUsersSeeTheSameNumber()
{
    const IdentityKeyPair alice = IdentityKeyPair::generate();
    const IdentityKeyPair bob = IdentityKeyPair::generate();
    const QString seenByAlice = SafetyNumber::compute(alice.publicKey(), SafetyNumber::stableId(1),
                                                      bob.publicKey(), SafetyNumber::stableId(2));
    const QString seenByBob = SafetyNumber::compute(bob.publicKey(), SafetyNumber::stableId(2),
                                                    alice.publicKey(), SafetyNumber::stableId(1));
    QCOMPARE(seenByAlice, seenByBob);
    QCOMPARE(seenByAlice.size(), 60);
    QVERIFY(QRegularExpression(u"^[0-9]{60}$"_s).match(seenByAlice).hasMatch());
    const QString a = SafetyNumber::fingerprint(alice.publicKey(), "1");
    const QString b = SafetyNumber::fingerprint(bob.publicKey(), "2");
    QCOMPARE(a.size(), 30);
    QCOMPARE(seenByAlice, a < b ? a + b : b + a);
}

void TestCryptoSafetyNumber::changesWhenAKeyOrIdChanges()
{
    const IdentityKeyPair alice = IdentityKeyPair::generate();
    const IdentityKeyPair bob = IdentityKeyPair::generate();
    const IdentityKeyPair bobReinstalled = IdentityKeyPair::generate();
    const QString before = SafetyNumber::compute(alice.publicKey(), "1", bob.publicKey(), "2");
    const QString keyChanged = SafetyNumber::compute(alice.publicKey(), "1",
                                                     bobReinstalled.publicKey(), "2");
    const QString idChanged = SafetyNumber::compute(alice.publicKey(), "1", bob.publicKey(), "3");
    QVERIFY(before != keyChanged);
    QVERIFY(before != idChanged);
    // Alice's half is unchanged: only the peer's half moves.
    const QString aliceHalf = SafetyNumber::fingerprint(alice.publicKey(), "1");
    QVERIFY(before.contains(aliceHalf));
    QVERIFY(keyChanged.contains(aliceHalf));
    QVERIFY(!keyChanged.contains(SafetyNumber::fingerprint(bob.publicKey(), "2")));
}

void TestCryptoSafetyNumber::matchesTheDefinition()
{
    const QByteArray key = QByteArray::fromHex(
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    const QByteArray id("42");
    QByteArray hash = QByteArray("\x00\x00", 2) + key + id;
    for (int i = 0; i < 5200; ++i)
        hash = QCryptographicHash::hash(QByteArray(hash + key), QCryptographicHash::Sha512);
    QString expected;
    for (int chunk = 0; chunk < 6; ++chunk) {
        quint64 v = 0;
        for (int b = 0; b < 5; ++b)
            v = (v << 8) | quint8(hash[chunk * 5 + b]);
        expected += QString::number(v % 100000).rightJustified(5, u'0');
    }
    QCOMPARE(SafetyNumber::fingerprint(key, id), expected);
    // Another id gives another number.
    QVERIFY(SafetyNumber::fingerprint(key, "43") != expected);
}

void TestCryptoSafetyNumber::formatsInGroupsOfFive()
{
    const QString digits = u"123456789012345678901234567890123456789012345678901234567890"_s;
    const QString shown = SafetyNumber::format(digits);
    QCOMPARE(shown.count(u' '), 11);
    QVERIFY(shown.startsWith(u"12345 67890 12345"_s));
    QCOMPARE(QString(shown).remove(u' '), digits);
}

QTEST_APPLESS_MAIN(TestCryptoSafetyNumber)
#include "tst_crypto_safety_number.moc"
