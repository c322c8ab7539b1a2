// SPDX-License-Identifier: MIT
// Attachments: round trips of 0 B, 1 B, 64 KiB exactly, 64 KiB + 1 and 5 MiB (files on disk,
// and a sequential device that is never held whole in memory), the ciphertext size and
// hashes, and every way a blob can be damaged: truncated (at a chunk boundary, inside a
// chunk, inside the header), a flipped byte anywhere, chunks dropped or swapped, data after
// the final chunk, the wrong key, the wrong blob for the hash.
#include <QBuffer>
#include <QCryptographicHash>
#include <QTemporaryFile>
#include <QTest>

#include <fastchat/crypto/AttachmentCipher.h>

using namespace fastchat::crypto;

namespace {

QByteArray pattern(qint64 size)
{
    QByteArray out(size, Qt::Uninitialized);
    quint32 x = 2463534242u;
    for (qint64 i = 0; i < size; ++i) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        out[i] = char(x);
    }
    return out;
}

// A sequential source of `size` pattern bytes, produced as they are read, that remembers the
// largest read it was asked for.
class StreamSource : public QIODevice
{
public:
    explicit StreamSource(qint64 size)
        : m_size(size)
    {
        open(QIODevice::ReadOnly);
    }
    bool isSequential() const override { return true; }
    qint64 largestRead = 0;

protected:
    qint64 readData(char *data, qint64 max) override
    {
        largestRead = qMax(largestRead, max);
        const qint64 n = qMin(max, m_size - m_at);
        for (qint64 i = 0; i < n; ++i)
            data[i] = char((m_at + i) * 31 % 251);
        m_at += n;
        return n;
    }
    qint64 writeData(const char *, qint64) override { return -1; }

private:
    qint64 m_size;
    qint64 m_at = 0;
};

// A sequential sink that hashes what it is given.
class HashSink : public QIODevice
{
public:
    HashSink() { open(QIODevice::WriteOnly); }
    bool isSequential() const override { return true; }
    QCryptographicHash hash{QCryptographicHash::Sha256};
    qint64 written = 0;

protected:
    qint64 readData(char *, qint64) override { return -1; }
    qint64 writeData(const char *data, qint64 size) override
    {
        hash.addData(QByteArrayView(data, size));
        written += size;
        return size;
    }
};

struct Sealed
{
    SecretBytes key;
    QByteArray blob;
    AttachmentCipher::Encrypted info;
};

Sealed seal(const QByteArray &plaintext)
{
    QBuffer in;
    in.setData(plaintext);
    in.open(QIODevice::ReadOnly);
    QBuffer out;
    out.open(QIODevice::WriteOnly);
    auto r = AttachmentCipher::encrypt(in, out);
    Q_ASSERT(r.ok());
    return {r->key, out.data(), r.value()};
}

Result<AttachmentCipher::Decrypted> openBlob(const QByteArray &blob, const SecretBytes &key,
                                             QByteArray *plaintext = nullptr,
                                             const std::optional<QByteArray> &expectedHash
                                             = std::nullopt)
{
    QBuffer in;
    in.setData(blob);
    in.open(QIODevice::ReadOnly);
    QBuffer out;
    out.open(QIODevice::WriteOnly);
    auto r = AttachmentCipher::decrypt(in, out, key, expectedHash);
    if (plaintext)
        *plaintext = out.data();
    return r;
}

QByteArray sha256(const QByteArray &data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Sha256);
}

constexpr qint64 kChunk = AttachmentCipher::chunkBytes;
constexpr qint64 kSealedChunk = kChunk + 17;

} // namespace

class TestCryptoAttachment : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrip_data();
    void roundTrip();
    void fiveMebibytesThroughFilesOnDisk();
    void streamsWithoutHoldingTheFile();
    void eachFileGetsItsOwnKey();
    void truncatedStreamIsRefused_data();
    void truncatedStreamIsRefused();
    void flippedByteIsRefused();
    void droppedOrSwappedChunksAreRefused();
    void dataAfterTheFinalChunkIsRefused();
    void wrongKeyIsRefused();
    void wrongBlobForTheHashIsRefusedBeforeWriting();
};

void TestCryptoAttachment::roundTrip_data()
{
    QTest::addColumn<qint64>("size");
    QTest::newRow("0 B") << qint64(0);
    QTest::newRow("1 B") << qint64(1);
    QTest::newRow("64 KiB - 1") << kChunk - 1;
    QTest::newRow("64 KiB exactly") << kChunk;
    QTest::newRow("64 KiB + 1") << kChunk + 1;
    QTest::newRow("128 KiB exactly") << 2 * kChunk;
}

