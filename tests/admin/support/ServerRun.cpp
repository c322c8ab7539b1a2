// SPDX-License-Identifier: MIT
#include "ServerRun.h"

#include "Cli.h"

#include <QDeadlineTimer>
#include <QRegularExpression>
#include <QTest>
#include <csignal>
#include <sys/types.h>

using namespace Qt::StringLiterals;

namespace fcadmin {

ServerRun::~ServerRun()
{
    if (m_process.state() != QProcess::NotRunning)
        kill();
    if (QTest::currentTestFailed()) {
        const QByteArray err = standardError();
        if (!err.isEmpty())
            qWarning().noquote() << "---- fastchat-server stderr ----\n"
                                 << QString::fromUtf8(err.right(20000)) << "\n---- end of stderr ----";
    }
}

void ServerRun::drain()
{
    m_stdout += m_process.readAllStandardOutput();
    m_stderr += m_process.readAllStandardError();
}

bool ServerRun::start(const QStringList &arguments, const QMap<QString, QString> &env)
{
    const QString binary = serverBinary();
    if (binary.isEmpty()) {
        m_error = u"FASTCHAT_SERVER_BINARY is not set: run the tests through ctest"_s;
        return false;
    }
    m_process.setProgram(binary);
    m_process.setArguments(arguments);
    m_process.setProcessEnvironment(childEnvironment(env));
    m_process.setProcessChannelMode(QProcess::SeparateChannels);
    QObject::connect(&m_process, &QProcess::readyReadStandardError, &m_process,
                     [this] { m_stderr += m_process.readAllStandardError(); });
    QObject::connect(&m_process, &QProcess::readyReadStandardOutput, &m_process,
                     [this] { m_stdout += m_process.readAllStandardOutput(); });
    QObject::connect(&m_process, &QProcess::finished, &m_process, [this] {
        if (!m_finished && m_sinceSignal.isValid())
            m_signalToExitMs = m_sinceSignal.elapsed();
        m_finished = true;
    });
    m_process.start();
    if (!m_process.waitForStarted(10000)) {
        m_error = u"cannot start %1: %2"_s.arg(binary, m_process.errorString());
        return false;
    }
    static const QRegularExpression listening(u"^fastchat-server listening on (\\S+):(\\d+)$"_s,
                                              QRegularExpression::MultilineOption);
    const QDeadlineTimer deadline(30000);
    while (!deadline.hasExpired()) {
        drain();
        const auto match = listening.match(QString::fromUtf8(m_stdout));
        if (match.hasMatch()) {
            m_host = match.captured(1);
            m_port = match.captured(2).toUShort();
            if (m_port == 0) {
                m_error = u"the server announced port 0"_s;
                return false;
            }
            return true;
        }
        if (m_process.state() == QProcess::NotRunning) {
            drain();
            m_error = u"fastchat-server exited (code %1) before listening. stdout:\n%2\nstderr:\n%3"_s.arg(
                    QString::number(m_process.exitCode()), QString::fromUtf8(m_stdout),
                    QString::fromUtf8(m_stderr.right(8000)));
            return false;
        }
        m_process.waitForReadyRead(100);
    }
    m_error = u"fastchat-server did not print its listening line within 30 s. stdout:\n%1\nstderr:\n%2"_s.arg(
            QString::fromUtf8(m_stdout), QString::fromUtf8(m_stderr.right(8000)));
    return false;
}

QUrl ServerRun::baseUrl() const
{
    return QUrl(u"http://%1:%2"_s.arg(m_host).arg(m_port));
}

QUrl ServerRun::wsUrl() const
{
    return QUrl(u"ws://%1:%2/ws"_s.arg(m_host).arg(m_port));
}

bool ServerRun::isRunning() const
{
    return m_process.state() != QProcess::NotRunning;
}

qint64 ServerRun::pid() const
{
    return m_process.processId();
}

void ServerRun::sendSignal(int signal)
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_sinceSignal.start();
    ::kill(pid_t(m_process.processId()), signal);
}

bool ServerRun::waitForExit(int timeoutMs)
{
    // Events keep flowing (the test's own sockets see their close frames meanwhile).
    return QTest::qWaitFor([this] { return m_finished || m_process.state() == QProcess::NotRunning; }, timeoutMs);
}

void ServerRun::kill()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.kill();
    m_process.waitForFinished(10000);
    drain();
}

QByteArray ServerRun::standardError()
{
    drain();
    return m_stderr;
}

QByteArray ServerRun::standardOutput()
{
    drain();
    return m_stdout;
}

} // namespace fcadmin
