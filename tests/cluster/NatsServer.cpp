// SPDX-License-Identifier: MIT
#include "NatsServer.h"

#include <QDeadlineTimer>
#include <QFileInfo>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>

using namespace Qt::StringLiterals;

namespace fctest {

NatsServer::~NatsServer()
{
    kill();
}

QString NatsServer::binary()
{
    const QString given = qEnvironmentVariable("FASTCHAT_NATS_SERVER");
    if (!given.isEmpty())
        return given;
    QString found = QStandardPaths::findExecutable(u"nats-server"_s);
    if (found.isEmpty())
        found = QStandardPaths::findExecutable(u"nats-server"_s, {u"/usr/sbin"_s, u"/usr/bin"_s});
    return found;
}

bool NatsServer::start()
{
    const QString program = binary();
    if (program.isEmpty() || !QFileInfo(program).isExecutable()) {
        m_error = u"nats-server not found (apt install nats-server, or set FASTCHAT_NATS_SERVER)"_s;
        return false;
    }
    if (m_port == 0) {
        QTcpServer probe;
        if (!probe.listen(QHostAddress::LocalHost, 0)) {
            m_error = u"no free port: "_s + probe.errorString();
            return false;
        }
        m_port = probe.serverPort();
    }
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    m_process.start(program, {u"-a"_s, u"127.0.0.1"_s, u"-p"_s, QString::number(m_port)});
    if (!m_process.waitForStarted(10000)) {
        m_error = u"cannot start %1: %2"_s.arg(program, m_process.errorString());
        return false;
    }
    // Ready when the port answers with the server's INFO line.
    const QDeadlineTimer deadline(20000);
    while (!deadline.hasExpired()) {
        if (m_process.state() == QProcess::NotRunning) {
            m_error = u"nats-server exited: "_s + QString::fromUtf8(output());
            return false;
        }
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_port);
        if (socket.waitForConnected(1000) && socket.waitForReadyRead(1000)
            && socket.readAll().startsWith("INFO"))
            return true;
        QThread::msleep(50);
    }
    m_error = u"nats-server did not accept connections on port %1 within 20 s: %2"_s.arg(m_port)
                      .arg(QString::fromUtf8(output()));
    return false;
}

void NatsServer::kill()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.kill();
    m_process.waitForFinished(10000);
    m_output += m_process.readAll();
}

QString NatsServer::url() const
{
    return u"nats://127.0.0.1:%1"_s.arg(m_port);
}

QByteArray NatsServer::output()
{
    m_output += m_process.readAll();
    return m_output;
}

} // namespace fctest
