// SPDX-License-Identifier: MIT
// HMAC-SHA256 against every RFC 4231 test case (case 5 compares the 128-bit truncation, as
// the RFC does) and HKDF-SHA256 against RFC 5869 appendix A test cases 1 to 3 (PRK and OKM).
#include <QTest>

#include <fastchat/crypto/Hkdf.h>
#include <fastchat/crypto/Hmac.h>

using namespace fastchat::crypto;

namespace {

QByteArray repeat(char byte, int count)
{
    return QByteArray(count, byte);
}

QByteArray range(int from, int to) // [from, to]
{
    QByteArray out;
    for (int i = from; i <= to; ++i)
        out.append(char(i));
    return out;
}

} // namespace

class TestCryptoKdf : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void hmacMatchesRfc4231_data();
    void hmacMatchesRfc4231();
    void hmacDependsOnEveryKeyAndDataByte();
    void hkdfMatchesRfc5869_data();
    void hkdfMatchesRfc5869();
    void hkdfRefusesImpossibleLengths();
    void hkdfOutputIsAPrefixOfLongerOutput();
};

void TestCryptoKdf::hmacMatchesRfc4231_data()
{
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<QByteArray>("expectedHex");

    QTest::newRow("case 1") << repeat(0x0b, 20) << QByteArray("Hi There")
                            << QByteArray("b0344c61d8db38535ca8afceaf0bf12b"
                                          "881dc200c9833da726e9376c2e32cff7");
    QTest::newRow("case 2: key shorter than the output")
            << QByteArray("Jefe") << QByteArray("what do ya want for nothing?")
            << QByteArray("5bdcc146bf60754e6a042426089575c7"
                          "5a003f089d2739839dec58b964ec3843");
    QTest::newRow("case 3: combined length of key and data over 64 bytes")
            << repeat(char(0xaa), 20) << repeat(char(0xdd), 50)
            << QByteArray("773ea91e36800e46854db8ebd09181a7"
                          "2959098b3ef8c122d9635514ced565fe");
    QTest::newRow("case 4") << range(0x01, 0x19) << repeat(char(0xcd), 50)
                            << QByteArray("82558a389a443c0ea4cc819899f2083a"
                                          "85f0faa3e578f8077a2e3ff46729665b");
    QTest::newRow("case 5: truncated to 128 bits")
            << repeat(0x0c, 20) << QByteArray("Test With Truncation")
            << QByteArray("a3b6167473100ee06e0c796c2955552b");
    QTest::newRow("case 6: key larger than the block size")
            << repeat(char(0xaa), 131)
            << QByteArray("Test Using Larger Than Block-Size Key - Hash Key First")
            << QByteArray("60e431591ee0b67f0d8a26aacbf5b77f"
                          "8e0bc6213728c5140546040f0ee37f54");
    QTest::newRow("case 7: key and data larger than the block size")
            << repeat(char(0xaa), 131)
            << QByteArray("This is a test using a larger than block-size key and a larger "
                          "than block-size data. The key needs to be hashed before being "
                          "used by the HMAC algorithm.")
            << QByteArray("9b09ffa71b942fcb27635fbcd5b0e944"
                          "bfdc63644f0713938a7f51535c3a35e2");
}

void TestCryptoKdf::hmacMatchesRfc4231()
{
    QFETCH(QByteArray, key);
    QFETCH(QByteArray, data);
    QFETCH(QByteArray, expectedHex);
    const SecretBytes mac = Hmac::sha256(key, data);
    QCOMPARE(mac.size(), 32);
    QCOMPARE(mac.toByteArray().toHex().left(expectedHex.size()), expectedHex);
}

void TestCryptoKdf::hmacDependsOnEveryKeyAndDataByte()
{
    const QByteArray key = range(0, 40);
    const QByteArray data = range(100, 180);
    const SecretBytes reference = Hmac::sha256(key, data);
    for (int i = 0; i < key.size(); ++i) {
        QByteArray k = key;
        k[i] = char(k[i] ^ 1);
        QVERIFY2(Hmac::sha256(k, data) != reference, qPrintable(QString::number(i)));
    }
    for (int i = 0; i < data.size(); ++i) {
        QByteArray d = data;
        d[i] = char(d[i] ^ 0x80);
        QVERIFY2(Hmac::sha256(key, d) != reference, qPrintable(QString::number(i)));
    }
}

