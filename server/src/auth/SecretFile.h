// SPDX-License-Identifier: MIT
// The token signing secret: read from a file, or generated once (32 random bytes) into a
// file only the server's user can read.
#pragma once

#include <QByteArray>
#include <QString>

namespace fastchat::server {

namespace SecretFile {

constexpr qsizetype minimumBytes = 32;

// Reads `path`; if it does not exist and `create` is true, writes a new secret there
// (mode 0600). Empty with *error on failure or when the secret is too short.
QByteArray loadOrCreate(const QString &path, bool create, QString *error);

} // namespace SecretFile
} // namespace fastchat::server
