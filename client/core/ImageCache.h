// SPDX-License-Identifier: MIT
// The full-size images the chat has shown, kept so that a second look needs no download:
// one file per picture under <files>/images, named by the SHA-256 of the picture. With
// end-to-end encryption on (a database key from the keychain), each file is sealed with
// crypto::AttachmentCipher under a key derived from the database key, so the pictures of
// encrypted chats are not readable on disk either; the window gets them decrypted in memory
// through the "image://fastchat-images/<sha256>" provider (ImageCacheProvider). Without a
// key (encryption off) the files are kept as they are.
//
// A value type: a copy (what a worker thread or the image provider holds) keeps working
// when the original changes.
#pragma once

#include <QByteArray>
#include <QString>
#include <QUrl>

#include <fastchat/crypto/SecretBytes.h>

class QIODevice;

namespace fastchat::client {

class ImageCache
{
public:
    static constexpr auto urlScheme = "image";
    static constexpr auto providerId = "fastchat-images";

    ImageCache() = default;
    // `dir`: the folder of the images ("" : no cache); `key`: empty, or 32 bytes.
    ImageCache(const QString &dir, crypto::SecretBytes key);

    bool isValid() const { return !m_dir.isEmpty(); }
    bool isSealed() const { return !m_key.isEmpty(); }
    QString dir() const { return m_dir; }

    // Where the picture with this SHA-256 is (or would be) kept; "" for a bad hash.
    QString pathOf(const QString &sha256) const;
    bool contains(const QString &sha256) const;
    // The URL the window loads it from.
    static QUrl urlOf(const QString &sha256);
    static QString sha256OfUrlId(const QString &id); // "" unless it is a hash

    // Keeps a copy of a picture that is a plain file on disk (sealed when keyed); any thread.
    // Leaves the cache as it was on failure (error says why).
    bool store(const QString &plainPath, const QString &sha256, QString *error = nullptr) const;
    // The same from a device (a picture decrypted in memory), read to its end.
    bool store(QIODevice &plain, const QString &sha256, QString *error = nullptr) const;
    // The picture's bytes (decrypted); empty when absent or not readable with this key.
    QByteArray read(const QString &sha256) const;

private:
    QString m_dir;
    crypto::SecretBytes m_key;
};

} // namespace fastchat::client
