// SPDX-License-Identifier: MIT
#include "DoubleRatchet.h"

#include "Hkdf.h"
#include "Hmac.h"
#include "Sodium.h"

#include <QtEndian>

#include <sodium.h>

#include <limits>
#include <optional>
#include <tuple>

using namespace Qt::StringLiterals;

namespace fastchat::crypto {

namespace {

constexpr char kRatchetInfo[] = "FastChat ratchet v1";
constexpr char kMessageKeyInfo[] = "FastChat message key v1";
constexpr qsizetype kKeyBytes = 32;
constexpr qsizetype kAeadKeyBytes = crypto_aead_xchacha20poly1305_ietf_KEYBYTES;
constexpr qsizetype kAeadNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr qsizetype kAeadTagBytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;

// KDF_RK: (new root key, new chain key).
std::pair<SecretBytes, SecretBytes> kdfRk(const SecretBytes &rootKey, const SecretBytes &dhOut)
{
    const SecretBytes okm = Hkdf::derive(rootKey.view(), dhOut.view(),
                                         QByteArrayView(kRatchetInfo, sizeof kRatchetInfo - 1),
                                         2 * kKeyBytes);
    return {SecretBytes(okm.data(), kKeyBytes), SecretBytes(okm.data() + kKeyBytes, kKeyBytes)};
}

// KDF_CK: (next chain key, message key).
std::pair<SecretBytes, SecretBytes> kdfCk(const SecretBytes &chainKey)
{
    static const char messageConstant = 0x01;
    static const char chainConstant = 0x02;
    return {Hmac::sha256(chainKey.view(), QByteArrayView(&chainConstant, 1)),
            Hmac::sha256(chainKey.view(), QByteArrayView(&messageConstant, 1))};
}

// The AEAD key and nonce for one message key.
SecretBytes expandMessageKey(const SecretBytes &messageKey)
{
    return Hkdf::derive({}, messageKey.view(),
                        QByteArrayView(kMessageKeyInfo, sizeof kMessageKeyInfo - 1),
                        kAeadKeyBytes + kAeadNonceBytes);
}

QByteArray aeadEncrypt(const SecretBytes &messageKey, QByteArrayView plaintext, QByteArrayView ad)
{
    const SecretBytes keyAndNonce = expandMessageKey(messageKey);
    QByteArray out(plaintext.size() + kAeadTagBytes, Qt::Uninitialized);
    unsigned long long outLen = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(
            reinterpret_cast<unsigned char *>(out.data()), &outLen,
            reinterpret_cast<const unsigned char *>(plaintext.data()), quint64(plaintext.size()),
            reinterpret_cast<const unsigned char *>(ad.data()), quint64(ad.size()), nullptr,
            keyAndNonce.data() + kAeadKeyBytes, keyAndNonce.data());
    out.resize(qsizetype(outLen));
    return out;
}

std::optional<QByteArray> aeadDecrypt(const SecretBytes &messageKey, QByteArrayView ciphertext,
                                      QByteArrayView ad)
{
    if (ciphertext.size() < kAeadTagBytes)
        return std::nullopt;
    const SecretBytes keyAndNonce = expandMessageKey(messageKey);
    QByteArray out(ciphertext.size() - kAeadTagBytes, Qt::Uninitialized);
    unsigned long long outLen = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(
                reinterpret_cast<unsigned char *>(out.data()), &outLen, nullptr,
                reinterpret_cast<const unsigned char *>(ciphertext.data()),
                quint64(ciphertext.size()), reinterpret_cast<const unsigned char *>(ad.data()),
                quint64(ad.size()), keyAndNonce.data() + kAeadKeyBytes, keyAndNonce.data())
        != 0) {
        wipe(out);
        return std::nullopt;
    }
    out.resize(qsizetype(outLen));
    return out;
}

// Length-prefixed fields for serialize()/deserialize().
class Writer
{
public:
    void u8(quint8 v) { m_out.append(char(v)); }
    void u32(quint32 v)
    {
        char b[4];
        qToBigEndian<quint32>(v, b);
        m_out.append(b, 4);
    }
    void bytes(QByteArrayView v)
    {
        u32(quint32(v.size()));
        m_out.append(v);
    }
    QByteArray take() { return std::move(m_out); }

private:
    QByteArray m_out;
};

class Reader
{
public:
    explicit Reader(QByteArrayView in)
        : m_in(in)
    {}
    quint8 u8()
    {
        if (!need(1))
            return 0;
        return quint8(m_in[m_at++]);
    }
    quint32 u32()
    {
        if (!need(4))
            return 0;
        const quint32 v = qFromBigEndian<quint32>(m_in.data() + m_at);
        m_at += 4;
        return v;
    }
    // Exactly one of the allowed sizes (e.g. {0, 32}); maxSize < 0 means "one of sizes".
    QByteArrayView bytes(std::initializer_list<qsizetype> sizes, qsizetype maxSize = -1)
    {
        const quint32 n = u32();
        bool allowed = maxSize >= 0 && qsizetype(n) <= maxSize;
        for (qsizetype s : sizes)
            allowed = allowed || qsizetype(n) == s;
        if (!allowed) {
            m_ok = false;
            return {};
        }
        if (!need(n))
            return {};
        const QByteArrayView v = m_in.sliced(m_at, n);
        m_at += n;
        return v;
    }
    bool ok() const { return m_ok; }
    bool atEnd() const { return m_at == m_in.size(); }

private:
    bool need(qsizetype n)
    {
        if (!m_ok || m_in.size() - m_at < n)
            m_ok = false;
        return m_ok;
    }
    QByteArrayView m_in;
    qsizetype m_at = 0;
    bool m_ok = true;
};

} // namespace

