// SPDX-License-Identifier: MIT
// libsodium's one-time initialisation and the library's logging category. Every public
// entry point that touches libsodium calls ensureSodium() first (cheap after the first call).
#pragma once

#include <QLoggingCategory>

namespace fastchat::crypto {

// fastchat.crypto: failures and format problems; never keys, plaintext or message keys.
Q_DECLARE_LOGGING_CATEGORY(lcCrypto)

// sodium_init(), once per process; aborts when libsodium cannot initialise (no usable
// randomness source), because nothing here is safe without it.
void ensureSodium();

} // namespace fastchat::crypto
