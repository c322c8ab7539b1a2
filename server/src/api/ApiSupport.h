// SPDX-License-Identifier: MIT
// Small pieces every REST handler uses: the JSON body read (or a 400), store errors as HTTP
// answers, and the validation rules for account fields.
#pragma once

#include "http/HttpRequest.h"
#include "http/HttpResponder.h"
#include "store/Result.h"

#include <QJsonObject>
#include <QString>

#include <optional>

namespace fastchat::server::api {

// The request's JSON object, or nothing once 400 has been answered.
std::optional<QJsonObject> jsonBody(const HttpRequest &request, const HttpResponder &responder);

// The request's body as a T (T::fromJson gives a Parsed or a crypto Result), or nothing once
// the answer has gone: 413 for a value that is too large, 400 with what is wrong otherwise.
template<typename T>
std::optional<T> parseBody(const HttpRequest &request, const HttpResponder &responder)
{
    const auto body = jsonBody(request, responder);
    if (!body)
        return std::nullopt;
    auto parsed = T::fromJson(*body);
    if (!parsed) {
        responder.error(parsed.code() == QLatin1StringView("too_large") ? 413 : 400,
                        parsed.error());
        return std::nullopt;
    }
    return std::move(parsed.value());
}

int httpStatus(const StoreError &error);
void answerError(const HttpResponder &responder, const StoreError &error);

// Empty when valid; otherwise the sentence for a 400.
QString checkUsername(const QString &username);
QString checkEmail(const QString &email);
QString checkPassword(const QString &password);

} // namespace fastchat::server::api
