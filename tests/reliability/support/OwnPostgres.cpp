// SPDX-License-Identifier: MIT
#include "OwnPostgres.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTcpServer>

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace fcrel {

namespace {

QString binDir()
{
    const QString dir = qEnvironmentVariable("PG_BINDIR");
    return dir.isEmpty() ? u"/usr/lib/postgresql/15/bin"_s : dir;
}

quint16 freePort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

} // namespace

OwnPostgres::~OwnPostgres()
{
    if (m_dir.isEmpty())
        return;
    if (m_running)
        stop(u"immediate"_s);
    QDir(m_dir).removeRecursively();
}

bool OwnPostgres::run(const QStringList &command, QString *output, int timeoutMs)
{
    QProcess process;
    process.setWorkingDirectory(u"/"_s);
    process.setProcessChannelMode(QProcess::MergedChannels);
    QStringList args = command;
    if (geteuid() == 0) {
        args.prepend(u"--"_s);
        args.prepend(u"postgres"_s);
        args.prepend(u"-u"_s);
        process.setProgram(u"runuser"_s);
    } else {
        process.setProgram(args.takeFirst());
    }
    process.setArguments(args);
    process.start();
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished(5000);
        m_error = u"%1 did not finish: %2"_s.arg(command.join(u' '), process.errorString());
        return false;
    }
    const QString out = QString::fromLocal8Bit(process.readAll());
    if (output)
        *output = out;
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        m_error = u"%1 failed (exit %2): %3"_s.arg(command.join(u' '))
                          .arg(process.exitCode())
                          .arg(out.right(3000));
        return false;
    }
    return true;
}

bool OwnPostgres::start(const QString &database)
{
    m_database = database;
    const QString bin = binDir();
    if (!QFile::exists(bin + u"/initdb"_s)) {
        m_error = u"%1/initdb not found (install postgresql-15: scripts/setup-deps)"_s.arg(bin);
        return false;
    }
    // /tmp itself: user postgres must reach it, and the socket path must stay short.
    QByteArray pattern = "/tmp/fastchat-relpg-XXXXXX";
    if (!mkdtemp(pattern.data())) {
        m_error = u"mkdtemp failed"_s;
        return false;
    }
    m_dir = QString::fromLocal8Bit(pattern);
    QDir().mkpath(m_dir + u"/sock"_s);
    if (geteuid() == 0) {
        const passwd *pw = getpwnam("postgres");
        if (!pw) {
            m_error = u"running as root but there is no user postgres"_s;
            return false;
        }
        for (const QString &path : QStringList{m_dir, m_dir + u"/sock"_s})
            if (chown(QFile::encodeName(path).constData(), pw->pw_uid, pw->pw_gid) != 0) {
                m_error = u"cannot give %1 to user postgres"_s.arg(path);
                return false;
            }
    }
    chmod(QFile::encodeName(m_dir).constData(), 0755);
    if (!run({bin + u"/initdb"_s, u"-D"_s, m_dir + u"/data"_s, u"-U"_s, u"postgres"_s,
              u"--auth=trust"_s, u"--encoding=UTF8"_s, u"--locale=C"_s}))
        return false;
    for (int attempt = 0; attempt < 5; ++attempt) {
        m_port = freePort();
        if (m_port && pgCtlStart())
            break;
        m_port = 0;
    }
    if (!m_port)
        return false;
    return run({bin + u"/createdb"_s, u"-h"_s, u"127.0.0.1"_s, u"-p"_s, QString::number(m_port),
                u"-U"_s, u"postgres"_s, database});
}

bool OwnPostgres::pgCtlStart()
{
    const QString options
            = u"-c listen_addresses=127.0.0.1 -p %1 -c unix_socket_directories=%2/sock"
              " -c max_connections=200"_s.arg(m_port)
                      .arg(m_dir);
    if (!run({binDir() + u"/pg_ctl"_s, u"start"_s, u"-D"_s, m_dir + u"/data"_s, u"-l"_s,
              m_dir + u"/postgres.log"_s, u"-w"_s, u"-t"_s, u"60"_s, u"-s"_s, u"-o"_s, options})) {
        m_error += u"\nserver log:\n"_s + logTail();
        return false;
    }
    m_running = true;
    return true;
}

bool OwnPostgres::stop(const QString &mode)
{
    if (!run({binDir() + u"/pg_ctl"_s, u"stop"_s, u"-D"_s, m_dir + u"/data"_s, u"-m"_s, mode,
              u"-w"_s, u"-t"_s, u"60"_s, u"-s"_s}))
        return false;
    m_running = false;
    return true;
}

bool OwnPostgres::startAgain()
{
    return pgCtlStart();
}

QString OwnPostgres::url() const
{
    return u"postgresql://postgres@127.0.0.1:%1/%2"_s.arg(m_port).arg(m_database);
}

QString OwnPostgres::logTail(int bytes) const
{
    QFile log(m_dir + u"/postgres.log"_s);
    if (!log.open(QIODevice::ReadOnly))
        return {};
    const qint64 size = log.size();
    if (size > bytes)
        log.seek(size - bytes);
    return QString::fromUtf8(log.readAll());
}

} // namespace fcrel