Result<DoubleRatchet> DoubleRatchet::initiator(const SecretBytes &sharedKey,
                                               QByteArrayView remoteRatchetKey,
                                               QByteArrayView associatedData)
{
    ensureSodium();
    using R = Result<DoubleRatchet>;
    if (sharedKey.size() != kKeyBytes || associatedData.size() > maxAssociatedDataBytes)
        return R::failure(Error::InvalidInput, u"The shared key must be 32 bytes"_s);
    DoubleRatchet s;
    s.m_dhs = DhKeyPair::generate();
    s.m_dhr = remoteRatchetKey.toByteArray();
    auto out = dh(s.m_dhs.secretKey, s.m_dhr);
    if (!out)
        return R::failure(out);
    std::tie(s.m_rootKey, s.m_sendingChainKey) = kdfRk(sharedKey, *out);
    s.m_associatedData = associatedData.toByteArray();
    return s;
}

Result<DoubleRatchet> DoubleRatchet::responder(const SecretBytes &sharedKey,
                                               const DhKeyPair &ourRatchetKey,
                                               QByteArrayView associatedData)
{
    ensureSodium();
    using R = Result<DoubleRatchet>;
    if (sharedKey.size() != kKeyBytes || ourRatchetKey.publicKey.size() != kKeyBytes
        || ourRatchetKey.secretKey.size() != kKeyBytes
        || associatedData.size() > maxAssociatedDataBytes)
        return R::failure(Error::InvalidInput, u"The shared key must be 32 bytes"_s);
    DoubleRatchet s;
    s.m_dhs = ourRatchetKey;
    s.m_rootKey = sharedKey;
    s.m_associatedData = associatedData.toByteArray();
    return s;
}

Result<DoubleRatchet::Message> DoubleRatchet::encrypt(QByteArrayView plaintext)
{
    using R = Result<Message>;
    if (!canSend())
        return R::failure(
                Error::NoSendingChain,
                u"This side cannot send before it has received the peer's first message"_s);
    if (m_ns == std::numeric_limits<quint32>::max())
        return R::failure(Error::InvalidInput, u"The sending chain is exhausted"_s);
    auto [nextChainKey, messageKey] = kdfCk(m_sendingChainKey);
    Message m;
    m.header = RatchetHeader{m_dhs.publicKey, m_pn, m_ns};
    m.ciphertext = aeadEncrypt(messageKey, plaintext,
                               QByteArray(m_associatedData + m.header.encode()));
    m_sendingChainKey = std::move(nextChainKey);
    ++m_ns;
    return m;
}

