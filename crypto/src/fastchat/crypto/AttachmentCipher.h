// SPDX-License-Identifier: MIT
// Files sent end to end encrypted: a fresh random key per file and libsodium's
// crypto_secretstream_xchacha20poly1305, 64 KiB of plaintext per chunk, streamed between two
// QIODevices (never the whole file in memory). The last chunk carries TAG_FINAL: a stream
// that ends without it is refused (Truncated), as is any altered, reordered or dropped chunk
// (DecryptFailed).
//
// Blob layout: the 24-byte secretstream header, then chunks of (plaintext + 17) bytes: every
// chunk holds 64 KiB except the final one, which holds the rest (1 to 64 KiB; 0 bytes only
// for an empty file). See ciphertextSizeFor().
//
// Hashes: encrypt() gives the SHA-256 of the ciphertext (the blob the server stores) and of
// the plaintext. The ciphertext hash goes inside the encrypted message next to the key: the
// receiver checks the downloaded blob against it before decrypting (a swapped or damaged blob
// is refused at once, and it names exactly which blob the key belongs to). The plaintext hash
// is for local use only (de-duplicating the client's own cache); never send it outside the
// encrypted message, since anyone holding it could confirm a guessed file.
#pragma once

#include "Result.h"
#include "SecretBytes.h"

#include <QByteArray>

#include <optional>

class QIODevice;

namespace fastchat::crypto {

class AttachmentCipher
{
public:
    static constexpr qsizetype chunkBytes = 64 * 1024;
    static constexpr qsizetype keyBytes = 32;

    struct Encrypted
    {
        SecretBytes key;
        QByteArray ciphertextSha256; // 32 bytes
        QByteArray plaintextSha256;  // 32 bytes
        qint64 plaintextSize = 0;
        qint64 ciphertextSize = 0;
    };
    struct Decrypted
    {
        QByteArray ciphertextSha256;
        QByteArray plaintextSha256;
        qint64 plaintextSize = 0;
    };

    static qint64 ciphertextSizeFor(qint64 plaintextSize);

    // Reads `plaintext` to its end, writes the blob to `ciphertext`, with a new random key.
    static Result<Encrypted> encrypt(QIODevice &plaintext, QIODevice &ciphertext);
    // Same with a given key (tests; re-encrypting is otherwise never needed).
    static Result<Encrypted> encrypt(QIODevice &plaintext, QIODevice &ciphertext,
                                     const SecretBytes &key);
    // Writes plaintext as it is authenticated, chunk by chunk: on failure `plaintext` holds a
    // partial result that the caller must discard (write to a temporary file and rename it
    // on success, e.g. QSaveFile). With expectedCiphertextSha256 the whole blob is hashed first
    // (a second pass over a seekable device) and refused on mismatch before anything is
    // written.
    static Result<Decrypted> decrypt(QIODevice &ciphertext, QIODevice &plaintext,
                                     const SecretBytes &key,
                                     const std::optional<QByteArray> &expectedCiphertextSha256
                                     = std::nullopt);
};

} // namespace fastchat::crypto
