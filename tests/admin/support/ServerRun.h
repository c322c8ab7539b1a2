// SPDX-License-Identifier: MIT
// A fastchat-server process a test controls fully: arguments and environment of its own
// choosing, the port from its "listening" line, any signal, and how it exited (code, status,
// time). ServerProcess (tests/server/support) hides the exit code; the graceful-stop and log
// tests need it, and a chosen environment (QT_LOGGING_RULES).
#pragma once

#include <QElapsedTimer>
#include <QMap>
#include <QProcess>
#include <QStringList>
#include <QUrl>

namespace fcadmin {

class ServerRun
{
public:
    ServerRun() = default;
    ~ServerRun();
    ServerRun(const ServerRun &) = delete;
    ServerRun &operator=(const ServerRun &) = delete;

    // Starts the binary with exactly `arguments` (e.g. serve --listen 127.0.0.1:0 ...) and
    // waits up to 30 s for "fastchat-server listening on <host>:<port>".
    bool start(const QStringList &arguments, const QMap<QString, QString> &env = {});
    QString errorString() const { return m_error; }
    quint16 port() const { return m_port; }
    QString host() const { return m_host; } // as the listening line gave it
    QUrl baseUrl() const; // http://<host>:<port>
    QUrl wsUrl() const; // ws://<host>:<port>/ws
    bool isRunning() const;
    qint64 pid() const;

    // Sends a signal and starts the clock for exitedWithinMs().
    void sendSignal(int signal);
    // Waits (processing events) until the process has exited; false when it has not by then.
    bool waitForExit(int timeoutMs);
    // Milliseconds from the last sendSignal() to the exit (-1 if it has not exited).
    qint64 msFromSignalToExit() const { return m_signalToExitMs; }
    QProcess::ExitStatus exitStatus() const { return m_process.exitStatus(); }
    int exitCode() const { return m_process.exitCode(); }
    // SIGKILL and wait: the fallback at the end of a test.
    void kill();

    QByteArray standardError();
    QByteArray standardOutput();

private:
    void drain();

    QProcess m_process;
    QByteArray m_stdout;
    QByteArray m_stderr;
    QString m_host;
    quint16 m_port = 0;
    QString m_error;
    QElapsedTimer m_sinceSignal;
    qint64 m_signalToExitMs = -1;
    bool m_finished = false;
};

} // namespace fcadmin
