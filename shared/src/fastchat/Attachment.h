// SPDX-License-Identifier: MIT
// What a message of type "image" or "file" carries in its content (as compact JSON text):
// which uploaded file, and what the receiver needs to show it before downloading — name,
// size, type, SHA-256, and for images the size in pixels and a small thumbnail. The server
// never reads this (end-to-end encryption will encrypt it); it only checks the message's
// separate file_id.
#pragma once

#include "Parsed.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace fastchat {

struct Attachment
{
    static constexpr qsizetype maxThumbnailBytes = 8 * 1024;

    QString fileId;
    QString name;
    qint64 size = 0;
    QString mimeType;
    QString sha256; // lower-case hex
    int width = 0;  // images only; 0 when unknown
    int height = 0;
    QByteArray thumbnail; // images only: a small JPEG or PNG, at most maxThumbnailBytes

    bool isImage() const { return width > 0 && height > 0; }

    QJsonObject toJson() const;
    static Parsed<Attachment> fromJson(const QJsonObject &object);
    // The message content: toJson() as compact text, and back.
    QString toContent() const;
    static Parsed<Attachment> fromContent(const QString &content);
};

} // namespace fastchat
