// SPDX-License-Identifier: MIT
// Where log lines go: plain text for a terminal, or one JSON object per line for a
// journal or a log shipper (--log-format json). Messages never carry tokens or passwords:
// the code logs ids, never credentials.
#pragma once

#include "ServerConfig.h"

namespace fastchat::server::LogOutput {

void install(ServerConfig::LogFormat format);

} // namespace fastchat::server::LogOutput
