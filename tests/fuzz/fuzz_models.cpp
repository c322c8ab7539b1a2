// SPDX-License-Identifier: MIT
// A REST body as the client reads it (ApiClient: one object, or an array of them) and as
// the server reads POST /chat/message: every model parser over every object, each value that
// parses written back with toJson() and read again unchanged.
#include "FuzzSupport.h"

#include <QJsonArray>

#include <fastchat/Conversation.h>
#include <fastchat/Message.h>
#include <fastchat/NewMessage.h>
#include <fastchat/User.h>

using namespace fastchat;
using fastchat::fuzz::roundTrip;

namespace {

void parseAll(const QJsonObject &object)
{
    roundTrip<User>(object, "User");
    roundTrip<Message>(object, "Message");
    roundTrip<NewMessage>(object, "NewMessage");
    roundTrip<Conversation>(object, "Conversation");
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    fuzz::ensureApp();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QJsonDocument doc = QJsonDocument::fromJson(fuzz::bytes(data, size));
    if (doc.isObject()) {
        parseAll(doc.object());
    } else if (doc.isArray()) {
        const QJsonArray list = doc.array();
        for (const QJsonValue &item : list)
            parseAll(item.toObject()); // a non-object becomes {} and must be refused cleanly
    }
    return 0;
}
