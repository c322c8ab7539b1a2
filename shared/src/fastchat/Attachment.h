// SPDX-License-Identifier: MIT
// What a message of type "image" or "file" carries in its content (as compact JSON text):
// which uploaded file, and what the receiver needs to show it before downloading — name,
// size, type, SHA-256, and for images the size in pixels and a small thumbnail. The server
// never needs this; it only checks the message's separate file_id.
//
// End-to-end encrypted (docs/e2ee.md): the uploaded blob is the file encrypted with
// crypto::AttachmentCipher under a fresh `key`, and this whole record travels only inside
// the encrypted message. `size` and `sha256` are then the plaintext's (what the user sees and
// what the decrypted file must match); `blob_size` and `blob_sha256` are the ciphertext's
// (what is downloaded and checked before anything is decrypted).
#pragma once

#include "Parsed.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace fastchat {

struct Attachment
{
    static constexpr qsizetype maxThumbnailBytes = 8 * 1024;
    static constexpr qsizetype keyBytes = 32;

    QString fileId;
    QString name;
    qint64 size = 0;
    QString mimeType;
    QString sha256; // lower-case hex
    int width = 0;  // images only; 0 when unknown
    int height = 0;
    QByteArray thumbnail; // images only: a small JPEG or PNG, at most maxThumbnailBytes
    // Encrypted attachments only (empty key: a plain upload).
    QByteArray key; // AttachmentCipher's 32-byte key
    qint64 blobSize = 0;
    QString blobSha256; // lower-case hex

    bool isImage() const { return width > 0 && height > 0; }
    bool isEncrypted() const { return !key.isEmpty(); }
    // What the server holds: the blob when encrypted, else the file itself.
    qint64 storedSize() const { return isEncrypted() ? blobSize : size; }
    QString storedSha256() const { return isEncrypted() ? blobSha256 : sha256; }

    QJsonObject toJson() const;
    static Parsed<Attachment> fromJson(const QJsonObject &object);
    // The message content: toJson() as compact text, and back.
    QString toContent() const;
    static Parsed<Attachment> fromContent(const QString &content);
};

} // namespace fastchat
