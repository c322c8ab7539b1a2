// SPDX-License-Identifier: MIT
#include "Cli.h"

using namespace Qt::StringLiterals;

namespace fcadmin {

QString CliResult::describe() const
{
    QString exit;
    if (!started)
        exit = u"did not start"_s;
    else if (!finished)
        exit = u"did not finish in time (killed)"_s;
    else if (exitStatus != QProcess::NormalExit)
        exit = u"crashed"_s;
    else
        exit = u"exit code %1"_s.arg(exitCode);
    return u"`fastchat-server %1`: %2\n--- stdout:\n%3\n--- stderr:\n%4"_s.arg(
            arguments.join(u' '), exit, QString::fromUtf8(out.left(4000)), QString::fromUtf8(err.left(4000)));
}

QString serverBinary()
{
    return qEnvironmentVariable("FASTCHAT_SERVER_BINARY");
}

QProcessEnvironment childEnvironment(const QMap<QString, QString> &extra)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    const QStringList keys = env.keys();
    for (const QString &key : keys)
        if (key.startsWith(u"FASTCHAT_"))
            env.remove(key);
    for (auto it = extra.cbegin(); it != extra.cend(); ++it)
        env.insert(it.key(), it.value());
    return env;
}

CliResult runCli(const QStringList &arguments, const QMap<QString, QString> &env, const QByteArray &stdinData,
                 int timeoutMs)
{
    CliResult result;
    result.arguments = arguments;
    const QString binary = serverBinary();
    if (binary.isEmpty()) {
        result.err = "FASTCHAT_SERVER_BINARY is not set: run the tests through ctest";
        return result;
    }
    QProcess process;
    process.setProgram(binary);
    process.setArguments(arguments);
    process.setProcessEnvironment(childEnvironment(env));
    process.setProcessChannelMode(QProcess::SeparateChannels);
    process.start();
    if (!process.waitForStarted(10000)) {
        result.err = process.errorString().toUtf8();
        return result;
    }
    result.started = true;
    if (!stdinData.isEmpty())
        process.write(stdinData);
    process.closeWriteChannel();
    result.finished = process.waitForFinished(timeoutMs);
    if (!result.finished) {
        process.kill();
        process.waitForFinished(5000);
    }
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    result.exitStatus = process.exitStatus();
    if (result.finished && result.exitStatus == QProcess::NormalExit)
        result.exitCode = process.exitCode();
    return result;
}

} // namespace fcadmin
