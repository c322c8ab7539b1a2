// SPDX-License-Identifier: MIT
// What the sign-in and register forms check before asking the server: the server's own
// rules (usernames, e-mail shape, password length) and a usable server address. Each
// function returns a short sentence for the field, or an empty string when it is fine.
#pragma once

#include <QString>
#include <QUrl>

namespace fastchat::client::validation {

// "chat.example.org:8080" -> http://chat.example.org:8080; invalid when not http(s).
QUrl normalizedServerUrl(const QString &address);
QString serverAddressProblem(const QString &address);
QString usernameProblem(const QString &username);
QString emailProblem(const QString &email);
QString passwordProblem(const QString &password);

} // namespace fastchat::client::validation
