// SPDX-License-Identifier: MIT
#include "SecretBytes.h"

#include "Sodium.h"

#include <sodium.h>

#include <cstring>
#include <utility>

namespace fastchat::crypto {

SecretBytes::SecretBytes(qsizetype size)
{
    if (size <= 0)
        return;
    m_data = new unsigned char[size_t(size)]();
    m_size = size;
}

SecretBytes::SecretBytes(const void *data, qsizetype size)
    : SecretBytes(size)
{
    if (m_size)
        std::memcpy(m_data, data, size_t(m_size));
}

SecretBytes::SecretBytes(QByteArrayView bytes)
    : SecretBytes(bytes.data(), bytes.size())
{}

SecretBytes SecretBytes::random(qsizetype size)
{
    ensureSodium();
    SecretBytes s(size);
    if (s.m_size)
        randombytes_buf(s.m_data, size_t(s.m_size));
    return s;
}

SecretBytes::SecretBytes(const SecretBytes &other)
    : SecretBytes(other.m_data, other.m_size)
{}

SecretBytes::SecretBytes(SecretBytes &&other) noexcept
    : m_data(std::exchange(other.m_data, nullptr))
    , m_size(std::exchange(other.m_size, 0))
{}

SecretBytes &SecretBytes::operator=(const SecretBytes &other)
{
    if (this != &other)
        *this = SecretBytes(other);
    return *this;
}

SecretBytes &SecretBytes::operator=(SecretBytes &&other) noexcept
{
    if (this != &other) {
        clear();
        m_data = std::exchange(other.m_data, nullptr);
        m_size = std::exchange(other.m_size, 0);
    }
    return *this;
}

SecretBytes::~SecretBytes()
{
    clear();
}

void SecretBytes::clear()
{
    if (m_data) {
        sodium_memzero(m_data, size_t(m_size));
        delete[] m_data;
    }
    m_data = nullptr;
    m_size = 0;
}

bool SecretBytes::operator==(const SecretBytes &other) const
{
    if (m_size != other.m_size)
        return false;
    if (m_size == 0)
        return true;
    return sodium_memcmp(m_data, other.m_data, size_t(m_size)) == 0;
}

void wipe(QByteArray &bytes)
{
    if (!bytes.isEmpty() && !bytes.isDetached()) {
        bytes.clear(); // shared: another reference still holds the bytes, drop ours
        return;
    }
    if (!bytes.isEmpty())
        sodium_memzero(bytes.data(), size_t(bytes.size()));
    bytes.clear();
}

} // namespace fastchat::crypto
