// SPDX-License-Identifier: MIT
#include "SocketBuffers.h"

#include <QTcpSocket>

namespace fastchat::server {

namespace {

// Qt 6.4 keeps a QIODevice's buffers (QRingBuffer) in vectors, one per channel; when a
// buffer empties, its last chunk is kept if it is no bigger than the chunk size
// (QAbstractSocket: 16 KiB to read, 32 KiB to write), so it never goes while the socket
// lives. Nothing public drops it, but QIODevice::setOpenMode() resizes those vectors to
// the channels the mode allows: a mode without ReadWrite destroys the buffers, and the old
// mode again creates empty ones, without a chunk. setOpenMode() is protected; a pointer to
// it taken through a subclass is the standard way to call it from outside (no cast of the
// socket to a type it is not).
struct OpenModeSetter : QTcpSocket
{
    static void set(QIODevice *device, QIODevice::OpenMode mode)
    {
        (device->*(&OpenModeSetter::setOpenMode))(mode);
    }
};

} // namespace

bool releaseIdleSocketBuffers(QTcpSocket *socket)
{
    if (!socket || socket->state() != QAbstractSocket::ConnectedState
        || socket->bytesAvailable() != 0 || socket->bytesToWrite() != 0
        || socket->isTransactionStarted())
        return false;
    const QIODevice::OpenMode mode = socket->openMode();
    OpenModeSetter::set(socket, QIODevice::NotOpen);
    OpenModeSetter::set(socket, mode);
    return true;
}

} // namespace fastchat::server
