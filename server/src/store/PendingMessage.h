// SPDX-License-Identifier: MIT
// A message waiting for the writer thread, and what the writer answers.
#pragma once

#include "Result.h"

#include <fastchat/Message.h>
#include <fastchat/NewMessage.h>

#include <functional>
#include <vector>

namespace fastchat::server {

struct StoredMessage
{
    Message message;
    bool duplicate = false;       // the client_id was seen before: nothing new was stored
    bool newConversation = false; // the first message between these two users
    QString frame;                // the chat_message frame, encoded once by the writer thread
};

struct PendingMessage
{
    qint64 senderId = 0;
    NewMessage draft;
    quint64 fromConnection = 0; // the sending socket (0: REST), which gets the ack first
    // Called on the Store's thread after the commit (or the failure).
    std::function<void(Result<StoredMessage>)> done;
};

// Hands a written batch and its answers (one per message, in order) from the writer thread
// to where the answers are due.
using AnswerBatch = std::function<void(std::vector<PendingMessage> batch,
                                       std::vector<Result<StoredMessage>> answers)>;

} // namespace fastchat::server
