// SPDX-License-Identifier: MIT
#include "Hkdf.h"

#include "Hmac.h"

#include <cstring>

namespace fastchat::crypto {

SecretBytes Hkdf::extract(QByteArrayView salt, QByteArrayView ikm)
{
    static const char zeros[Hmac::sha256Bytes] = {};
    if (salt.isEmpty())
        salt = QByteArrayView(zeros, Hmac::sha256Bytes);
    return Hmac::sha256(salt, ikm);
}

SecretBytes Hkdf::expand(QByteArrayView prk, QByteArrayView info, qsizetype length)
{
    if (length < 1 || length > maxOutputBytes || prk.size() < Hmac::sha256Bytes)
        return {};
    SecretBytes okm(length);
    // T(i) = HMAC(PRK, T(i-1) || info || i), T(0) empty.
    SecretBytes block;
    SecretBytes input(Hmac::sha256Bytes + info.size() + 1);
    qsizetype written = 0;
    for (int i = 1; written < length; ++i) {
        qsizetype n = 0;
        if (!block.isEmpty())
            std::memcpy(input.data(), block.data(), size_t(block.size()));
        n += block.size();
        if (!info.isEmpty())
            std::memcpy(input.data() + n, info.data(), size_t(info.size()));
        n += info.size();
        input.data()[n++] = static_cast<unsigned char>(i);
        block = Hmac::sha256(prk, QByteArrayView(input.data(), n));
        const qsizetype take = qMin(block.size(), length - written);
        std::memcpy(okm.data() + written, block.data(), size_t(take));
        written += take;
    }
    return okm;
}

SecretBytes Hkdf::derive(QByteArrayView salt, QByteArrayView ikm, QByteArrayView info,
                         qsizetype length)
{
    const SecretBytes prk = extract(salt, ikm);
    return expand(prk.view(), info, length);
}

} // namespace fastchat::crypto