SecretBytes DoubleRatchet::nextReceivingKey()
{
    auto [nextChainKey, messageKey] = kdfCk(m_receivingChainKey);
    m_receivingChainKey = std::move(nextChainKey);
    ++m_nr;
    return std::move(messageKey);
}

Result<Done> DoubleRatchet::skipMessageKeys(quint32 until)
{
    if (quint64(m_nr) + maxSkip < until)
        return Result<Done>::failure(
                Error::TooManySkipped,
                u"The message would skip %1 messages; at most %2 may be missing"_s
                        .arg(quint64(until) - m_nr)
                        .arg(maxSkip));
    if (m_receivingChainKey.isEmpty())
        return Done{};
    while (m_nr < until) {
        const quint32 n = m_nr;
        m_skipped.append(SkippedKey{m_dhr, n, nextReceivingKey()});
    }
    if (m_skipped.size() > maxStoredSkippedKeys) {
        const qsizetype drop = m_skipped.size() - maxStoredSkippedKeys;
        qCInfo(lcCrypto) << "Double Ratchet: dropping" << drop << "oldest skipped message keys";
        m_skipped.remove(0, drop);
    }
    return Done{};
}

Result<Done> DoubleRatchet::dhRatchet(const RatchetHeader &header)
{
    m_pn = m_ns;
    m_ns = 0;
    m_nr = 0;
    if (!m_dhr.isEmpty()) {
        m_previousRemoteKeys.append(m_dhr);
        if (m_previousRemoteKeys.size() > rememberedRemoteKeys)
            m_previousRemoteKeys.removeFirst();
    }
    m_dhr = header.dh;
    auto received = dh(m_dhs.secretKey, m_dhr);
    if (!received)
        return Result<Done>::failure(received);
    std::tie(m_rootKey, m_receivingChainKey) = kdfRk(m_rootKey, *received);
    m_dhs = DhKeyPair::generate();
    auto sent = dh(m_dhs.secretKey, m_dhr);
    if (!sent)
        return Result<Done>::failure(sent);
    std::tie(m_rootKey, m_sendingChainKey) = kdfRk(m_rootKey, *sent);
    return Done{};
}

Result<QByteArray> DoubleRatchet::decrypt(const RatchetHeader &header, QByteArrayView ciphertext)
{
    using R = Result<QByteArray>;
    if (header.dh.size() != kKeyBytes)
        return R::failure(Error::InvalidInput, u"The header's ratchet key must be 32 bytes"_s);
    const QByteArray ad = m_associatedData + header.encode();
    const auto failed = [] {
        return R::failure(
                Error::DecryptFailed,
                u"The message does not authenticate: it was altered, or it is not for this "
                "session"_s);
    };

    // A key skipped earlier: use it once, then forget it.
    for (qsizetype i = 0; i < m_skipped.size(); ++i) {
        const SkippedKey &k = m_skipped.at(i);
        if (k.n == header.n && k.dh == header.dh) {
            auto plaintext = aeadDecrypt(k.messageKey, ciphertext, ad);
            if (!plaintext)
                return failed();
            m_skipped.removeAt(i);
            return *plaintext;
        }
    }

    DoubleRatchet next = *this;
    if (!next.m_dhr.isEmpty() && header.dh == next.m_dhr) {
        if (header.n < next.m_nr)
            return R::failure(
                    Error::Replay,
                    u"Message %1 of this chain was already received (or its key was dropped)"_s.arg(
                            header.n));
    } else if (next.m_previousRemoteKeys.contains(header.dh)) {
        return R::failure(
                Error::Replay,
                u"The message belongs to an earlier chain whose keys are used or dropped"_s);
    } else {
        if (auto skipped = next.skipMessageKeys(header.pn); !skipped)
            return R::failure(skipped);
        if (auto ratcheted = next.dhRatchet(header); !ratcheted)
            return R::failure(ratcheted);
    }
    if (auto skipped = next.skipMessageKeys(header.n); !skipped)
        return R::failure(skipped);
    const SecretBytes messageKey = next.nextReceivingKey();
    auto plaintext = aeadDecrypt(messageKey, ciphertext, ad);
    if (!plaintext)
        return failed();
    *this = std::move(next);
    return *plaintext;
}

