// SPDX-License-Identifier: MIT
// Gives back the memory Qt keeps behind an idle TCP socket. Once a QTcpSocket has read or
// written anything it keeps one empty read chunk (16 KiB) and one empty write chunk
// (32 KiB) for the next time; for an idle WebSocket that is most of its memory.
#pragma once

class QTcpSocket;

namespace fastchat::server {

// Frees the socket's empty read and write chunks, so that an idle socket costs no buffer
// until it reads or writes again (Qt then allocates new ones, as after connecting).
// Does nothing, and returns false, while anything is buffered in either direction or a
// read transaction is open: those bytes live in the chunks.
bool releaseIdleSocketBuffers(QTcpSocket *socket);

} // namespace fastchat::server
