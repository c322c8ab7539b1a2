// SPDX-License-Identifier: MIT
#include "ServerProcess.h"

#include <QDeadlineTimer>
#include <QRegularExpression>
#include <QTest>

using namespace Qt::StringLiterals;

namespace fctest {

ServerProcess::~ServerProcess()
{
    if (m_process.state() != QProcess::NotRunning)
        stop();
    if (QTest::currentTestFailed()) {
        const QByteArray err = standardError();
        if (!err.isEmpty())
            qWarning().noquote() << "---- fastchat-server stderr ----\n"
                                 << QString::fromUtf8(err.right(20000)) << "\n---- end of stderr ----";
    }
}

bool ServerProcess::start(const Options &options)
{
    const QString binary = qEnvironmentVariable("FASTCHAT_SERVER_BINARY");
    if (binary.isEmpty()) {
        m_error = u"FASTCHAT_SERVER_BINARY is not set: run the tests through ctest, which sets it to "
                  "the fastchat-server target"_s;
        return false;
    }
    QStringList args{u"serve"_s, u"--listen"_s, u"127.0.0.1:0"_s, u"--data-dir"_s, options.dataDir,
                     u"--password-cost"_s, u"min"_s};
    if (!options.databaseUrl.isEmpty())
        args << u"--database"_s << options.databaseUrl;
    if (!options.secretFile.isEmpty())
        args << u"--secret-file"_s << options.secretFile;
    args << options.extraArgs;

    m_process.setProgram(binary);
    m_process.setArguments(args);
    m_process.setProcessChannelMode(QProcess::SeparateChannels);
    QObject::connect(&m_process, &QProcess::readyReadStandardError, &m_process,
                     [this] { m_stderr += m_process.readAllStandardError(); });
    QObject::connect(&m_process, &QProcess::readyReadStandardOutput, &m_process,
                     [this] { m_stdout += m_process.readAllStandardOutput(); });
    m_process.start();
    if (!m_process.waitForStarted(10000)) {
        m_error = u"cannot start %1: %2"_s.arg(binary, m_process.errorString());
        return false;
    }

    static const QRegularExpression listening(
            u"^fastchat-server listening on 127\\.0\\.0\\.1:(\\d+)$"_s, QRegularExpression::MultilineOption);
    const QDeadlineTimer deadline(30000);
    while (!deadline.hasExpired()) {
        const auto match = listening.match(QString::fromUtf8(m_stdout));
        if (match.hasMatch()) {
            m_port = match.captured(1).toUShort();
            if (m_port == 0) {
                m_error = u"the server announced port 0"_s;
                return false;
            }
            return true;
        }
        if (m_process.state() == QProcess::NotRunning) {
            m_stderr += m_process.readAllStandardError();
            m_error = u"fastchat-server exited (code %1) before listening. stdout:\n%2\nstderr:\n%3"_s.arg(
                    QString::number(m_process.exitCode()), QString::fromUtf8(m_stdout),
                    QString::fromUtf8(m_stderr.right(8000)));
            return false;
        }
        m_process.waitForReadyRead(100);
        m_stdout += m_process.readAllStandardOutput();
        m_stderr += m_process.readAllStandardError();
    }
    m_error = u"fastchat-server did not print its listening line within 30 s. stdout:\n%1\nstderr:\n%2"_s.arg(
            QString::fromUtf8(m_stdout), QString::fromUtf8(m_stderr.right(8000)));
    return false;
}

bool ServerProcess::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return true;
    m_process.terminate(); // SIGTERM
    if (m_process.waitForFinished(10000)) {
        m_stderr += m_process.readAllStandardError();
        return true;
    }
    qWarning("fastchat-server did not exit within 10 s of SIGTERM; killing it");
    m_process.kill();
    m_process.waitForFinished(5000);
    m_stderr += m_process.readAllStandardError();
    return false;
}

bool ServerProcess::isRunning() const
{
    return m_process.state() == QProcess::Running;
}

QUrl ServerProcess::baseUrl() const
{
    return QUrl(u"http://127.0.0.1:%1"_s.arg(m_port));
}

QUrl ServerProcess::wsUrl() const
{
    return QUrl(u"ws://127.0.0.1:%1/ws"_s.arg(m_port));
}

QByteArray ServerProcess::standardError()
{
    if (m_process.state() != QProcess::NotRunning)
        m_stderr += m_process.readAllStandardError();
    return m_stderr;
}

} // namespace fctest
