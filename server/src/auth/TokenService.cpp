// SPDX-License-Identifier: MIT
#include "TokenService.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

#include <sodium.h>

using namespace Qt::StringLiterals;

namespace fastchat::server {

namespace {

constexpr auto base64Url = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;

const QByteArray &expectedHeader()
{
    static const QByteArray header
            = QByteArrayLiteral(R"({"alg":"HS256","typ":"JWT"})").toBase64(base64Url);
    return header;
}

// A JSON number that is an exact integer.
std::optional<qint64> integerClaim(const QJsonObject &claims, const QString &key)
{
    const QJsonValue v = claims.value(key);
    const qint64 i = v.isDouble() ? v.toInteger(-1) : -1;
    if (i < 0 || double(i) != v.toDouble())
        return std::nullopt;
    return i;
}

} // namespace

TokenService::TokenService(QByteArray secret, int accessTtlSeconds)
    : m_secret(std::move(secret))
    , m_ttl(accessTtlSeconds)
{}

QByteArray TokenService::sign(const QByteArray &signingInput) const
{
    crypto_auth_hmacsha256_state state;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_init(&state,
                                reinterpret_cast<const unsigned char *>(m_secret.constData()),
                                size_t(m_secret.size()));
    crypto_auth_hmacsha256_update(&state,
                                  reinterpret_cast<const unsigned char *>(signingInput.constData()),
                                  quint64(signingInput.size()));
    crypto_auth_hmacsha256_final(&state, mac);
    return QByteArray(reinterpret_cast<const char *>(mac), sizeof mac);
}

QByteArray TokenService::issue(qint64 userId, const QString &sessionId) const
{
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    const qint64 now = nowMs / 1000;
    const QJsonObject claims{
            {u"user_id"_s, userId}, {u"sub"_s, QString::number(userId)},
            {u"sid"_s, sessionId},  {u"iat"_s, now},
            {u"iat_ms"_s, nowMs},   {u"exp"_s, now + m_ttl},
    };
    const QByteArray input = expectedHeader() + '.'
            + QJsonDocument(claims).toJson(QJsonDocument::Compact).toBase64(base64Url);
    return input + '.' + sign(input).toBase64(base64Url);
}

std::optional<TokenClaims> TokenService::verify(const QByteArray &token) const
{
    if (token.size() > 4096)
        return std::nullopt;
    const qsizetype firstDot = token.indexOf('.');
    const qsizetype secondDot = token.lastIndexOf('.');
    if (firstDot <= 0 || secondDot == firstDot)
        return std::nullopt;
    if (token.left(firstDot) != expectedHeader())
        return std::nullopt;
    const QByteArray input = token.left(secondDot);
    // The signature text must be exactly ours: decoding would skip stray characters and
    // let several spellings of one token through.
    const QByteArray presented = token.mid(secondDot + 1);
    const QByteArray expected = sign(input).toBase64(base64Url);
    if (presented.size() != expected.size()
        || sodium_memcmp(presented.constData(), expected.constData(), size_t(expected.size())) != 0)
        return std::nullopt;

    const auto payload = QByteArray::fromBase64Encoding(
            token.mid(firstDot + 1, secondDot - firstDot - 1), base64Url);
    if (!payload)
        return std::nullopt;
    const QJsonDocument doc = QJsonDocument::fromJson(payload.decoded);
    if (!doc.isObject())
        return std::nullopt;
    const QJsonObject claims = doc.object();
    const auto userId = integerClaim(claims, u"user_id"_s);
    const auto iat = integerClaim(claims, u"iat"_s);
    const auto exp = integerClaim(claims, u"exp"_s);
    const QString sid = claims.value(u"sid").toString();
    if (!userId || *userId <= 0 || !iat || !exp || sid.isEmpty()
        || claims.value(u"sub").toString() != QString::number(*userId))
        return std::nullopt;
    if (*exp <= QDateTime::currentSecsSinceEpoch())
        return std::nullopt;
    // iat_ms is ours and optional; a far-future value saturates rather than overflows.
    const auto iatMs = integerClaim(claims, u"iat_ms"_s);
    const qint64 issuedAtMs = iatMs ? *iatMs
                                    : (*iat > 9007199254740 ? 9007199254740991 : *iat * 1000 + 999);
    return TokenClaims{*userId, sid, *iat, issuedAtMs, *exp};
}

QString TokenService::randomToken(int bytes)
{
    QByteArray buffer(bytes, Qt::Uninitialized);
    randombytes_buf(buffer.data(), size_t(buffer.size()));
    return QString::fromLatin1(buffer.toBase64(base64Url));
}

QString TokenService::sha256Hex(const QByteArray &data)
{
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char *>(data.constData()),
                       quint64(data.size()));
    return QString::fromLatin1(
            QByteArray(reinterpret_cast<const char *>(digest), sizeof digest).toHex());
}

} // namespace fastchat::server
