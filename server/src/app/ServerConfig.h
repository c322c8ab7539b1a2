// SPDX-License-Identifier: MIT
// What a server node or an admin command needs, read from (in increasing precedence)
// the defaults, a config file, FASTCHAT_* environment variables and command-line flags.
// A bad value stops start-up with a message that names the key and where it came from.
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
    // Exit codes a script can rely on.
    enum ExitCode { Ok = 0, Failure = 1, Usage = 2, NotFound = 3, Conflict = 4 };

    QString command = QStringLiteral("serve"); // serve, migrate, user, sessions, config
    QStringList commandArguments; // after the command: "add alice alice@example.org", ...
    bool passwordFromStdin = false;

    QHostAddress listenAddress = QHostAddress::LocalHost;
    quint16 port = 8080;
    QString dataDir;
    DatabaseConfig database;                      // defaults to SQLite in dataDir
    int databaseReaders = defaultDatabaseReaders; // reader threads, one connection each
    QString secretFile;           // default <dataDir>/jwt-secret, created on first start
    bool secretFileGiven = false; // else PostgreSQL keeps the secret (shared by every node)
    // How events cross nodes: not at all (one node), PostgreSQL LISTEN/NOTIFY, or NATS at
    // natsUrl (nats://host:port). Both cluster modes keep everything else in PostgreSQL.
    enum class Cluster { None, Postgres, Nats } cluster = Cluster::None;
    QString natsUrl;
    PasswordHasher::Cost passwordCost = PasswordHasher::Cost::Interactive;
    int accessTokenTtlSeconds = 15 * 60;
    int loginAttemptsPerMinute = 10; // per IP address and per account
    int messagesPerSecond = 50;      // per connection, with bursts of twice that
    QStringList allowedOrigins; // WebSocket Origin allow-list; empty: only clients sending none
    enum class LogFormat { Text, Json } logFormat = LogFormat::Text;
    QByteArray metricsToken; // lets non-loopback scrapers read /metrics
    QString tlsCertificate;  // PEM; with tlsKey, the port speaks HTTPS and WSS
    QString tlsKey;
    // Uploads: the folder of their bytes (default <dataDir>/files; in a cluster, a folder
    // every node mounts), the largest file, each user's quota, and how long an upload no
    // message refers to is kept.
    QString filesDir;
    qint64 maxUploadBytes = 100LL * 1024 * 1024;
    qint64 uploadQuotaBytes = 10LL * 1024 * 1024 * 1024;
    int uploadExpirySeconds = 24 * 3600;
    QString configFile;  // the file that was read, if any
    QStringList sources; // "key=value (from ...)" for `config check`

    // One line for `config check`: the cluster mode and what it uses.
    QString describeCluster() const;

    // Parses argv and the environment. On --help or --version prints and sets *exitCode
    // to Ok; on an error prints a message naming the key and sets *exitCode to Usage.
    static std::optional<ServerConfig> load(const QStringList &arguments,
                                            const QStringList &environment, int *exitCode);
};

} // namespace fastchat::server
