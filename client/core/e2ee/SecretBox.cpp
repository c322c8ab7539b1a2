// SPDX-License-Identifier: MIT
#include "SecretBox.h"

#include <fastchat/crypto/Base64Url.h>
#include <fastchat/crypto/Hkdf.h>
#include <sodium.h>

namespace fastchat::client::e2ee {

SecretBox::SecretBox(crypto::SecretBytes key)
    : m_key(std::move(key))
{}

bool SecretBox::isSealed(const QString &text)
{
    return text.startsWith(QLatin1StringView(prefix));
}

crypto::SecretBytes SecretBox::derive(QByteArrayView info) const
{
    return crypto::Hkdf::derive({}, m_key.view(), info, keyBytes);
}

QString SecretBox::seal(QByteArrayView plaintext, QByteArrayView associatedData) const
{
    Q_ASSERT(isValid());
    constexpr qsizetype nonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
    QByteArray out(nonceBytes + plaintext.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES,
                   Qt::Uninitialized);
    auto *nonce = reinterpret_cast<unsigned char *>(out.data());
    randombytes_buf(nonce, nonceBytes);
    unsigned long long written = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(
            nonce + nonceBytes, &written, reinterpret_cast<const unsigned char *>(plaintext.data()),
            plaintext.size(), reinterpret_cast<const unsigned char *>(associatedData.data()),
            associatedData.size(), nullptr, nonce, m_key.data());
    out.resize(nonceBytes + qsizetype(written));
    return QLatin1StringView(prefix) + crypto::toBase64Url(out);
}

std::optional<QByteArray> SecretBox::open(const QString &sealed,
                                          QByteArrayView associatedData) const
{
    if (!isValid() || !isSealed(sealed))
        return std::nullopt;
    const auto raw = crypto::fromBase64Url(QStringView(sealed).mid(qsizetype(qstrlen(prefix))));
    if (!raw)
        return std::nullopt;
    constexpr qsizetype nonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
    constexpr qsizetype tagBytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;
    if (raw->size() < nonceBytes + tagBytes)
        return std::nullopt;
    const auto *nonce = reinterpret_cast<const unsigned char *>(raw->constData());
    QByteArray plaintext(raw->size() - nonceBytes - tagBytes, Qt::Uninitialized);
    unsigned long long written = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(
                reinterpret_cast<unsigned char *>(plaintext.data()), &written, nullptr,
                nonce + nonceBytes, raw->size() - nonceBytes,
                reinterpret_cast<const unsigned char *>(associatedData.data()),
                associatedData.size(), nonce, m_key.data())
        != 0)
        return std::nullopt;
    plaintext.resize(qsizetype(written));
    return plaintext;
}

} // namespace fastchat::client::e2ee
