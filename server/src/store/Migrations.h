// SPDX-License-Identifier: MIT
// The schema as numbered migrations, applied in order at start-up and by
// `fastchat-server migrate`. Only append: an applied migration is never edited.
#pragma once

#include "SqlSession.h"

namespace fastchat::server {

class Migrations
{
public:
    // Applies every migration newer than the database's version, each in its own
    // transaction. Returns false with a message when one fails (the database keeps the
    // last version that applied completely).
    static bool apply(SqlSession &session, QString *error);
    static int latestVersion();
    // -1 when the database has no schema yet.
    static int currentVersion(SqlSession &session);
};

} // namespace fastchat::server
