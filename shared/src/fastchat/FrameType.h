// SPDX-License-Identifier: MIT
// Every WebSocket frame type, listed once. Only append: never renumber, rename or reuse a
// name, because clients in the field send and expect these strings.
#pragma once

#include <QString>

#include <optional>

namespace fastchat {

// X(enumerator, wire name, direction)
#define FASTCHAT_FRAME_TYPES(X) \
    X(ChatMessage, "chat_message", Both)           /* seed: send (client) / stored message */ \
    X(TypingStatus, "typing_status", Both)         /* seed */ \
    X(UserStatus, "user_status", ServerToClient)   /* seed: presence */ \
    X(Ack, "ack", ServerToClient)                  /* a chat_message was committed */ \
    X(Error, "error", ServerToClient)              /* a frame was refused; nothing changed */ \
    X(Read, "read", ClientToServer)                /* read receipt: peer's messages up to an id */ \
    X(ReadReceipt, "read_receipt", ServerToClient) /* someone read up to an id */ \
    X(Resume, "resume", ClientToServer)            /* send me what I missed after an id */ \
    X(ResumeDone, "resume_done", ServerToClient)   /* the missed messages are all sent */ \
    X(Ping, "ping", ClientToServer)                /* application-level keep-alive */ \
    X(Pong, "pong", ServerToClient)

enum class FrameType {
#define FASTCHAT_FRAME_ENUM(name, wire, direction) name,
    FASTCHAT_FRAME_TYPES(FASTCHAT_FRAME_ENUM)
#undef FASTCHAT_FRAME_ENUM
};

QString frameTypeName(FrameType type);
std::optional<FrameType> frameTypeFromName(const QString &name);

} // namespace fastchat
