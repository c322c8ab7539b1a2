// SPDX-License-Identifier: MIT
#include "ServerConfig.h"

#include <QCommandLineParser>
#include <QDir>
#include <QStandardPaths>
#include <cstdio>

using namespace Qt::StringLiterals;

namespace fastchat::server {

namespace {

void printError(const QString &message)
{
    std::fprintf(stderr, "fastchat-server: %s\n", qPrintable(message));
}

} // namespace

std::optional<ServerConfig> ServerConfig::fromArguments(const QStringList &arguments, int *exitCode)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Fast-Chat server: REST and WebSocket chat on one port."_s);
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(u"command"_s, u"serve (default) or migrate"_s, u"[command]"_s);
    const QCommandLineOption listen(u"listen"_s, u"Address and port to listen on (default 127.0.0.1:8080; port 0 picks a free one)."_s, u"host:port"_s);
    const QCommandLineOption database(u"database"_s, u"Database URL: postgresql://user:pass@host:port/db, or sqlite:///path (default: SQLite in the data folder)."_s, u"url"_s);
    const QCommandLineOption dataDir(u"data-dir"_s, u"Folder for the SQLite database, the secret and files."_s, u"dir"_s);
    const QCommandLineOption secretFile(u"secret-file"_s, u"File holding the token signing secret (at least 32 bytes). Default: <data-dir>/jwt-secret, created on first start."_s, u"file"_s);
    const QCommandLineOption passwordCost(u"password-cost"_s, u"Argon2id cost: interactive (default), moderate, or min (tests only)."_s, u"cost"_s);
    parser.addOptions({listen, database, dataDir, secretFile, passwordCost});

    if (!parser.parse(arguments)) {
        printError(parser.errorText());
        *exitCode = 2;
        return std::nullopt;
    }
    if (parser.isSet(u"help"_s)) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        *exitCode = 0;
        return std::nullopt;
    }
    if (parser.isSet(u"version"_s)) {
        std::printf("fastchat-server %s\n", FASTCHAT_VERSION);
        *exitCode = 0;
        return std::nullopt;
    }

    ServerConfig config;
    const QStringList positional = parser.positionalArguments();
    const QString command = positional.value(0, u"serve"_s);
    if (command == u"serve") {
        config.command = Command::Serve;
    } else if (command == u"migrate") {
        config.command = Command::Migrate;
    } else {
        printError(u"unknown command '%1' (serve, migrate)"_s.arg(command));
        *exitCode = 2;
        return std::nullopt;
    }

    if (parser.isSet(listen)) {
        const QString value = parser.value(listen);
        const qsizetype colon = value.lastIndexOf(u':');
        bool ok = false;
        const uint port = value.mid(colon + 1).toUInt(&ok);
        QString host = value.left(colon);
        if (host.startsWith(u'[') && host.endsWith(u']'))
            host = host.mid(1, host.size() - 2);
        const QHostAddress address(host);
        if (colon <= 0 || !ok || port > 65535 || address.isNull()) {
            printError(u"--listen: '%1' is not an address and port such as 127.0.0.1:8080"_s.arg(value));
            *exitCode = 2;
            return std::nullopt;
        }
        config.listenAddress = address;
        config.port = quint16(port);
    }

    config.dataDir = parser.isSet(dataDir)
            ? parser.value(dataDir)
            : QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + u"/fastchat-server"_s;
    config.dataDir = QDir(config.dataDir).absolutePath();

    if (parser.isSet(database)) {
        QString error;
        const auto db = DatabaseConfig::fromUrl(parser.value(database), &error);
        if (!db) {
            printError(u"--database: "_s + error);
            *exitCode = 2;
            return std::nullopt;
        }
        config.database = *db;
    } else {
        config.database = DatabaseConfig::sqliteFile(config.dataDir + u"/fastchat.db"_s);
    }

    config.secretFile = parser.isSet(secretFile) ? parser.value(secretFile) : config.dataDir + u"/jwt-secret"_s;

    if (parser.isSet(passwordCost)) {
        const QString cost = parser.value(passwordCost);
        if (cost == u"interactive")
            config.passwordCost = PasswordHasher::Cost::Interactive;
        else if (cost == u"moderate")
            config.passwordCost = PasswordHasher::Cost::Moderate;
        else if (cost == u"min")
            config.passwordCost = PasswordHasher::Cost::Minimum;
        else {
            printError(u"--password-cost: '%1' is not interactive, moderate or min"_s.arg(cost));
            *exitCode = 2;
            return std::nullopt;
        }
    }
    return config;
}

} // namespace fastchat::server
