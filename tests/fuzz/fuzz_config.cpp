// SPDX-License-Identifier: MIT
// Start-up configuration, everything ServerConfig::load reads. The first byte picks what the
// rest of the input is:
//   0  a database URL for DatabaseConfig::fromUrl (also what --database / FASTCHAT_DATABASE do)
//   1  the contents of a config file (--config FILE)
//   2  command-line arguments, separated by NUL bytes
//   3  environment entries (NAME=value), separated by NUL bytes
// Checks: a PostgreSQL URL that parses names a database and a host, an SQLite one a file;
// describe() shows exactly the URL's parts and never the password (it does not change when
// the password does); load() either gives a sane config or fails with exit code Ok (--help,
// --version) or Usage.
// load() prints its errors and --help to stdout/stderr: run with -close_fd_mask=3 to keep the
// fuzzer's output readable (scripts/fuzz does).
#include "FuzzSupport.h"

#include <QDir>
#include <QFile>
#include <QStandardPaths>

#include <app/ServerConfig.h>
#include <store/DatabaseConfig.h>
#include <unistd.h>

using namespace Qt::StringLiterals;
using namespace fastchat::server;

namespace {

QStringList splitNul(const QByteArray &bytes)
{
    QStringList parts;
    for (const QByteArray &part : bytes.split('\0'))
        parts << QString::fromUtf8(part);
    return parts;
}

const QString &configPath()
{
    // One scratch file per process (parallel fuzzing jobs must not share it), removed at exit.
    struct Scratch
    {
        QString path = QDir::tempPath() + u"/fastchat-fuzz-config-%1.conf"_s.arg(getpid());
        ~Scratch() { QFile::remove(path); }
    };
    static const Scratch scratch;
    return scratch.path;
}

void checkUrl(const QString &text)
{
    QString error;
    const auto config = DatabaseConfig::fromUrl(text, &error);
    if (!config) {
        FUZZ_CHECK(!error.isEmpty(), text);
        return;
    }
    const QString described = config->describe();
    // Open finding "describe-placeholder": chained QString::arg() lets a "%1" in the user
    // name take the port ("postgresql://%251@h/db" is described as "PostgreSQL 5432@h:db/%4").
    const QString expected = config->isPostgres()
            ? QString(u"PostgreSQL "_s + config->user + u'@' + config->host + u':'
                      + QString::number(config->port) + u'/' + config->database)
            : QString(u"SQLite at "_s + config->sqlitePath);
    const bool placeholder = QString(config->user + config->host + config->database).contains(u'%');
    FUZZ_CHECK(described == expected
                       || (placeholder && fastchat::fuzz::ignoring("describe-placeholder")),
               u"describe() garbles "_s + text + u" -> "_s + described);
    if (config->isPostgres()) {
        FUZZ_CHECK(!config->database.isEmpty(), text);
        FUZZ_CHECK(!config->host.isEmpty(), text);
        // The description must not depend on the password at all.
        DatabaseConfig other = *config;
        other.password = config->password + u"-other"_s;
        FUZZ_CHECK(other.describe() == described,
                   u"describe() shows the password: "_s + text + u" -> "_s + described);
    } else if (!fastchat::fuzz::ignoring("sqlite-empty-path")) {
        // An empty file name makes SQLite open a private temporary database, deleted at exit.
        FUZZ_CHECK(!config->sqlitePath.isEmpty(),
                   u"an SQLite URL without a path was accepted: "_s + text);
    }
}

void checkLoad(const QStringList &arguments, const QStringList &environment)
{
    int exitCode = -1;
    const auto config = ServerConfig::load(arguments, environment, &exitCode);
    if (config) {
        FUZZ_CHECK(!config->dataDir.isEmpty());
        FUZZ_CHECK(!config->secretFile.isEmpty());
        FUZZ_CHECK(config->accessTokenTtlSeconds >= 1 && config->loginAttemptsPerMinute >= 1
                   && config->messagesPerSecond >= 1);
        FUZZ_CHECK(config->tlsCertificate.isEmpty() == config->tlsKey.isEmpty());
    } else {
        FUZZ_CHECK(exitCode == ServerConfig::Ok || exitCode == ServerConfig::Usage,
                   u"exit code %1"_s.arg(exitCode));
    }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    fastchat::fuzz::ensureApp();
    // Keep QStandardPaths away from the real home folder.
    QStandardPaths::setTestModeEnabled(true);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const int mode = data[0] % 4;
    const QByteArray rest = fastchat::fuzz::bytes(data + 1, size - 1);
    const QString program = u"fastchat-server"_s;
    switch (mode) {
    case 0:
        checkUrl(QString::fromUtf8(rest));
        break;
    case 1: {
        QFile file(configPath());
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)
            || file.write(rest) != rest.size())
            std::abort();
        file.close();
        checkLoad({program, u"--config"_s, configPath()}, {});
        break;
    }
    case 2:
        checkLoad(QStringList{program} + splitNul(rest), {});
        break;
    case 3:
        checkLoad({program}, splitNul(rest));
        break;
    }
    return 0;
}