void TestCryptoAttachment::roundTrip()
{
    QFETCH(qint64, size);
    const QByteArray plaintext = pattern(size);
    const Sealed s = seal(plaintext);
    QCOMPARE(s.key.size(), 32);
    QCOMPARE(qint64(s.blob.size()), AttachmentCipher::ciphertextSizeFor(size));
    QCOMPARE(s.info.ciphertextSize, qint64(s.blob.size()));
    QCOMPARE(s.info.plaintextSize, size);
    QCOMPARE(s.info.ciphertextSha256, sha256(s.blob));
    QCOMPARE(s.info.plaintextSha256, sha256(plaintext));
    if (size >= 16)
        QVERIFY(!s.blob.contains(plaintext.left(16)));

    QByteArray decrypted;
    auto r = openBlob(s.blob, s.key, &decrypted, s.info.ciphertextSha256);
    QVERIFY2(r.ok(), qPrintable(r.error()));
    QCOMPARE(decrypted, plaintext);
    QCOMPARE(r->plaintextSize, size);
    QCOMPARE(r->plaintextSha256, sha256(plaintext));
    QCOMPARE(r->ciphertextSha256, s.info.ciphertextSha256);
}

void TestCryptoAttachment::fiveMebibytesThroughFilesOnDisk()
{
    const QByteArray plaintext = pattern(5 * 1024 * 1024);
    QTemporaryFile source, sealed, opened;
    QVERIFY(source.open() && sealed.open() && opened.open());
    source.write(plaintext);
    source.seek(0);
    auto enc = AttachmentCipher::encrypt(source, sealed);
    QVERIFY2(enc.ok(), qPrintable(enc.error()));
    QCOMPARE(enc->ciphertextSize, AttachmentCipher::ciphertextSizeFor(plaintext.size()));
    QCOMPARE(sealed.size(), enc->ciphertextSize);
    QCOMPARE(enc->plaintextSha256, sha256(plaintext));

    sealed.seek(0);
    auto dec = AttachmentCipher::decrypt(sealed, opened, enc->key, enc->ciphertextSha256);
    QVERIFY2(dec.ok(), qPrintable(dec.error()));
    opened.seek(0);
    QCOMPARE(opened.readAll(), plaintext);
    QCOMPARE(dec->plaintextSha256, enc->plaintextSha256);
}

void TestCryptoAttachment::streamsWithoutHoldingTheFile()
{
    const qint64 size = 5 * 1024 * 1024 + 123;
    StreamSource source(size);
    QTemporaryFile sealed;
    QVERIFY(sealed.open());
    auto enc = AttachmentCipher::encrypt(source, sealed);
    QVERIFY(enc.ok());
    QCOMPARE(enc->plaintextSize, size);
    QVERIFY(source.largestRead <= kChunk);

    sealed.seek(0);
    HashSink sink;
    auto dec = AttachmentCipher::decrypt(sealed, sink, enc->key);
    QVERIFY2(dec.ok(), qPrintable(dec.error()));
    QCOMPARE(sink.written, size);
    QCOMPARE(sink.hash.result(), enc->plaintextSha256);
}

void TestCryptoAttachment::eachFileGetsItsOwnKey()
{
    const QByteArray plaintext = pattern(1000);
    const Sealed a = seal(plaintext);
    const Sealed b = seal(plaintext);
    QVERIFY(a.key != b.key);
    QVERIFY(a.blob != b.blob);
    QCOMPARE(a.info.plaintextSha256, b.info.plaintextSha256);
}

void TestCryptoAttachment::truncatedStreamIsRefused_data()
{
    QTest::addColumn<qint64>("plaintextSize");
    QTest::addColumn<qint64>("keep");
    QTest::addColumn<int>("error");
    const qint64 header = 24;
    QTest::newRow("nothing") << qint64(100) << qint64(0) << int(Error::Truncated);
    QTest::newRow("inside the header") << qint64(100) << qint64(10) << int(Error::Truncated);
    QTest::newRow("header only") << qint64(100) << header << int(Error::Truncated);
    QTest::newRow("after the first of three chunks")
            << 2 * kChunk + 5 << header + kSealedChunk << int(Error::Truncated);
    QTest::newRow("after two of three chunks")
            << 2 * kChunk + 5 << header + 2 * kSealedChunk << int(Error::Truncated);
    QTest::newRow("inside a chunk") << 2 * kChunk + 5 << header + 1000 << int(Error::DecryptFailed);
    QTest::newRow("last byte of the final chunk")
            << qint64(100) << header + 100 + 16 << int(Error::DecryptFailed);
    QTest::newRow("inside the final chunk, under a tag")
            << 2 * kChunk + 5 << header + 2 * kSealedChunk + 10 << int(Error::Truncated);
}

