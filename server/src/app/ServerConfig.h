// SPDX-License-Identifier: MIT
// What a server node needs to start, read from its command line.
#pragma once

#include "auth/PasswordHasher.h"
#include "store/DatabaseConfig.h"

#include <QHostAddress>
#include <QString>
#include <QStringList>
#include <optional>

namespace fastchat::server {

struct ServerConfig
{
    enum class Command { Serve, Migrate };
    Command command = Command::Serve;
    QHostAddress listenAddress = QHostAddress::LocalHost;
    quint16 port = 8080;
    QString dataDir;
    DatabaseConfig database; // defaults to SQLite in dataDir
    QString secretFile; // empty: <dataDir>/jwt-secret, created on first start
    PasswordHasher::Cost passwordCost = PasswordHasher::Cost::Interactive;
    int accessTokenTtlSeconds = 15 * 60;

    // Parses argv. On --help or --version prints and sets *exitCode to 0; on an error
    // prints a message naming the option and sets *exitCode to 2.
    static std::optional<ServerConfig> fromArguments(const QStringList &arguments, int *exitCode);
};

} // namespace fastchat::server
