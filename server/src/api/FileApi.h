// SPDX-License-Identifier: MIT
// POST /files, GET|PATCH|DELETE /files/{key}, GET /files/{key}/content: resumable
// uploads in chunks at explicit offsets (the tus idea: Upload-Offset headers, 409 at a
// wrong offset) and downloads with Range.
#pragma once

#include <QObject>

namespace fastchat::server {

class FileService;
class HttpServer;

class FileApi : public QObject
{
    Q_OBJECT
public:
    explicit FileApi(FileService &files, QObject *parent = nullptr);
    void registerRoutes(HttpServer &server);

private:
    FileService &m_files;
};

} // namespace fastchat::server
