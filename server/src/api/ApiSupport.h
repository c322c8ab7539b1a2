// SPDX-License-Identifier: MIT
// Small pieces every REST handler uses: store errors as HTTP answers, and the
// validation rules for account fields.
#pragma once

#include "http/HttpResponder.h"
#include "store/Result.h"

#include <QString>

namespace fastchat::server::api {

int httpStatus(const StoreError &error);
void answerError(const HttpResponder &responder, const StoreError &error);

// Empty when valid; otherwise the sentence for a 400.
QString checkUsername(const QString &username);
QString checkEmail(const QString &email);
QString checkPassword(const QString &password);

} // namespace fastchat::server::api