QByteArray DoubleRatchet::serialize() const
{
    Writer w;
    w.u8(serializationVersion);
    w.bytes(m_dhs.publicKey);
    w.bytes(m_dhs.secretKey.view());
    w.bytes(m_dhr);
    w.bytes(m_rootKey.view());
    w.bytes(m_sendingChainKey.view());
    w.bytes(m_receivingChainKey.view());
    w.u32(m_ns);
    w.u32(m_nr);
    w.u32(m_pn);
    w.bytes(m_associatedData);
    w.u32(quint32(m_skipped.size()));
    for (const SkippedKey &k : m_skipped) {
        w.bytes(k.dh);
        w.u32(k.n);
        w.bytes(k.messageKey.view());
    }
    w.u32(quint32(m_previousRemoteKeys.size()));
    for (const QByteArray &k : m_previousRemoteKeys)
        w.bytes(k);
    return w.take();
}

Result<DoubleRatchet> DoubleRatchet::deserialize(QByteArrayView bytes)
{
    using R = Result<DoubleRatchet>;
    Reader r(bytes);
    const quint8 version = r.u8();
    if (!r.ok())
        return R::failure(Error::InvalidInput, u"The ratchet state is empty"_s);
    if (version != serializationVersion)
        return R::failure(Error::UnsupportedVersion,
                          u"Ratchet state version %1 is not supported"_s.arg(version));
    DoubleRatchet s;
    const QByteArrayView dhsPublic = r.bytes({kKeyBytes});
    const QByteArrayView dhsSecret = r.bytes({kKeyBytes});
    s.m_dhr = r.bytes({0, kKeyBytes}).toByteArray();
    s.m_rootKey = SecretBytes(r.bytes({kKeyBytes}));
    s.m_sendingChainKey = SecretBytes(r.bytes({0, kKeyBytes}));
    s.m_receivingChainKey = SecretBytes(r.bytes({0, kKeyBytes}));
    s.m_ns = r.u32();
    s.m_nr = r.u32();
    s.m_pn = r.u32();
    s.m_associatedData = r.bytes({}, maxAssociatedDataBytes).toByteArray();
    const quint32 skipped = r.u32();
    if (!r.ok() || skipped > maxStoredSkippedKeys)
        return R::failure(Error::InvalidInput, u"The ratchet state is damaged"_s);
    for (quint32 i = 0; i < skipped && r.ok(); ++i) {
        SkippedKey k;
        k.dh = r.bytes({kKeyBytes}).toByteArray();
        k.n = r.u32();
        k.messageKey = SecretBytes(r.bytes({kKeyBytes}));
        s.m_skipped.append(std::move(k));
    }
    const quint32 previous = r.u32();
    if (!r.ok() || previous > rememberedRemoteKeys)
        return R::failure(Error::InvalidInput, u"The ratchet state is damaged"_s);
    for (quint32 i = 0; i < previous && r.ok(); ++i)
        s.m_previousRemoteKeys.append(r.bytes({kKeyBytes}).toByteArray());
    if (!r.ok() || !r.atEnd())
        return R::failure(Error::InvalidInput, u"The ratchet state is damaged"_s);
    auto pair = DhKeyPair::fromSecretKey(SecretBytes(dhsSecret));
    if (!pair || pair->publicKey != dhsPublic)
        return R::failure(Error::InvalidInput, u"The ratchet state's key pair does not match"_s);
    s.m_dhs = pair.takeValue();
    return s;
}

} // namespace fastchat::crypto
