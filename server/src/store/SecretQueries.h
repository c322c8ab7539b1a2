// SPDX-License-Identifier: MIT
// Secrets every node of a cluster must share, kept in the database.
#pragma once

#include "Result.h"

#include <QByteArray>
#include <QString>

namespace fastchat::server {

class SqlSession;

namespace SecretQueries {

// The secret called `name`; the first node to ask stores `candidate`, every later one
// (and every restart) gets that same value.
Result<QByteArray> getOrCreate(SqlSession &s, const QString &name, const QByteArray &candidate);

} // namespace SecretQueries
} // namespace fastchat::server
