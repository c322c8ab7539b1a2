// SPDX-License-Identifier: MIT
#include "AttachmentCipher.h"

#include "Sodium.h"

#include <QIODevice>

#include <sodium.h>

using namespace Qt::StringLiterals;

namespace fastchat::crypto {

namespace {

constexpr qsizetype kHeaderBytes = crypto_secretstream_xchacha20poly1305_HEADERBYTES;
constexpr qsizetype kChunkOverhead = crypto_secretstream_xchacha20poly1305_ABYTES;
constexpr int kWaitMs = 30000;

// Up to `size` bytes, fewer only at the end of the device; -1 on a read error.
qint64 readFully(QIODevice &device, unsigned char *buffer, qint64 size)
{
    qint64 got = 0;
    while (got < size) {
        const qint64 r = device.read(reinterpret_cast<char *>(buffer) + got, size - got);
        if (r < 0)
            return -1;
        if (r == 0) {
            if (device.isSequential() && device.waitForReadyRead(kWaitMs))
                continue;
            break;
        }
        got += r;
    }
    return got;
}

bool writeFully(QIODevice &device, const unsigned char *data, qint64 size)
{
    return device.write(reinterpret_cast<const char *>(data), size) == size;
}

// Wipes a secretstream state on every way out of a function.
struct StateWiper
{
    crypto_secretstream_xchacha20poly1305_state *state;
    ~StateWiper() { sodium_memzero(state, sizeof *state); }
};

class Sha256
{
public:
    Sha256() { crypto_hash_sha256_init(&m_state); }
    void add(const unsigned char *data, qint64 size)
    {
        crypto_hash_sha256_update(&m_state, data, quint64(size));
    }
    QByteArray result()
    {
        QByteArray out(crypto_hash_sha256_BYTES, Qt::Uninitialized);
        crypto_hash_sha256_final(&m_state, reinterpret_cast<unsigned char *>(out.data()));
        return out;
    }

private:
    crypto_hash_sha256_state m_state;
};

} // namespace

qint64 AttachmentCipher::ciphertextSizeFor(qint64 plaintextSize)
{
    const qint64 chunks = qMax<qint64>(1, (plaintextSize + chunkBytes - 1) / chunkBytes);
    return kHeaderBytes + plaintextSize + chunks * kChunkOverhead;
}

Result<AttachmentCipher::Encrypted> AttachmentCipher::encrypt(QIODevice &plaintext,
                                                              QIODevice &ciphertext)
{
    ensureSodium();
    return encrypt(plaintext, ciphertext, SecretBytes::random(keyBytes));
}

Result<AttachmentCipher::Encrypted> AttachmentCipher::encrypt(QIODevice &plaintext,
                                                              QIODevice &ciphertext,
                                                              const SecretBytes &key)
{
    ensureSodium();
    using R = Result<Encrypted>;
    if (key.size() != keyBytes)
        return R::failure(Error::InvalidInput, u"An attachment key must be 32 bytes"_s);

    crypto_secretstream_xchacha20poly1305_state state;
    unsigned char header[kHeaderBytes];
    const StateWiper wiper{&state};
    crypto_secretstream_xchacha20poly1305_init_push(&state, header, key.data());
    Sha256 plainHash, cipherHash;
    Encrypted out;
    if (!writeFully(ciphertext, header, kHeaderBytes))
        return R::failure(Error::Io,
                          u"Could not write the encrypted file: "_s + ciphertext.errorString());
    cipherHash.add(header, kHeaderBytes);
    out.ciphertextSize = kHeaderBytes;

    // Read one chunk ahead: the chunk after which nothing follows is the final one.
    SecretBytes current(chunkBytes), next(chunkBytes);
    SecretBytes sealed(chunkBytes + kChunkOverhead);
    qint64 currentSize = readFully(plaintext, current.data(), chunkBytes);
    for (;;) {
        if (currentSize < 0)
            return R::failure(Error::Io, u"Could not read the file: "_s + plaintext.errorString());
        const qint64 nextSize = currentSize < chunkBytes
                ? 0
                : readFully(plaintext, next.data(), chunkBytes);
        if (nextSize < 0)
            return R::failure(Error::Io, u"Could not read the file: "_s + plaintext.errorString());
        const bool final = nextSize == 0;
        unsigned long long sealedSize = 0;
        crypto_secretstream_xchacha20poly1305_push(
                &state, sealed.data(), &sealedSize, current.data(), quint64(currentSize), nullptr,
                0,
                final ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
                      : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
        plainHash.add(current.data(), currentSize);
        cipherHash.add(sealed.data(), qint64(sealedSize));
        if (!writeFully(ciphertext, sealed.data(), qint64(sealedSize)))
            return R::failure(Error::Io,
                              u"Could not write the encrypted file: "_s + ciphertext.errorString());
        out.plaintextSize += currentSize;
        out.ciphertextSize += qint64(sealedSize);
        if (final)
            break;
        std::swap(current, next);
        currentSize = nextSize;
    }
    out.key = key;
    out.plaintextSha256 = plainHash.result();
    out.ciphertextSha256 = cipherHash.result();
    return out;
}

Result<AttachmentCipher::Decrypted> AttachmentCipher::decrypt(
        QIODevice &ciphertext, QIODevice &plaintext, const SecretBytes &key,
        const std::optional<QByteArray> &expectedCiphertextSha256)
{
    ensureSodium();
    using R = Result<Decrypted>;
    if (key.size() != keyBytes)
        return R::failure(Error::InvalidInput, u"An attachment key must be 32 bytes"_s);

    SecretBytes sealed(chunkBytes + kChunkOverhead);
    if (expectedCiphertextSha256) {
        if (ciphertext.isSequential())
            return R::failure(Error::InvalidInput,
                              u"Checking the hash first needs a seekable device"_s);
        const qint64 start = ciphertext.pos();
        Sha256 hash;
        for (;;) {
            const qint64 n = readFully(ciphertext, sealed.data(), sealed.size());
            if (n < 0)
                return R::failure(Error::Io,
                                  u"Could not read the encrypted file: "_s
                                          + ciphertext.errorString());
            if (n == 0)
                break;
            hash.add(sealed.data(), n);
        }
        if (expectedCiphertextSha256->size() != crypto_hash_sha256_BYTES
            || sodium_memcmp(hash.result().constData(), expectedCiphertextSha256->constData(),
                             crypto_hash_sha256_BYTES)
                    != 0)
            return R::failure(
                    Error::DecryptFailed,
                    u"The encrypted file is not the one the message names (SHA-256 differs)"_s);
        if (!ciphertext.seek(start))
            return R::failure(Error::Io, u"Could not rewind the encrypted file"_s);
    }

    unsigned char header[kHeaderBytes];
    const qint64 headerSize = readFully(ciphertext, header, kHeaderBytes);
    if (headerSize < 0)
        return R::failure(Error::Io,
                          u"Could not read the encrypted file: "_s + ciphertext.errorString());
    if (headerSize < kHeaderBytes)
        return R::failure(Error::Truncated, u"The encrypted file ends inside its header"_s);
    crypto_secretstream_xchacha20poly1305_state state;
    const StateWiper wiper{&state};
    if (crypto_secretstream_xchacha20poly1305_init_pull(&state, header, key.data()) != 0)
        return R::failure(Error::DecryptFailed, u"The encrypted file's header is invalid"_s);

    Sha256 plainHash, cipherHash;
    cipherHash.add(header, kHeaderBytes);
    Decrypted out;
    SecretBytes opened(chunkBytes);
    for (;;) {
        const qint64 n = readFully(ciphertext, sealed.data(), sealed.size());
        if (n < 0)
            return R::failure(Error::Io,
                              u"Could not read the encrypted file: "_s + ciphertext.errorString());
        if (n < kChunkOverhead)
            return R::failure(
                    Error::Truncated,
                    u"The encrypted file ends before its final chunk: it is incomplete"_s);
        unsigned long long openedSize = 0;
        unsigned char tag = 0;
        if (crypto_secretstream_xchacha20poly1305_pull(&state, opened.data(), &openedSize, &tag,
                                                       sealed.data(), quint64(n), nullptr, 0)
            != 0)
            return R::failure(
                    Error::DecryptFailed,
                    u"The encrypted file was altered or damaged (a chunk does not authenticate)"_s);
        if (tag != crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
            && tag != crypto_secretstream_xchacha20poly1305_TAG_FINAL)
            return R::failure(Error::InvalidInput, u"The encrypted file uses an unknown tag"_s);
        cipherHash.add(sealed.data(), n);
        plainHash.add(opened.data(), qint64(openedSize));
        if (!writeFully(plaintext, opened.data(), qint64(openedSize)))
            return R::failure(Error::Io,
                              u"Could not write the decrypted file: "_s + plaintext.errorString());
        out.plaintextSize += qint64(openedSize);
        if (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
            unsigned char extra;
            if (readFully(ciphertext, &extra, 1) != 0)
                return R::failure(Error::InvalidInput,
                                  u"The encrypted file has data after its final chunk"_s);
            break;
        }
        if (n < sealed.size())
            return R::failure(
                    Error::Truncated,
                    u"The encrypted file ends before its final chunk: it is incomplete"_s);
    }
    out.plaintextSha256 = plainHash.result();
    out.ciphertextSha256 = cipherHash.result();
    return out;
}

} // namespace fastchat::crypto
