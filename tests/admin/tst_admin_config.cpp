// SPDX-License-Identifier: MIT
// Configuration of fastchat-server (docs/admin.md, "Configuration"): settings come from a
// config file, then FASTCHAT_<KEY> environment variables, then --<key> flags; a bad value
// from any of them stops start-up with exit code 2 and a message naming the key and where
// the value came from; `config check` validates a configuration and its database; the
// annotated example resources/fastchat-server.conf passes it.
#include "AdminEnv.h"
#include "ServerRun.h"

#include <QFile>
#include <QRegularExpression>
#include <QtTest>
#include <csignal>

using namespace Qt::StringLiterals;
using fcadmin::CliResult;

namespace {

bool writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(content) == content.size();
}

QString flagOf(const QString &key)
{
    return u"--"_s + QString(key).replace(u'_', u'-');
}

QString envOf(const QString &key)
{
    return u"FASTCHAT_"_s + key.toUpper();
}

// The value of a "key: value" line of `config check`.
QString shownSetting(const CliResult &r, const QString &key)
{
    const QRegularExpression line(u"^"_s + QRegularExpression::escape(key) + u": (.*)$"_s,
                                  QRegularExpression::MultilineOption);
    const auto m = line.match(r.outText());
    return m.hasMatch() ? m.captured(1).trimmed() : QString();
}

} // namespace

