// SPDX-License-Identifier: MIT
// The client's logging categories, one dotted hierarchy under "fastchat.client".
// Enable with QT_LOGGING_RULES="fastchat.client.*.debug=true".
#pragma once

#include <QLoggingCategory>

namespace fastchat::client {

Q_DECLARE_LOGGING_CATEGORY(lcApi)       // fastchat.client.api: REST requests and answers
Q_DECLARE_LOGGING_CATEGORY(lcSocket)    // fastchat.client.ws: the WebSocket and its frames
Q_DECLARE_LOGGING_CATEGORY(lcSession)   // fastchat.client.session: tokens and the keychain
Q_DECLARE_LOGGING_CATEGORY(lcCache)     // fastchat.client.cache: the local SQLite cache
Q_DECLARE_LOGGING_CATEGORY(lcModels)    // fastchat.client.models: what the views are fed
Q_DECLARE_LOGGING_CATEGORY(lcTransfers) // fastchat.client.transfers: uploads and downloads

} // namespace fastchat::client
