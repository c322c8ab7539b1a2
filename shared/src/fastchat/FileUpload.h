// SPDX-License-Identifier: MIT
// An uploaded file as the server describes it (POST/GET/PATCH /api/files...): its size,
// how much has arrived, and once complete its SHA-256. The server stores opaque bytes: a
// name and a type are only hints for the download's headers, and an end-to-end encrypted
// client sends neither.
#pragma once

#include "Parsed.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>

namespace fastchat {

struct FileUpload
{
    static constexpr qsizetype maxNameBytes = 255;
    static constexpr qsizetype maxMimeTypeBytes = 127;
    static constexpr qsizetype maxIdBytes = 64;

    QString id; // server-made, URL-safe (letters, digits, '-' and '_')
    qint64 ownerId = 0;
    QString name;     // may be empty
    QString mimeType; // may be empty
    qint64 size = 0;
    qint64 offset = 0; // bytes received so far; equals size when complete
    bool complete = false;
    QString sha256; // lower-case hex of the whole file; empty until complete
    QDateTime createdAt;

    QJsonObject toJson() const;
    static Parsed<FileUpload> fromJson(const QJsonObject &object);

    // A file id as the server makes them; anything else cannot name a file.
    static bool isValidId(QStringView id);
    static bool isValidSha256(QStringView hex);
};

// The body of POST /api/files: what the client is about to send.
struct NewUpload
{
    qint64 size = 0;
    QString name;
    QString mimeType;
    QString sha256; // optional: when given, the server checks the complete file against it

    QJsonObject toJson() const;
    static Parsed<NewUpload> fromJson(const QJsonObject &object);
};

} // namespace fastchat
