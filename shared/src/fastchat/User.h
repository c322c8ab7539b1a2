// SPDX-License-Identifier: MIT
// A person with an account. The password never leaves the server, and the e-mail address
// is shown only to its owner.
#pragma once

#include "Parsed.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>

namespace fastchat {

struct User
{
    qint64 id = 0;
    QString username;
    QString email; // empty when the reader may not see it
    QString profileImage;
    bool isOnline = false;
    QDateTime lastSeen;
    QDateTime createdAt;
    QDateTime updatedAt;

    QJsonObject toJson() const;
    static Parsed<User> fromJson(const QJsonObject &object);
};

} // namespace fastchat
