// SPDX-License-Identifier: MIT
// Access tokens: TokenService::verify and Authenticator (Authorization header, revocations)
// with a fixed secret. Random bytes almost never get past the header and signature checks,
// so the first byte picks how the rest of the input becomes a token:
//   0  the bytes as they are (and as an Authorization header value)
//   1  <our header>.<base64url(bytes)>.<valid signature>   the claims JSON is fuzzed
//   2  <our header>.<bytes>.<valid signature>              the raw payload segment is fuzzed
//   3  <a valid token><bytes>                             trailing garbage / signature part
// The Authenticator has user 1 and session "revoked" revoked, so both revocation checks run.
// Checks: a token that verifies has user_id > 0, a session id, an expiry in
// the future, and the exact header; and its signature part is exactly the one we compute (in
// mode 0 that means no token verifies unless the input holds a correctly signed one).
#include "FuzzSupport.h"

#include <QDateTime>

#include <auth/Authenticator.h>
#include <auth/TokenService.h>
#include <sodium.h>

#include <limits>

using namespace Qt::StringLiterals;
using namespace fastchat::server;

namespace {

constexpr auto base64Url = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;

const QByteArray &secret()
{
    static const QByteArray s = QByteArrayLiteral("fastchat-fuzz-secret-0123456789abcdef");
    return s;
}

const QByteArray &header()
{
    static const QByteArray h
            = QByteArrayLiteral(R"({"alg":"HS256","typ":"JWT"})").toBase64(base64Url);
    return h;
}

QByteArray sign(const QByteArray &input)
{
    crypto_auth_hmacsha256_state state;
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_init(&state,
                                reinterpret_cast<const unsigned char *>(secret().constData()),
                                size_t(secret().size()));
    crypto_auth_hmacsha256_update(&state,
                                  reinterpret_cast<const unsigned char *>(input.constData()),
                                  quint64(input.size()));
    crypto_auth_hmacsha256_final(&state, mac);
    return QByteArray(reinterpret_cast<const char *>(mac), sizeof mac).toBase64(base64Url);
}

QByteArray signedToken(const QByteArray &payloadSegment)
{
    const QByteArray input = header() + '.' + payloadSegment;
    return input + '.' + sign(input);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    fastchat::fuzz::ensureApp();
    if (sodium_init() < 0)
        std::abort();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    static const TokenService tokens(secret(), 900);
    static Authenticator auth = [] {
        Authenticator a{TokenService(secret(), 900)};
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        a.revokeUser(1, now);
        a.revokeSession(u"revoked"_s, now);
        return a;
    }();

    const int mode = data[0] % 4;
    const QByteArray rest = fastchat::fuzz::bytes(data + 1, size - 1);
    QByteArray token;
    switch (mode) {
    case 0:
        token = rest;
        break;
    case 1:
        token = signedToken(rest.toBase64(base64Url));
        break;
    case 2:
        token = signedToken(rest);
        break;
    case 3:
        token = signedToken(QByteArrayLiteral(
                                    R"({"user_id":7,"sub":"7","sid":"s","iat":1,"exp":4102444800})")
                                    .toBase64(base64Url))
                + rest;
        break;
    }

    const auto claims = tokens.verify(token);
    if (claims) {
        // Only the signature we make, written the one way we write it, gets a token in.
        const qsizetype lastDot = token.lastIndexOf('.');
        FUZZ_CHECK(token.mid(lastDot + 1) == sign(token.left(lastDot))
                           || fastchat::fuzz::ignoring("jwt-noncanonical"),
                   "a token whose signature part is not the canonical signature verified: "
                           + token);
        FUZZ_CHECK(claims->userId > 0, token);
        FUZZ_CHECK(!claims->sessionId.isEmpty(), token);
        FUZZ_CHECK(claims->expiresAt > QDateTime::currentSecsSinceEpoch(), token);
        FUZZ_CHECK(token.startsWith(QByteArray(header() + '.')), token);
    }
    // Open finding "iat-overflow": Authenticator multiplies iat by 1000 without a bound.
    if (claims && claims->issuedAt > std::numeric_limits<qint64>::max() / 1000
        && fastchat::fuzz::ignoring("iat-overflow"))
        return 0;
    const auto context = auth.fromToken(token);
    FUZZ_CHECK(bool(context) <= bool(claims),
               "Authenticator accepted what TokenService refused: " + token);
    if (context) {
        FUZZ_CHECK(context->userId == claims->userId && context->sessionId == claims->sessionId,
                   token);
        FUZZ_CHECK(context->sessionId != u"revoked", "a revoked session got in: " + token);
    }
    // The header parser: "Bearer <token>" in any case, surrounding blanks, or the bare token.
    auth.fromAuthorizationHeader(mode == 0 ? rest : "Bearer " + token);
    return 0;
}
