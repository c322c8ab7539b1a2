// SPDX-License-Identifier: MIT
// Reading and forging JSON Web Tokens in tests: the server's tokens are HS256 over
// base64url(header) "." base64url(claims); with the secret from --secret-file a test can make
// tokens that differ from a real one in exactly one way.
#pragma once

#include <QByteArray>
#include <QCryptographicHash>
#include <QJsonObject>
#include <QString>

namespace fctest::jwt {

QByteArray base64Url(const QByteArray &data);
QByteArray fromBase64Url(const QByteArray &text);

// The three dot-separated parts of a token; empty list when it has not three.
QList<QByteArray> parts(const QString &token);
QJsonObject header(const QString &token);
QJsonObject claims(const QString &token);

// header.claims (both compact JSON, base64url) signed with HMAC over `secret`.
// algorithm Sha256 gives HS256, Sha512 gives HS512.
QString sign(const QJsonObject &header, const QJsonObject &claims, const QByteArray &secret,
             QCryptographicHash::Algorithm algorithm = QCryptographicHash::Sha256);
// A token with the given header and claims and an empty signature ("alg: none").
QString unsigned_(const QJsonObject &header, const QJsonObject &claims);

QJsonObject hs256Header();

} // namespace fctest::jwt
