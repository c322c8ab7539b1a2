// SPDX-License-Identifier: MIT
#include "Sodium.h"

#include <sodium.h>

namespace fastchat::crypto {

Q_LOGGING_CATEGORY(lcCrypto, "fastchat.crypto", QtInfoMsg)

void ensureSodium()
{
    static const bool ready = [] {
        if (sodium_init() < 0)
            qFatal("fastchat.crypto: libsodium failed to initialise");
        return true;
    }();
    Q_UNUSED(ready);
}

} // namespace fastchat::crypto
