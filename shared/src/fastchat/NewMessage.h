// SPDX-License-Identifier: MIT
// A message a client wants to send: the payload of a client's chat_message frame and the
// body of POST /chat/message. fromJson() enforces every limit the server relies on.
#pragma once

#include "Parsed.h"

#include <QJsonObject>
#include <QString>

namespace fastchat {

struct NewMessage
{
    static constexpr qsizetype maxContentBytes = 64 * 1024;
    static constexpr qsizetype maxTypeBytes = 32;
    static constexpr qsizetype maxClientIdBytes = 64;

    qint64 receiverId = 0;
    QString content;
    QString type = QStringLiteral("text");
    QString clientId;
    QString fileId; // the uploaded file an "image" or "file" message refers to; may be empty

    QJsonObject toJson() const;
    // Codes: "invalid_payload", "too_large" (content over maxContentBytes).
    // A file_id needs type "image" or "file".
    static Parsed<NewMessage> fromJson(const QJsonObject &object);

    // The rules every message obeys, sent or stored: content at most maxContentBytes of
    // UTF-8 ("too_large"), a lower-case type word, no empty text ("invalid_payload").
    // Returns the failure code and sets *error, or returns an empty code.
    static QString checkContent(const QJsonObject &object, QString *error);
    static QString checkTypeAndText(const QString &type, const QString &content, QString *error);
};

} // namespace fastchat