class TestAdminConfig : public QObject
{
    Q_OBJECT

private slots:
    // A bad value for a key, from the file, the environment or a flag: exit code 2, the key and
    // the source named on stderr, the server never listens. The same for an admin command.
    void badValueIsRefusedWithTheKeyNamed_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("source");
        const QList<QPair<QString, QString>> bad{
                {u"listen"_s, u"nonsense"_s},
                {u"listen"_s, u"127.0.0.1:99999"_s},
                {u"listen"_s, u"127.0.0.1"_s},
                {u"password_cost"_s, u"cheap"_s},
                {u"log_format"_s, u"xml"_s},
                {u"access_token_ttl"_s, u"0"_s},
                {u"access_token_ttl"_s, u"ten"_s},
                {u"access_token_ttl"_s, u"-5"_s},
                {u"allowed_origins"_s, u"not an origin"_s},
                {u"allowed_origins"_s, u"ftp://chat.example.org"_s},
                {u"login_attempts_per_minute"_s, u"0"_s},
                {u"messages_per_second"_s, u"many"_s},
                {u"metrics_token"_s, u"short"_s},
                {u"database"_s, u"mysql://localhost/chat"_s},
                {u"tls_cert"_s, u"/nonexistent/cert.pem"_s},
        };
        for (const QString &command : {u"serve"_s, u"config check"_s}) {
            for (const auto &[key, value] : bad) {
                for (const QString &source : {u"file"_s, u"env"_s, u"flag"_s}) {
                    QTest::addRow("%s: %s=%s from %s", qPrintable(command), qPrintable(key), qPrintable(value),
                                  qPrintable(source))
                            << command << key << value << source;
                }
            }
        }
    }
    void badValueIsRefusedWithTheKeyNamed()
    {
        QFETCH(QString, command);
        QFETCH(QString, key);
        QFETCH(QString, value);
        QFETCH(QString, source);
        QTemporaryDir dir;
        QStringList args = command.split(u' ');
        // Good values for the other keys (a flag would override the tested key's file or
        // environment value); should the bad value be taken, the server starts on a free port.
        args << u"--data-dir"_s << dir.filePath(u"data"_s);
        if (key != u"password_cost")
            args << u"--password-cost"_s << u"min"_s;
        if (key != u"listen")
            args << u"--listen"_s << u"127.0.0.1:0"_s;
        QMap<QString, QString> env;
        QString expectedSource;
        if (source == u"file") {
            const QString file = dir.filePath(u"server.conf"_s);
            QVERIFY(writeFile(file, u"# a config with one bad value\n%1 = %2\n"_s.arg(key, value).toUtf8()));
            args << u"--config"_s << file;
            expectedSource = file;
        } else if (source == u"env") {
            env.insert(envOf(key), value);
            expectedSource = envOf(key);
        } else {
            args << flagOf(key) << value;
            expectedSource = flagOf(key);
        }
        const CliResult r = fcadmin::runCli(args, env, {}, 30000);
        FC_EXIT(r, 2);
        QVERIFY2(!r.out.contains("listening on"), qPrintable(u"the server started; "_s + r.describe()));
        QVERIFY2(r.errText().contains(key), qPrintable(u"stderr does not name the key '%1'; "_s.arg(key) + r.describe()));
        QVERIFY2(r.errText().contains(expectedSource),
                 qPrintable(u"stderr does not say the value came from %1; "_s.arg(expectedSource) + r.describe()));
    }

    // An unknown key in the file is refused and named; so is a line that is not key = value.
    void badConfigFileIsRefused_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("unknown key") << QByteArray("listen = 127.0.0.1:0\ncolour = blue\n") << u"colour"_s;
        QTest::newRow("misspelt key") << QByteArray("listen_address = 127.0.0.1:0\n") << u"listen_address"_s;
        QTest::newRow("flag spelling in the file") << QByteArray("data-dir = /tmp\n") << u"data-dir"_s;
        QTest::newRow("not key = value") << QByteArray("listen 127.0.0.1:0\n") << u"line 1"_s;
    }
    void badConfigFileIsRefused()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, mentions);
        QTemporaryDir dir;
        const QString file = dir.filePath(u"server.conf"_s);
        QVERIFY(writeFile(file, content));
        for (const QStringList &command : {QStringList{u"serve"_s}, QStringList{u"config"_s, u"check"_s}}) {
            const CliResult r = fcadmin::runCli(command + QStringList{u"--config"_s, file, u"--data-dir"_s, dir.path(),
                                                                      u"--listen"_s, u"127.0.0.1:0"_s},
                                                {}, {}, 30000);
            FC_EXIT(r, 2);
            QVERIFY2(!r.out.contains("listening on"), qPrintable(r.describe()));
            QVERIFY2(r.errText().contains(mentions), qPrintable(u"stderr does not mention '%1'; "_s.arg(mentions) + r.describe()));
            QVERIFY2(r.errText().contains(file), qPrintable(u"stderr does not name the file; "_s + r.describe()));
        }
    }

    // A config file that cannot be read: exit 2 (from --config and from FASTCHAT_CONFIG).
    void missingConfigFileIsRefused()
    {
        QTemporaryDir dir;
        const QString missing = dir.filePath(u"no-such.conf"_s);
        const QStringList base{u"config"_s, u"check"_s, u"--data-dir"_s, dir.path()};
        const CliResult byFlag = fcadmin::runCli(base + QStringList{u"--config"_s, missing});
        FC_EXIT(byFlag, 2);
        QVERIFY2(byFlag.errText().contains(missing), qPrintable(byFlag.describe()));
        const CliResult byEnv = fcadmin::runCli(base, {{u"FASTCHAT_CONFIG"_s, missing}});
        FC_EXIT(byEnv, 2);
        QVERIFY2(byEnv.errText().contains(missing), qPrintable(byEnv.describe()));
    }

    // tls_cert without tls_key (or the reverse) is refused.
    void tlsCertAndKeyGoTogether()
    {
        QTemporaryDir dir;
        const QString pem = dir.filePath(u"some.pem"_s);
        QVERIFY(writeFile(pem, "not really a certificate\n"));
        for (const QString &flag : {u"--tls-cert"_s, u"--tls-key"_s}) {
            const CliResult r = fcadmin::runCli({u"serve"_s, u"--data-dir"_s, dir.path(), u"--listen"_s, u"127.0.0.1:0"_s,
                                                 u"--password-cost"_s, u"min"_s, flag, pem},
                                                {}, {}, 30000);
            FC_EXIT(r, 2);
            QVERIFY2(!r.out.contains("listening on"), qPrintable(r.describe()));
            QVERIFY2(r.errText().contains(u"tls_cert"_s) && r.errText().contains(u"tls_key"_s), qPrintable(r.describe()));
        }
    }

    // Precedence: defaults < file < environment < flags, seen in `config check` for listen
    // and data_dir (values and the reported source).
    void precedenceFileEnvironmentFlag_data()
    {
        QTest::addColumn<bool>("inFile");
        QTest::addColumn<bool>("fileByEnv"); // the file named by FASTCHAT_CONFIG instead of --config
        QTest::addColumn<bool>("inEnv");
        QTest::addColumn<bool>("inFlag");
        QTest::addColumn<QString>("winner"); // file, env or flag
        QTest::newRow("file") << true << false << false << false << u"file"_s;
        QTest::newRow("file via FASTCHAT_CONFIG") << true << true << false << false << u"file"_s;
        QTest::newRow("env") << false << false << true << false << u"env"_s;
        QTest::newRow("flag") << false << false << false << true << u"flag"_s;
        QTest::newRow("file < env") << true << false << true << false << u"env"_s;
        QTest::newRow("file < flag") << true << false << false << true << u"flag"_s;
        QTest::newRow("env < flag") << false << false << true << true << u"flag"_s;
        QTest::newRow("file < env < flag") << true << false << true << true << u"flag"_s;
        QTest::newRow("FASTCHAT_CONFIG file < env < flag") << true << true << true << true << u"flag"_s;
    }
    void precedenceFileEnvironmentFlag()
    {
        QFETCH(bool, inFile);
        QFETCH(bool, fileByEnv);
        QFETCH(bool, inEnv);
        QFETCH(bool, inFlag);
        QFETCH(QString, winner);
        QTemporaryDir dir;
        const QMap<QString, QString> listen{{u"file"_s, u"127.0.0.1:1111"_s}, {u"env"_s, u"127.0.0.1:2222"_s},
                                            {u"flag"_s, u"127.0.0.1:3333"_s}};
        QMap<QString, QString> dataDir;
        for (const QString &s : {u"file"_s, u"env"_s, u"flag"_s}) {
            dataDir.insert(s, dir.filePath(u"data-from-"_s + s));
            QVERIFY(QDir().mkpath(dataDir.value(s)));
        }
        QStringList args{u"config"_s, u"check"_s};
        QMap<QString, QString> env;
        const QString file = dir.filePath(u"server.conf"_s);
        if (inFile) {
            QVERIFY(writeFile(file, u"listen = %1\ndata_dir = \"%2\"\npassword_cost = min\n"_s
                                            .arg(listen.value(u"file"_s), dataDir.value(u"file"_s))
                                            .toUtf8()));
            if (fileByEnv)
                env.insert(u"FASTCHAT_CONFIG"_s, file);
            else
                args << u"--config"_s << file;
        }
        if (inEnv) {
            env.insert(u"FASTCHAT_LISTEN"_s, listen.value(u"env"_s));
            env.insert(u"FASTCHAT_DATA_DIR"_s, dataDir.value(u"env"_s));
        }
        if (inFlag)
            args << u"--listen"_s << listen.value(u"flag"_s) << u"--data-dir"_s << dataDir.value(u"flag"_s);

        const CliResult r = fcadmin::runCli(args, env);
        FC_EXIT(r, 0);
        QCOMPARE(shownSetting(r, u"listen"_s), listen.value(winner));
        QCOMPARE(shownSetting(r, u"data_dir"_s), dataDir.value(winner));
        const QString expectedSource = winner == u"file" ? file : winner == u"env" ? u"FASTCHAT_LISTEN"_s : u"--listen"_s;
        static const QRegularExpression sourceLine(u"listen from (.*)\\)"_s);
        const auto m = sourceLine.match(r.outText());
        QVERIFY2(m.hasMatch() && m.captured(1).contains(expectedSource),
                 qPrintable(u"listen's source is not %1; "_s.arg(expectedSource) + r.describe()));
        // The SQLite database lives in the winning data dir.
        QVERIFY2(shownSetting(r, u"database"_s).contains(dataDir.value(winner)), qPrintable(r.describe()));
    }

    // A complete valid configuration passes `config check` (exit 0) and the server starts
    // with it and answers /healthz; on both databases.
    void validConfigPassesConfigCheck_data() { fctest::addDriverRows(); }
    void validConfigPassesConfigCheck()
    {
        QFETCH(QString, driver);
        fcadmin::AdminEnv env;
        FC_PREPARE(env, driver);
        QTemporaryDir dir;
        QByteArray content = u"# every key\nlisten = 127.0.0.1:0\ndata_dir = %1\npassword_cost = min\n"
                             "access_token_ttl = 600\nlogin_attempts_per_minute = 20\nmessages_per_second = 100\n"
                             "allowed_origins = \"https://chat.example.org, https://www.example.org\"\n"
                             "metrics_token = a-long-enough-metrics-token\nlog_format = json\n"
                             "secret_file = %2\n"_s.arg(env.dataDir(), dir.filePath(u"jwt-secret"_s))
                                     .toUtf8();
        if (!env.databaseUrl().isEmpty())
            content += "database = " + env.databaseUrl().toUtf8() + "\n";
        const QString file = dir.filePath(u"server.conf"_s);
        QVERIFY(writeFile(file, content));

        const CliResult check = fcadmin::runCli({u"config"_s, u"check"_s, u"--config"_s, file});
        FC_EXIT(check, 0);
        QCOMPARE(shownSetting(check, u"data_dir"_s), env.dataDir());
        QCOMPARE(shownSetting(check, u"secret_file"_s), dir.filePath(u"jwt-secret"_s));

        fcadmin::ServerRun server;
        QVERIFY2(server.start({u"serve"_s, u"--config"_s, file}), qPrintable(server.errorString()));
        fctest::HttpClient http(server.baseUrl());
        FC_HTTP_STATUS(http.get(u"/healthz"_s), 200);
        const CliResult check2 = fcadmin::runCli({u"config"_s, u"check"_s, u"--config"_s, file});
        FC_EXIT(check2, 0);
        static const QRegularExpression version(u"schema version: (\\d+) of (\\d+)"_s);
        const auto m = version.match(check2.outText());
        QVERIFY2(m.hasMatch() && m.captured(1) == m.captured(2), qPrintable(check2.describe()));
        server.sendSignal(SIGTERM);
        QVERIFY(server.waitForExit(30000));
    }

    // The annotated example config passes `config check` (its data_dir replaced by a flag)
    // and a server starts with it.
    void exampleConfigPassesConfigCheck()
    {
        const QString example = QStringLiteral(FASTCHAT_EXAMPLE_CONFIG);
        QVERIFY2(QFileInfo(example).isReadable(), qPrintable(example));
        QTemporaryDir dir;
        const CliResult check = fcadmin::runCli({u"config"_s, u"check"_s, u"--config"_s, example, u"--data-dir"_s, dir.path()});
        FC_EXIT(check, 0);
        QCOMPARE(shownSetting(check, u"listen"_s), u"127.0.0.1:8080"_s);
        QCOMPARE(shownSetting(check, u"data_dir"_s), dir.path());

        fcadmin::ServerRun server;
        QVERIFY2(server.start({u"serve"_s, u"--config"_s, example, u"--data-dir"_s, dir.path(), u"--listen"_s,
                               u"127.0.0.1:0"_s}),
                 qPrintable(server.errorString()));
        fctest::HttpClient http(server.baseUrl());
        FC_HTTP_STATUS(http.get(u"/healthz"_s), 200);
        server.sendSignal(SIGTERM);
        QVERIFY(server.waitForExit(30000));
        QCOMPARE(server.exitCode(), 0);
    }
};

QTEST_GUILESS_MAIN(TestAdminConfig)
#include "tst_admin_config.moc"
