// SPDX-License-Identifier: MIT
// files mode: one user uploads a file of --file-mib MiB in 1 MiB chunks (generated on the
// fly: the bench never holds the file either), sends it in a message, and the other user
// downloads it, hashing as it streams. Reports MiB/s both ways and checks the SHA-256.
#pragma once

#include "Accounts.h"

namespace fastchat::bench {

struct FileResult
{
    qint64 bytes = 0;
    double uploadSeconds = 0;
    double downloadSeconds = 0;
    bool sha256Matches = false;
    QString error;
};

FileResult transferFile(const Account &sender, const Account &receiver, qint64 bytes);

} // namespace fastchat::bench
