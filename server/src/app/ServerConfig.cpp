// SPDX-License-Identifier: MIT
#include "ServerConfig.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QStandardPaths>
#include <QUrl>

#include <cstdio>
#include <functional>

using namespace Qt::StringLiterals;

namespace fastchat::server {

namespace {

void printError(const QString &message)
{
    std::fprintf(stderr, "fastchat-server: %s\n", qPrintable(message));
}

// One configurable key: its name in the config file, its flag, and how to apply a value
// (returns an error sentence, or nothing when the value is good).
struct Setting
{
    QString key; // config file key; the flag is --key with '_' as '-'; env FASTCHAT_KEY
    QString valueName;
    QString help;
    std::function<QString(ServerConfig &, const QString &)> apply;

    QString flag() const { return QString(key).replace(u'_', u'-'); }
    QString env() const { return u"FASTCHAT_"_s + key.toUpper(); }
};

QString positiveInt(const QString &value, int max, int *out)
{
    bool ok = false;
    const int v = value.toInt(&ok);
    if (!ok || v < 1 || v > max)
        return u"must be a whole number from 1 to %1"_s.arg(max);
    *out = v;
    return {};
}

// A byte count: digits with an optional K, M or G (KiB, MiB, GiB), e.g. 100M.
QString byteCount(const QString &value, qint64 *out)
{
    static const QHash<QChar, qint64> units{
            {u'K', 1LL << 10}, {u'M', 1LL << 20}, {u'G', 1LL << 30}, {u'T', 1LL << 40}};
    QString digits = value.trimmed().toUpper();
    if (digits.endsWith(u"IB"))
        digits.chop(2);
    else if (digits.endsWith(u'B'))
        digits.chop(1);
    qint64 unit = 1;
    if (!digits.isEmpty() && units.contains(digits.back())) {
        unit = units.value(digits.back());
        digits.chop(1);
    }
    bool ok = false;
    const qint64 n = digits.toLongLong(&ok);
    if (!ok || n < 1 || n > (1LL << 50) / unit)
        return u"'%1' is not a size such as 104857600, 100M or 2G"_s.arg(value);
    *out = n * unit;
    return {};
}

// nats://[user[:password]@]host[:port] (port 4222 when left out); *normalized gets the URL
// the NATS client is given.
QString natsUrl(const QString &value, QString *normalized)
{
    const QUrl url(value, QUrl::StrictMode);
    const QString example = u"'%1' is not a NATS server address such as nats://127.0.0.1:4222"_s;
    if (!url.isValid() || url.scheme().compare(u"nats", Qt::CaseInsensitive) != 0
        || url.host().isEmpty() || (!url.path().isEmpty() && url.path() != u"/") || url.hasQuery()
        || url.hasFragment())
        return example.arg(value);
    const int port = url.port(4222);
    if (port < 1 || port > 65535)
        return example.arg(value);
    QUrl clean = url.adjusted(QUrl::RemovePath);
    clean.setScheme(u"nats"_s);
    clean.setPort(port);
    *normalized = clean.toString();
    return {};
}

const QList<Setting> &settings()
{
    static const QList<Setting> list = {
            {u"listen"_s, u"host:port"_s,
             u"Address and port to listen on (default 127.0.0.1:8080; port 0 picks a free one)."_s,
             [](ServerConfig &c, const QString &value) -> QString {
                 const qsizetype colon = value.lastIndexOf(u':');
                 bool ok = false;
                 const uint port = value.mid(colon + 1).toUInt(&ok);
                 QString host = value.left(colon);
                 if (host.startsWith(u'[') && host.endsWith(u']'))
                     host = host.mid(1, host.size() - 2);
                 const QHostAddress address(host);
                 if (colon <= 0 || !ok || port > 65535 || address.isNull())
                     return u"'%1' is not an address and port such as 127.0.0.1:8080"_s.arg(value);
                 c.listenAddress = address;
                 c.port = quint16(port);
                 return {};
             }},
            {u"data_dir"_s, u"dir"_s,
             u"Folder for the SQLite database and the secret (default ~/.local/share/fastchat-server)."_s,
             [](ServerConfig &c, const QString &value) -> QString {
                 if (value.isEmpty())
                     return u"must name a folder"_s;
                 c.dataDir = QDir(value).absolutePath();
                 return {};
             }},
            {u"database"_s, u"url"_s,
             u"postgresql://user:pass@host:port/db, or sqlite:///path (default: SQLite in the data folder)."_s,
             [](ServerConfig &c, const QString &value) -> QString {
                 QString error;
                 const auto db = DatabaseConfig::fromUrl(value, &error);
                 if (!db)
                     return error;
                 c.database = *db;
                 return {};
             }},
            {u"database_readers"_s, u"n"_s,
             u"Reader threads, each with its own database connection (default 2; reads such as history pages run side by side)."_s,
             [](ServerConfig &c, const QString &value) {
                 return positiveInt(value, 64, &c.databaseReaders);
             }},
            {u"secret_file"_s, u"file"_s,
             u"Token signing secret, at least 32 bytes (default <data-dir>/jwt-secret, created on first start)."_s,
             [](ServerConfig &c, const QString &value) -> QString {
                 if (value.isEmpty())
                     return u"must name a file"_s;
                 c.secretFile = value;
                 return {};
             }},
            {u"password_cost"_s, u"cost"_s,
             u"Argon2id cost: interactive (default), moderate, or min (tests only)."_s,
             [](ServerConfig &c, const QString &value) -> QString {
                 if (value == u"interactive")
                     c.passwordCost = PasswordHasher::Cost::Interactive;
                 else if (value == u"moderate")
                     c.passwordCost = PasswordHasher::Cost::Moderate;
                 else if (value == u"min")
                     c.passwordCost = PasswordHasher::Cost::Minimum;
                 else
                     return u"'%1' is not interactive, moderate or min"_s.arg(value);
                 return {};
             }},
            {u"access_token_ttl"_s, u"seconds"_s, u"Lifetime of access tokens (default 900)."_s,
             [](ServerConfig &c, const QString &value) {
                 return positiveInt(value, 24 * 3600, &c.accessTokenTtlSeconds);
             }},
            {u"login_attempts_per_minute"_s, u"n"_s,
             u"Login attempts allowed per IP address and per account (default 10)."_s,
             [](ServerConfig &c, const QString &value) {
                 return positiveInt(value, 100000, &c.loginAttemptsPerMinute);
             }},
            {u"messages_per_second"_s, u"n"_s,
             u"Messages a connection may send per second (default 50)."_s,
             [](ServerConfig &c, const QString &value) {
                 return positiveInt(value, 1000000, &c.messagesPerSecond);
             }},
            {u"allowed_origins"_s, u"list"_s,
             u"Comma-separated WebSocket origins allowed (browsers); clients that send no Origin are always allowed."_s,
             [](ServerConfig &c, const QString &value) -> QString {
                 c.allowedOrigins.clear();
                 for (const QString &origin : value.split(u',', Qt::SkipEmptyParts)) {
                     const QUrl url(origin.trimmed(), QUrl::StrictMode);
                     if (!url.isValid() || url.host().isEmpty()
                         || (url.scheme() != u"http" && url.scheme() != u"https"))
                         return u"'%1' is not an origin such as https://chat.example.org"_s.arg(
                                 origin.trimmed());
                     c.allowedOrigins << origin.trimmed();
                 }
                 return {};
             }},
            {u"metrics_token"_s, u"token"_s,
             u"Bearer token that lets a scraper outside this machine read /metrics (loopback needs none)."_s,
             [](ServerConfig &c, const QString &value) -> QString {
                 if (value.size() < 16)
                     return u"must be at least 16 characters"_s;
                 c.metricsToken = value.toUtf8();
                 return {};
             }},
            {u"tls_cert"_s, u"file"_s,
             u"PEM certificate (chain): serve HTTPS and WSS on the port (needs --tls-key)."_s,
             [](ServerConfig &c, const QString &value) -> QString {
                 if (!QFileInfo(value).isReadable())
                     return u"cannot read %1"_s.arg(value);
                 c.tlsCertificate = value;
                 return {};
             }},
            {u"tls_key"_s, u"file"_s, u"PEM private key for --tls-cert."_s,
             [](ServerConfig &c, const QString &value) -> QString {
                 if (!QFileInfo(value).isReadable())
                     return u"cannot read %1"_s.arg(value);
                 c.tlsKey = value;
                 return {};
             }},
            {u"cluster"_s, u"mode"_s,
             u"none (default: one node), postgres (several nodes on one PostgreSQL, events by LISTEN/NOTIFY) or nats://host:port (events through NATS)."_s,
             [](ServerConfig &c, const QString &value) -> QString {
                 c.natsUrl.clear();
                 if (value == u"none") {
                     c.cluster = ServerConfig::Cluster::None;
                 } else if (value == u"postgres") {
                     c.cluster = ServerConfig::Cluster::Postgres;
                 } else if (value.startsWith(u"nats:", Qt::CaseInsensitive)) {
                     const QString error = natsUrl(value, &c.natsUrl);
                     if (!error.isEmpty())
                         return error;
                     c.cluster = ServerConfig::Cluster::Nats;
                 } else {
                     return u"'%1' is not none, postgres or nats://host:port"_s.arg(value);
                 }
                 return {};
             }},
            {u"files_dir"_s, u"dir"_s,
             u"Folder for uploaded files (default <data-dir>/files; in a cluster, one every node mounts)."_s,
             [](ServerConfig &c, const QString &value) -> QString {
                 if (value.isEmpty())
                     return u"must name a folder"_s;
                 c.filesDir = QDir(value).absolutePath();
                 return {};
             }},
            {u"max_upload_size"_s, u"bytes"_s,
             u"Largest file a user may upload, e.g. 100M (default) or 2G."_s,
             [](ServerConfig &c, const QString &value) { return byteCount(value, &c.maxUploadBytes); }},
            {u"upload_quota"_s, u"bytes"_s,
             u"Bytes of files each user may keep on the server (default 10G)."_s,
             [](ServerConfig &c, const QString &value) { return byteCount(value, &c.uploadQuotaBytes); }},
            {u"upload_expiry"_s, u"seconds"_s,
             u"Uploads that no message refers to are removed after this long (default 86400)."_s,
             [](ServerConfig &c, const QString &value) {
                 return positiveInt(value, 365 * 24 * 3600, &c.uploadExpirySeconds);
             }},
            {u"log_format"_s, u"format"_s,
             u"text (default, for a terminal) or json (one object per line, for a journal)."_s,
             [](ServerConfig &c, const QString &value) -> QString {
                 if (value == u"text")
                     c.logFormat = ServerConfig::LogFormat::Text;
                 else if (value == u"json")
                     c.logFormat = ServerConfig::LogFormat::Json;
                 else
                     return u"'%1' is not text or json"_s.arg(value);
                 return {};
             }},
    };
    return list;
}

// `key = value` lines; '#' starts a comment line; a value may be in double quotes.
std::optional<QList<QPair<QString, QString>>> readConfigFile(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) {
        *error = file.errorString();
        return std::nullopt;
    }
    QList<QPair<QString, QString>> entries;
    int lineNumber = 0;
    while (!file.atEnd()) {
        ++lineNumber;
        const QString line = QString::fromUtf8(file.readLine()).trimmed();
        if (line.isEmpty() || line.startsWith(u'#'))
            continue;
        const qsizetype eq = line.indexOf(u'=');
        if (eq <= 0) {
            *error = u"line %1 is not 'key = value'"_s.arg(lineNumber);
            return std::nullopt;
        }
        QString value = line.mid(eq + 1).trimmed();
        if (value.size() >= 2 && value.startsWith(u'"') && value.endsWith(u'"'))
            value = value.mid(1, value.size() - 2);
        entries.append({line.left(eq).trimmed(), value});
    }
    return entries;
}

QString commandHelp(const QString &command)
{
    if (command == u"serve")
        return u"serve: run the server (the default command)."_s;
    if (command == u"migrate")
        return u"migrate: apply the database schema and exit."_s;
    if (command == u"user")
        return u"user add USERNAME EMAIL [--password-stdin]: create an account (a password is "
               u"generated and printed unless read from stdin)\n"
               "user list: print every account\n"
               "user disable USER | enable USER: stop or allow logins (USER is an id, username or "
               "e-mail); disabling ends every session\n"
               "user reset-password USER [--password-stdin]: set a new password (generated and "
               "printed unless read from stdin); ends every session\n"
               "user delete USER: delete the account; ends every session"_s;
    if (command == u"sessions")
        return u"sessions revoke USER: end every session of USER (their sockets close within seconds)."_s;
    if (command == u"config")
        return u"config check: read the configuration, connect to the database, print the effective settings; exit 0 when all is well."_s;
    return {};
}

} // namespace