void TestCryptoKdf::hkdfMatchesRfc5869_data()
{
    QTest::addColumn<QByteArray>("ikm");
    QTest::addColumn<QByteArray>("salt");
    QTest::addColumn<QByteArray>("info");
    QTest::addColumn<int>("length");
    QTest::addColumn<QByteArray>("prkHex");
    QTest::addColumn<QByteArray>("okmHex");

    QTest::newRow("A.1 basic") << repeat(0x0b, 22) << range(0x00, 0x0c) << range(0xf0, 0xf9) << 42
                               << QByteArray("077709362c2e32df0ddc3f0dc47bba63"
                                             "90b6c73bb50f9c3122ec844ad7c2b3e5")
                               << QByteArray("3cb25f25faacd57a90434f64d0362f2a"
                                             "2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
                                             "34007208d5b887185865");
    QTest::newRow("A.2 longer inputs and outputs")
            << range(0x00, 0x4f) << range(0x60, 0xaf) << range(0xb0, 0xff) << 82
            << QByteArray("06a6b88c5853361a06104c9ceb35b45c"
                          "ef760014904671014a193f40c15fc244")
            << QByteArray("b11e398dc80327a1c8e7f78c596a4934"
                          "4f012eda2d4efad8a050cc4c19afa97c"
                          "59045a99cac7827271cb41c65e590e09"
                          "da3275600c2f09b8367793a9aca3db71"
                          "cc30c58179ec3e87c14c01d5c1f3434f"
                          "1d87");
    QTest::newRow("A.3 zero-length salt and info")
            << repeat(0x0b, 22) << QByteArray() << QByteArray() << 42
            << QByteArray("19ef24a32c717b167f33a91d6f648bdf"
                          "96596776afdb6377ac434c1c293ccb04")
            << QByteArray("8da4e775a563c18f715f802a063c5a31"
                          "b8a11f5c5ee1879ec3454e5f3c738d2d"
                          "9d201395faa4b61a96c8");
}

void TestCryptoKdf::hkdfMatchesRfc5869()
{
    QFETCH(QByteArray, ikm);
    QFETCH(QByteArray, salt);
    QFETCH(QByteArray, info);
    QFETCH(int, length);
    QFETCH(QByteArray, prkHex);
    QFETCH(QByteArray, okmHex);

    const SecretBytes prk = Hkdf::extract(salt, ikm);
    QCOMPARE(prk.toByteArray().toHex(), prkHex);
    const SecretBytes okm = Hkdf::expand(prk.view(), info, length);
    QCOMPARE(okm.size(), length);
    QCOMPARE(okm.toByteArray().toHex(), okmHex);
    QCOMPARE(Hkdf::derive(salt, ikm, info, length).toByteArray().toHex(), okmHex);
}

void TestCryptoKdf::hkdfRefusesImpossibleLengths()
{
    const SecretBytes prk = Hkdf::extract({}, "ikm");
    QVERIFY(Hkdf::expand(prk.view(), {}, 0).isEmpty());
    QVERIFY(Hkdf::expand(prk.view(), {}, Hkdf::maxOutputBytes + 1).isEmpty());
    QCOMPARE(Hkdf::expand(prk.view(), {}, Hkdf::maxOutputBytes).size(), Hkdf::maxOutputBytes);
    QVERIFY(Hkdf::expand("short prk", {}, 32).isEmpty());
}

void TestCryptoKdf::hkdfOutputIsAPrefixOfLongerOutput()
{
    const SecretBytes prk = Hkdf::extract("salt", "ikm");
    const QByteArray longer = Hkdf::expand(prk.view(), "info", 100).toByteArray();
    for (int length : {1, 31, 32, 33, 64, 99})
        QCOMPARE(Hkdf::expand(prk.view(), "info", length).toByteArray(), longer.left(length));
    QVERIFY(Hkdf::expand(prk.view(), "other info", 100).toByteArray() != longer);
}

QTEST_APPLESS_MAIN(TestCryptoKdf)
#include "tst_crypto_kdf.moc"
