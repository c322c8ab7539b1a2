// SPDX-License-Identifier: MIT
#include "FileSender.h"

#include "HttpServer.h"
#include "app/Logging.h"

namespace fastchat::server {

namespace {

constexpr qint64 pieceBytes = 256 * 1024;
// Refill when less than this is waiting in the socket's buffer.
constexpr qint64 lowWater = 512 * 1024;

} // namespace

void FileSender::start(QTcpSocket *socket, std::unique_ptr<QFile> file, qint64 offset,
                       qint64 length, HttpServer *server)
{
    if (length <= 0)
        return;
    if (!file->seek(offset)) {
        qCWarning(lcHttp) << "cannot seek in" << file->fileName();
        socket->abort();
        return;
    }
    auto *sender = new FileSender(socket, std::move(file), length, server);
    sender->pump();
}

FileSender::FileSender(QTcpSocket *socket, std::unique_ptr<QFile> file, qint64 remaining,
                       HttpServer *server)
    : QObject(socket)
    , m_socket(socket)
    , m_file(std::move(file))
    , m_remaining(remaining)
{
    connect(socket, &QTcpSocket::bytesWritten, this, &FileSender::pump);
    connect(socket, &QTcpSocket::disconnected, this, &QObject::deleteLater);
    if (server) {
        connect(server, &HttpServer::downloadsAborted, this, [this] {
            if (m_socket)
                m_socket->abort();
            deleteLater();
        });
    }
}

void FileSender::pump()
{
    while (m_socket && m_remaining > 0 && m_socket->bytesToWrite() < lowWater) {
        const QByteArray piece = m_file->read(std::min(pieceBytes, m_remaining));
        if (piece.isEmpty()) {
            // The file shrank or failed under us: the promised Content-Length cannot be
            // kept, so end the connection rather than leave the client waiting.
            qCWarning(lcHttp) << "reading" << m_file->fileName()
                              << "failed:" << m_file->errorString();
            m_socket->abort();
            deleteLater();
            return;
        }
        m_socket->write(piece);
        m_remaining -= piece.size();
    }
    if (m_remaining <= 0) {
        disconnect(m_socket, nullptr, this, nullptr);
        deleteLater();
    }
}

} // namespace fastchat::server
