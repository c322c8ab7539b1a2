// SPDX-License-Identifier: MIT
// Sealing of the local database's secret rows: XChaCha20-Poly1305 (libsodium's
// crypto_aead_xchacha20poly1305_ietf) under the 32-byte database key from the OS keychain,
// a fresh random 24-byte nonce per write, and the row's place (table, row key) as
// associated data, so a sealed value cannot be moved to another row unnoticed. Text form:
// "fcs1:" + base64url(nonce || ciphertext).
#pragma once

#include <QByteArray>
#include <QString>

#include <fastchat/crypto/SecretBytes.h>

#include <optional>

namespace fastchat::client::e2ee {

class SecretBox
{
public:
    static constexpr qsizetype keyBytes = 32;
    static constexpr auto prefix = "fcs1:";

    SecretBox() = default;
    explicit SecretBox(crypto::SecretBytes key);

    bool isValid() const { return m_key.size() == keyBytes; }
    QString seal(QByteArrayView plaintext, QByteArrayView associatedData) const;
    // nullopt: not sealed by this key for this place (or altered).
    std::optional<QByteArray> open(const QString &sealed, QByteArrayView associatedData) const;
    static bool isSealed(const QString &text);
    // Another key for another purpose, from this one (HKDF-SHA256 with `info`): whoever holds
    // it learns nothing of the database key.
    crypto::SecretBytes derive(QByteArrayView info) const;

private:
    crypto::SecretBytes m_key;
};

} // namespace fastchat::client::e2ee
