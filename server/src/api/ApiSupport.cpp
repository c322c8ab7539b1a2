// SPDX-License-Identifier: MIT
#include "ApiSupport.h"

#include "auth/PasswordHasher.h"

#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace fastchat::server::api {

std::optional<QJsonObject> jsonBody(const HttpRequest &request, const HttpResponder &responder)
{
    QString error;
    auto body = request.jsonBody(&error);
    if (!body)
        responder.error(400, error);
    return body;
}

int httpStatus(const StoreError &error)
{
    switch (error.kind) {
    case StoreError::NotFound:
        return 404;
    case StoreError::Conflict:
        return 409;
    case StoreError::Forbidden:
        return 403;
    case StoreError::Invalid:
        return 400;
    case StoreError::Unavailable:
        return 503;
    case StoreError::Internal:
        return 500;
    }
    return 500;
}

void answerError(const HttpResponder &responder, const StoreError &error)
{
    HttpResponder::Headers extra;
    if (error.kind == StoreError::Unavailable)
        extra.append(qMakePair(QByteArray("Retry-After"), QByteArray("1")));
    responder.error(httpStatus(error), error.message, extra);
}

QString checkUsername(const QString &username)
{
    static const QRegularExpression pattern(u"^[A-Za-z0-9_.-]{3,32}$"_s);
    if (!pattern.match(username).hasMatch())
        return u"username must be 3 to 32 letters, digits, '_', '.' or '-'"_s;
    return {};
}

QString checkEmail(const QString &email)
{
    // The address is checked for shape only; nothing is sent to it.
    static const QRegularExpression pattern(u"^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$"_s);
    if (email.size() > 254 || !pattern.match(email).hasMatch())
        return u"email must be an address like name@example.org"_s;
    return {};
}

QString checkPassword(const QString &password)
{
    if (password.size() < PasswordHasher::minPasswordLength)
        return u"password must be at least %1 characters"_s.arg(PasswordHasher::minPasswordLength);
    if (password.toUtf8().size() > PasswordHasher::maxPasswordBytes)
        return u"password must be at most %1 bytes"_s.arg(PasswordHasher::maxPasswordBytes);
    return {};
}

} // namespace fastchat::server::api
