// SPDX-License-Identifier: MIT
#include "SessionCipher.h"

#include "Base64Url.h"
#include "Sodium.h"

#include <QJsonDocument>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace fastchat::crypto {

QByteArray SessionCipher::pad(QByteArrayView plaintext)
{
    const qsizetype padded = (plaintext.size() / paddingBlock + 1) * paddingBlock;
    QByteArray out(padded, '\0');
    std::copy_n(plaintext.data(), plaintext.size(), out.data());
    out[plaintext.size()] = char(0x80);
    return out;
}

std::optional<QByteArray> SessionCipher::unpad(QByteArrayView padded)
{
    qsizetype i = padded.size() - 1;
    while (i >= 0 && padded[i] == '\0')
        --i;
    if (i < 0 || quint8(padded[i]) != 0x80)
        return std::nullopt;
    return padded.first(i).toByteArray();
}

Result<SessionCipher> SessionCipher::initiate(const IdentityKeyPair &ours,
                                              const PreKeyBundle &theirs)
{
    using R = Result<SessionCipher>;
    auto x3dh = X3dh::initiate(ours, theirs);
    if (!x3dh)
        return R::failure(x3dh);
    auto ratchet = DoubleRatchet::initiator(x3dh->session.sharedKey, x3dh->peerSignedPreKey,
                                            x3dh->session.associatedData);
    if (!ratchet)
        return R::failure(ratchet);
    SessionCipher s(ratchet.takeValue());
    s.m_peerIdentityKey = x3dh->session.peerIdentityKey;
    s.m_initialHeader = x3dh->header;
    s.m_awaitingReply = true;
    return s;
}

Result<SessionCipher::Accepted> SessionCipher::accept(const IdentityKeyPair &ours,
                                                      const SignedPreKey &signedPreKey,
                                                      const OneTimePreKey *oneTimePreKey,
                                                      const Envelope &first)
{
    using R = Result<Accepted>;
    if (!first.x3dh)
        return R::failure(Error::InvalidInput, u"The message does not start a session"_s);
    auto x3dh = X3dh::respond(ours, signedPreKey, oneTimePreKey, *first.x3dh);
    if (!x3dh)
        return R::failure(x3dh);
    auto ratchet = DoubleRatchet::responder(x3dh->sharedKey, signedPreKey.keyPair,
                                            x3dh->associatedData);
    if (!ratchet)
        return R::failure(ratchet);
    SessionCipher s(ratchet.takeValue());
    s.m_peerIdentityKey = x3dh->peerIdentityKey;
    s.m_initialHeader = *first.x3dh;
    auto plaintext = s.decrypt(first);
    if (!plaintext)
        return R::failure(plaintext);
    return Accepted{std::move(s), plaintext.takeValue(), first.x3dh->oneTimePreKeyId};
}

Result<Envelope> SessionCipher::encrypt(QByteArrayView plaintext)
{
    using R = Result<Envelope>;
    if (plaintext.size() > maxPlaintextBytes)
        return R::failure(
                Error::InvalidInput,
                u"A message may hold at most %1 bytes before encryption"_s.arg(maxPlaintextBytes));
    QByteArray padded = pad(plaintext);
    auto message = m_ratchet.encrypt(padded);
    wipe(padded);
    if (!message)
        return R::failure(message);
    Envelope e;
    e.header = message->header;
    e.ciphertext = message->ciphertext;
    if (m_awaitingReply)
        e.x3dh = m_initialHeader;
    return e;
}

Result<QByteArray> SessionCipher::decrypt(const Envelope &envelope)
{
    using R = Result<QByteArray>;
    if (envelope.x3dh && !(*envelope.x3dh == m_initialHeader))
        return R::failure(Error::NewSession,
                          u"The message starts a new session (the peer may have reinstalled)"_s);
    auto padded = m_ratchet.decrypt(envelope.header, envelope.ciphertext);
    if (!padded)
        return R::failure(padded);
    m_awaitingReply = false;
    auto plaintext = unpad(*padded);
    wipe(padded.value());
    if (!plaintext)
        return R::failure(Error::InvalidInput, u"The decrypted message has bad padding"_s);
    return *plaintext;
}

QByteArray SessionCipher::serialize() const
{
    QByteArray ratchet = m_ratchet.serialize();
    const QJsonObject o{{u"v"_s, serializationVersion},
                        {u"peer_identity_key"_s, toBase64Url(m_peerIdentityKey)},
                        {u"x3dh"_s, m_initialHeader.toJson()},
                        {u"awaiting_reply"_s, m_awaitingReply},
                        {u"ratchet"_s, toBase64Url(ratchet)}};
    wipe(ratchet);
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

Result<SessionCipher> SessionCipher::deserialize(QByteArrayView bytes)
{
    using R = Result<SessionCipher>;
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes.toByteArray(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return R::failure(Error::InvalidInput, u"The session state is not a JSON object"_s);
    const QJsonObject o = doc.object();
    if (o.value(u"v"_s).toInt(-1) != serializationVersion)
        return R::failure(Error::UnsupportedVersion, u"Session state version not supported"_s);
    JsonFields f(o);
    const QByteArray peer = f.bytes(u"peer_identity_key"_s, IdentityKeyPair::publicKeyBytes);
    const QJsonObject x3dh = f.object(u"x3dh"_s);
    QByteArray ratchetBytes = f.bytes(u"ratchet"_s, 0, 1 << 20);
    const QJsonValue awaiting = o.value(u"awaiting_reply"_s);
    if (!awaiting.isBool())
        f.fail(u"awaiting_reply must be a boolean"_s);
    if (!f.ok())
        return R::failure(Error::InvalidInput, f.error());
    auto header = InitialMessageHeader::fromJson(x3dh);
    if (!header)
        return R::failure(header);
    auto ratchet = DoubleRatchet::deserialize(ratchetBytes);
    wipe(ratchetBytes);
    if (!ratchet)
        return R::failure(ratchet);
    SessionCipher s(ratchet.takeValue());
    s.m_peerIdentityKey = peer;
    s.m_initialHeader = header.takeValue();
    s.m_awaitingReply = awaiting.toBool();
    return s;
}

} // namespace fastchat::crypto