void TestCryptoAttachment::truncatedStreamIsRefused()
{
    QFETCH(qint64, plaintextSize);
    QFETCH(qint64, keep);
    QFETCH(int, error);
    const Sealed s = seal(pattern(plaintextSize));
    auto r = openBlob(s.blob.left(keep), s.key);
    QVERIFY(!r.ok());
    QCOMPARE(int(r.errorCode()), error);
    QVERIFY(!r.error().isEmpty());
}

void TestCryptoAttachment::flippedByteIsRefused()
{
    const Sealed s = seal(pattern(2 * kChunk + 300));
    const QList<qint64> positions{0,
                                  12,
                                  23,
                                  24,
                                  25,
                                  24 + kChunk,
                                  24 + kSealedChunk - 1,
                                  24 + kSealedChunk,
                                  24 + 2 * kSealedChunk + 1,
                                  s.blob.size() - 1};
    for (qint64 at : positions) {
        QByteArray blob = s.blob;
        blob[at] = char(blob[at] ^ 0x01);
        auto r = openBlob(blob, s.key);
        QVERIFY2(!r.ok(), qPrintable(QString::number(at)));
        QCOMPARE(r.errorCode(), Error::DecryptFailed);
    }
}

void TestCryptoAttachment::droppedOrSwappedChunksAreRefused()
{
    const Sealed s = seal(pattern(3 * kChunk + 10));
    const QByteArray header = s.blob.left(24);
    QList<QByteArray> chunks;
    for (qint64 at = 24; at < s.blob.size(); at += kSealedChunk)
        chunks.append(s.blob.mid(at, kSealedChunk));
    QCOMPARE(chunks.size(), 4);
    QCOMPARE(openBlob(header + chunks[0] + chunks[2] + chunks[3], s.key).errorCode(),
             Error::DecryptFailed);
    QCOMPARE(openBlob(header + chunks[1] + chunks[0] + chunks[2] + chunks[3], s.key).errorCode(),
             Error::DecryptFailed);
    QCOMPARE(openBlob(header + chunks[0] + chunks[1] + chunks[2], s.key).errorCode(),
             Error::Truncated);
}

void TestCryptoAttachment::dataAfterTheFinalChunkIsRefused()
{
    // A short final chunk read together with what follows it no longer authenticates.
    const Sealed s = seal(pattern(500));
    QCOMPARE(openBlob(s.blob + "x", s.key).errorCode(), Error::DecryptFailed);
    const Sealed other = seal(pattern(500));
    QVERIFY(!openBlob(s.blob + other.blob, s.key).ok());
    // A full final chunk authenticates with its final tag; what follows is refused after it.
    const Sealed full = seal(pattern(kChunk));
    QCOMPARE(openBlob(full.blob + "x", full.key).errorCode(), Error::InvalidInput);
}

void TestCryptoAttachment::wrongKeyIsRefused()
{
    const Sealed s = seal(pattern(500));
    QCOMPARE(openBlob(s.blob, SecretBytes::random(32)).errorCode(), Error::DecryptFailed);
    QCOMPARE(openBlob(s.blob, SecretBytes::random(16)).errorCode(), Error::InvalidInput);
}

void TestCryptoAttachment::wrongBlobForTheHashIsRefusedBeforeWriting()
{
    const Sealed s = seal(pattern(70000));
    const Sealed other = seal(pattern(70000));
    QByteArray written = "untouched";
    // The right key, but the message named another blob: nothing is decrypted.
    auto r = openBlob(s.blob, s.key, &written, other.info.ciphertextSha256);
    QCOMPARE(r.errorCode(), Error::DecryptFailed);
    QVERIFY(written.isEmpty());
    QCOMPARE(openBlob(s.blob, s.key, nullptr, QByteArray(31, 'x')).errorCode(),
             Error::DecryptFailed);
}

QTEST_APPLESS_MAIN(TestCryptoAttachment)
#include "tst_crypto_attachment.moc"
