// SPDX-License-Identifier: MIT
#include "Jwt.h"

#include <QJsonDocument>
#include <QMessageAuthenticationCode>

using namespace Qt::StringLiterals;

namespace fctest::jwt {

namespace {
QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}
} // namespace

QByteArray base64Url(const QByteArray &data)
{
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray fromBase64Url(const QByteArray &text)
{
    return QByteArray::fromBase64(text, QByteArray::Base64UrlEncoding);
}

QList<QByteArray> parts(const QString &token)
{
    const QList<QByteArray> p = token.toUtf8().split('.');
    return p.size() == 3 ? p : QList<QByteArray>();
}

QJsonObject header(const QString &token)
{
    const auto p = parts(token);
    return p.isEmpty() ? QJsonObject() : QJsonDocument::fromJson(fromBase64Url(p.at(0))).object();
}

QJsonObject claims(const QString &token)
{
    const auto p = parts(token);
    return p.isEmpty() ? QJsonObject() : QJsonDocument::fromJson(fromBase64Url(p.at(1))).object();
}

QString sign(const QJsonObject &header, const QJsonObject &claims, const QByteArray &secret,
             QCryptographicHash::Algorithm algorithm)
{
    const QByteArray input = base64Url(compact(header)) + '.' + base64Url(compact(claims));
    const QByteArray mac = QMessageAuthenticationCode::hash(input, secret, algorithm);
    return QString::fromLatin1(input + '.' + base64Url(mac));
}

QString unsigned_(const QJsonObject &header, const QJsonObject &claims)
{
    return QString::fromLatin1(base64Url(compact(header)) + '.' + base64Url(compact(claims)) + '.');
}

QJsonObject hs256Header()
{
    return QJsonObject{{u"alg"_s, u"HS256"_s}, {u"typ"_s, u"JWT"_s}};
}

} // namespace fctest::jwt
