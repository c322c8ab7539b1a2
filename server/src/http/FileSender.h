// SPDX-License-Identifier: MIT
// Streams a byte range of a file into a socket as fast as the peer reads it: a piece is
// read only when the socket's buffer has room, so a download of any size holds at most
// a few hundred KiB in memory. Deletes itself when done, or with the socket.
#pragma once

#include <QFile>
#include <QObject>
#include <QPointer>
#include <QTcpSocket>

#include <memory>

namespace fastchat::server {

class HttpServer;

class FileSender : public QObject
{
    Q_OBJECT
public:
    // Starts sending at once; the socket becomes the parent. `server`'s
    // downloadsAborted() cuts the download (may be null).
    static void start(QTcpSocket *socket, std::unique_ptr<QFile> file, qint64 offset, qint64 length,
                      HttpServer *server);

private:
    FileSender(QTcpSocket *socket, std::unique_ptr<QFile> file, qint64 remaining,
               HttpServer *server);
    void pump();

    QPointer<QTcpSocket> m_socket;
    std::unique_ptr<QFile> m_file;
    qint64 m_remaining;
};

} // namespace fastchat::server
