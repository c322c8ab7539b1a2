// SPDX-License-Identifier: MIT
#include "RatchetHeader.h"

#include <QtEndian>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace fastchat::crypto {

QByteArray RatchetHeader::encode() const
{
    QByteArray out(encodedBytes, Qt::Uninitialized);
    Q_ASSERT(dh.size() == 32);
    std::copy_n(dh.constData(), qMin<qsizetype>(dh.size(), 32), out.data());
    qToBigEndian<quint32>(pn, out.data() + 32);
    qToBigEndian<quint32>(n, out.data() + 36);
    return out;
}

Result<RatchetHeader> RatchetHeader::decode(QByteArrayView bytes)
{
    if (bytes.size() != encodedBytes)
        return Result<RatchetHeader>::failure(
                Error::InvalidInput,
                u"A ratchet header is %1 bytes, not %2"_s.arg(encodedBytes).arg(bytes.size()));
    RatchetHeader h;
    h.dh = bytes.first(32).toByteArray();
    h.pn = qFromBigEndian<quint32>(bytes.data() + 32);
    h.n = qFromBigEndian<quint32>(bytes.data() + 36);
    return h;
}

} // namespace fastchat::crypto
