// SPDX-License-Identifier: MIT
// Runs the real fastchat-server (path in $FASTCHAT_SERVER_BINARY) on 127.0.0.1 with a port
// it picks itself, waits for its "listening" line, and stops it with SIGTERM at the end.
// Its stderr is kept and printed when the current test fails.
#pragma once

#include <QProcess>
#include <QStringList>
#include <QUrl>

namespace fctest {

class ServerProcess
{
public:
    struct Options
    {
        QString dataDir; // required
        QString databaseUrl; // empty: SQLite in dataDir
        QString secretFile; // empty: the server generates a secret into dataDir
        QStringList extraArgs;
    };

    ServerProcess() = default;
    ~ServerProcess();
    ServerProcess(const ServerProcess &) = delete;
    ServerProcess &operator=(const ServerProcess &) = delete;

    // Starts the server and waits (up to 30 s) for "fastchat-server listening on
    // 127.0.0.1:<port>". On failure returns false; errorString() says why.
    bool start(const Options &options);
    // SIGTERM, then waits up to 10 s (SIGKILL after that). Returns true when it exited by itself.
    bool stop();

    bool isRunning() const;
    quint16 port() const { return m_port; }
    QUrl baseUrl() const; // http://127.0.0.1:<port>
    QUrl wsUrl() const; // ws://127.0.0.1:<port>/ws
    QString errorString() const { return m_error; }
    // Everything the server wrote to stderr so far.
    QByteArray standardError();

private:
    QProcess m_process;
    QByteArray m_stdout;
    QByteArray m_stderr;
    quint16 m_port = 0;
    QString m_error;
};

} // namespace fctest