QString ServerConfig::describeCluster() const
{
    switch (cluster) {
    case Cluster::None:
        return u"none (one node)"_s;
    case Cluster::Postgres:
        return u"postgres (events by LISTEN/NOTIFY on the database)"_s;
    case Cluster::Nats: {
        QUrl url(natsUrl);
        url.setPassword({}); // never printed
        return u"nats (events through the NATS server at %1; storage, presence and the token "
               "secret in the database)"_s.arg(url.toString());
    }
    }
    return {};
}

std::optional<ServerConfig> ServerConfig::load(const QStringList &arguments,
                                               const QStringList &environment, int *exitCode)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
            u"Fast-Chat server: REST and WebSocket chat on one port.\n\n"
            "Commands: serve (default), migrate, user, sessions, config. "
            "`fastchat-server COMMAND --help` explains one.\n"
            "Settings come from a config file (--config), then FASTCHAT_* environment "
            "variables (FASTCHAT_LISTEN, FASTCHAT_DATABASE, ...), then these flags."_s);
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(u"command"_s, u"serve, migrate, user, sessions or config"_s,
                                 u"[command [arguments...]]"_s);
    const QCommandLineOption configOption(
            u"config"_s, u"Config file (key = value lines; see resources/fastchat-server.conf)."_s,
            u"file"_s);
    const QCommandLineOption stdinOption(
            u"password-stdin"_s,
            u"user add / reset-password: read the password from standard input."_s);
    parser.addOption(configOption);
    parser.addOption(stdinOption);
    QList<QCommandLineOption> flagOptions;
    for (const Setting &s : settings()) {
        flagOptions.append(QCommandLineOption(s.flag(), s.help, s.valueName));
        parser.addOption(flagOptions.last());
    }

    if (!parser.parse(arguments)) {
        printError(parser.errorText());
        *exitCode = Usage;
        return std::nullopt;
    }
    ServerConfig config;
    const QStringList positional = parser.positionalArguments();
    if (!positional.isEmpty()) {
        config.command = positional.first();
        config.commandArguments = positional.mid(1);
    }
    if (commandHelp(config.command).isEmpty()) {
        printError(u"unknown command '%1' (serve, migrate, user, sessions, config)"_s.arg(
                config.command));
        *exitCode = Usage;
        return std::nullopt;
    }
    if (parser.isSet(u"help"_s)) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        if (!positional.isEmpty())
            std::printf("\n%s\n", qPrintable(commandHelp(config.command)));
        *exitCode = Ok;
        return std::nullopt;
    }
    if (parser.isSet(u"version"_s)) {
        std::printf("fastchat-server %s\n", FASTCHAT_VERSION);
        *exitCode = Ok;
        return std::nullopt;
    }
    config.passwordFromStdin = parser.isSet(stdinOption);

    QHash<QString, QString> env;
    for (const QString &entry : environment) {
        const qsizetype eq = entry.indexOf(u'=');
        if (eq > 0)
            env.insert(entry.left(eq), entry.mid(eq + 1));
    }

    // Later sources override earlier ones; remember where each value came from.
    QHash<QString, QPair<QString, QString>> chosen; // key -> (value, source)
    config.configFile = parser.isSet(configOption) ? parser.value(configOption)
                                                   : env.value(u"FASTCHAT_CONFIG"_s);
    if (!config.configFile.isEmpty()) {
        if (!QFileInfo(config.configFile).isReadable()) {
            printError(u"config file %1 cannot be read"_s.arg(config.configFile));
            *exitCode = Usage;
            return std::nullopt;
        }
        QString error;
        const auto entries = readConfigFile(config.configFile, &error);
        if (!entries) {
            printError(u"config file %1: %2"_s.arg(config.configFile, error));
            *exitCode = Usage;
            return std::nullopt;
        }
        for (const auto &[key, value] : *entries) {
            const auto known = std::find_if(
                    settings().cbegin(), settings().cend(),
                    [&name = key](const Setting &s) { return s.key == name; });
            if (known == settings().cend()) {
                printError(u"config file %1: unknown key '%2'"_s.arg(config.configFile, key));
                *exitCode = Usage;
                return std::nullopt;
            }
            chosen.insert(key, {value, u"config file "_s + config.configFile});
        }
    }
    for (qsizetype i = 0; i < settings().size(); ++i) {
        const Setting &s = settings().at(i);
        if (env.contains(s.env()))
            chosen.insert(s.key, {env.value(s.env()), u"environment variable "_s + s.env()});
        if (parser.isSet(flagOptions.at(i)))
            chosen.insert(s.key, {parser.value(flagOptions.at(i)), u"--"_s + s.flag()});
    }

    config.dataDir = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation)
            + u"/fastchat-server"_s;
    // data_dir first: the defaults of database and secret_file depend on it.
    QStringList order{u"data_dir"_s};
    for (const Setting &s : settings())
        if (s.key != u"data_dir")
            order << s.key;
    bool databaseSet = false, secretSet = false;
    for (const QString &key : order) {
        if (!chosen.contains(key))
            continue;
        const auto &[value, source] = chosen.value(key);
        const Setting &s = *std::find_if(settings().cbegin(), settings().cend(),
                                         [&key](const Setting &x) { return x.key == key; });
        const QString error = s.apply(config, value);
        if (!error.isEmpty()) {
            printError(u"%1 (from %2): %3"_s.arg(key, source, error));
            *exitCode = Usage;
            return std::nullopt;
        }
        databaseSet |= key == u"database";
        secretSet |= key == u"secret_file";
        config.sources << u"%1 from %2"_s.arg(key, source);
    }
    if (config.tlsCertificate.isEmpty() != config.tlsKey.isEmpty()) {
        printError(u"tls_cert and tls_key go together: give both or neither"_s);
        *exitCode = Usage;
        return std::nullopt;
    }
    if (!databaseSet)
        config.database = DatabaseConfig::sqliteFile(config.dataDir + u"/fastchat.db"_s);
    config.secretFileGiven = secretSet;
    if (config.filesDir.isEmpty())
        config.filesDir = config.dataDir + u"/files"_s;
    if (!secretSet)
        config.secretFile = config.dataDir + u"/jwt-secret"_s;
    if (config.cluster != Cluster::None && !config.database.isPostgres()) {
        printError(
                u"cluster (from %1): several nodes need PostgreSQL; SQLite serves one node"_s.arg(
                        chosen.value(u"cluster"_s).second));
        *exitCode = Usage;
        return std::nullopt;
    }
    return config;
}

} // namespace fastchat::server
