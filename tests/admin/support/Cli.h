// SPDX-License-Identifier: MIT
// Runs fastchat-server ($FASTCHAT_SERVER_BINARY) as a command-line tool: arguments, extra
// environment variables and standard input in; exit code, stdout and stderr out. The child
// gets the test's environment without any FASTCHAT_* variable, so that only what a test
// passes on purpose configures it.
#pragma once

#include <QByteArray>
#include <QMap>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace fcadmin {

struct CliResult
{
    bool started = false;
    bool finished = false; // exited (normally or not) within the timeout
    QProcess::ExitStatus exitStatus = QProcess::NormalExit;
    int exitCode = -1; // -1 unless it exited normally
    QByteArray out;
    QByteArray err;
    QStringList arguments;

    QString outText() const { return QString::fromUtf8(out); }
    QString errText() const { return QString::fromUtf8(err); }
    // For failure messages: the command line, the exit and both outputs.
    QString describe() const;
};

// The server binary, or empty when FASTCHAT_SERVER_BINARY is not set.
QString serverBinary();
// The test's environment without FASTCHAT_* variables, plus `extra`.
QProcessEnvironment childEnvironment(const QMap<QString, QString> &extra = {});

// Runs the binary to completion (killed after timeoutMs).
CliResult runCli(const QStringList &arguments, const QMap<QString, QString> &env = {},
                 const QByteArray &stdinData = {}, int timeoutMs = 60000);

} // namespace fcadmin

// Compares a command's exit code, printing the command and its output on failure.
// `result` is evaluated once.
#define FC_EXIT(result, expected)                                                              \
    do {                                                                                       \
        const fcadmin::CliResult &fcExit_ = (result);                                          \
        QVERIFY2(fcExit_.finished && fcExit_.exitStatus == QProcess::NormalExit                \
                         && fcExit_.exitCode == (expected),                                    \
                 qPrintable(QStringLiteral("expected exit code %1; ").arg(expected) + fcExit_.describe())); \
    } while (false)
