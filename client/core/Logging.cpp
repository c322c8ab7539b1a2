// SPDX-License-Identifier: MIT
#include "Logging.h"

namespace fastchat::client {

Q_LOGGING_CATEGORY(lcApi, "fastchat.client.api", QtInfoMsg)
Q_LOGGING_CATEGORY(lcSocket, "fastchat.client.ws", QtInfoMsg)
Q_LOGGING_CATEGORY(lcSession, "fastchat.client.session", QtInfoMsg)
Q_LOGGING_CATEGORY(lcCache, "fastchat.client.cache", QtInfoMsg)
Q_LOGGING_CATEGORY(lcModels, "fastchat.client.models", QtInfoMsg)
Q_LOGGING_CATEGORY(lcTransfers, "fastchat.client.transfers", QtInfoMsg)

} // namespace fastchat::client
