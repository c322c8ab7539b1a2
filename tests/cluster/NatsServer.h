// SPDX-License-Identifier: MIT
// A real nats-server for the cluster tests in NATS mode: started on a free loopback port,
// stopped (or killed and started again on the same port) by the test.
#pragma once

#include <QProcess>
#include <QString>

namespace fctest {

class NatsServer
{
public:
    NatsServer() = default;
    ~NatsServer();
    NatsServer(const NatsServer &) = delete;
    NatsServer &operator=(const NatsServer &) = delete;

    // The binary: $FASTCHAT_NATS_SERVER, else nats-server on PATH or in /usr/sbin.
    static QString binary();

    // Starts on a free port (the first time) or on the same port again, and waits up to
    // 20 s until it accepts connections.
    bool start();
    // SIGKILL, and waits for the exit.
    void kill();
    bool isRunning() const { return m_process.state() != QProcess::NotRunning; }
    QString url() const; // nats://127.0.0.1:PORT
    QString errorString() const { return m_error; }
    QByteArray output();

private:
    QProcess m_process;
    quint16 m_port = 0;
    QString m_error;
    QByteArray m_output;
};

} // namespace fctest
