// SPDX-License-Identifier: MIT
// Bytes that must not outlive their use: private keys, chain and message keys, shared
// secrets. The buffer is wiped with sodium_memzero when it is destroyed or overwritten, a copy
// is a deep copy (no implicit sharing, so no stray copy survives a wipe), and comparison is
// constant-time. QByteArray is only for public values.
#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <cstddef>

namespace fastchat::crypto {

class SecretBytes
{
public:
    SecretBytes() = default;
    // `size` zero bytes.
    explicit SecretBytes(qsizetype size);
    SecretBytes(const void *data, qsizetype size);
    explicit SecretBytes(QByteArrayView bytes);
    // `size` bytes from libsodium's CSPRNG.
    static SecretBytes random(qsizetype size);

    SecretBytes(const SecretBytes &other);
    SecretBytes(SecretBytes &&other) noexcept;
    SecretBytes &operator=(const SecretBytes &other);
    SecretBytes &operator=(SecretBytes &&other) noexcept;
    ~SecretBytes();

    unsigned char *data() { return m_data; }
    const unsigned char *data() const { return m_data; }
    qsizetype size() const { return m_size; }
    bool isEmpty() const { return m_size == 0; }
    QByteArrayView view() const { return QByteArrayView(m_data, m_size); }
    // A copy out, for serialization only: the caller owns (and should wipe) it.
    QByteArray toByteArray() const
    {
        return QByteArray(reinterpret_cast<const char *>(m_data), m_size);
    }

    // Wipes and releases the buffer.
    void clear();

    // Constant-time for equal sizes.
    bool operator==(const SecretBytes &other) const;
    bool operator!=(const SecretBytes &other) const { return !(*this == other); }

private:
    unsigned char *m_data = nullptr;
    qsizetype m_size = 0;
};

// Wipes a QByteArray that held secret bytes (detaching first would copy: call it on the
// only reference).
void wipe(QByteArray &bytes);

} // namespace fastchat::crypto
