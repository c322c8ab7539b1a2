// SPDX-License-Identifier: MIT
// SQL for the public keys of end-to-end encryption (docs/e2ee.md): each user's identity
// key and signed prekey, and their stock of one-time prekeys, each handed out once.
#pragma once

#include "Result.h"

#include <fastchat/crypto/PreKeyBundle.h>

namespace fastchat::server {

class SqlSession;

struct KeyPublication
{
    qsizetype oneTimePreKeysLeft = 0;
    bool identityChanged = false; // another identity key was stored before (its keys are gone)
};

namespace KeyQueries {

// Stores what a user published. A new identity key replaces the old one and drops the
// one-time prekeys made under it; one-time prekey ids already stored are kept as they are.
Result<KeyPublication> publish(SqlSession &s, qint64 userId, const crypto::PreKeyUpload &upload,
                               qint64 nowMs);
// The user's bundle with one one-time prekey, which is deleted in the same statement so
// that no two callers ever get the same one (none left: the bundle has none). NotFound
// when the user has published no keys.
Result<crypto::PreKeyBundle> takeBundle(SqlSession &s, qint64 userId);
Result<qsizetype> oneTimePreKeysLeft(SqlSession &s, qint64 userId);

} // namespace KeyQueries
} // namespace fastchat::server
