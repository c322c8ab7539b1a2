// SPDX-License-Identifier: MIT
// One admin test case's world: a fresh data dir and database for a driver (TestDatabase),
// the command line on them (`fastchat-server <args> --data-dir D [--database URL]
// --password-cost min`), a server on them (ServerProcess, with extra flags) and an HTTP
// client pointed at it. Helpers return empty values and set error() when a step fails.
#pragma once

#include "Cli.h"
#include "HttpClient.h"
#include "ServerProcess.h"
#include "TestDatabase.h"
#include "TestEnv.h"
#include "WsClient.h"

#include <QTemporaryDir>
#include <memory>

namespace fcadmin {

class AdminEnv
{
public:
    AdminEnv();
    ~AdminEnv();

    // Makes the data dir and the database for `driver` ("sqlite" or "postgres").
    bool prepare(const QString &driver);
    QString driver() const { return m_driver; }
    QString dataDir() const { return m_dataDir.path(); }
    QString databaseUrl() const { return m_database.url(); }
    QString error() const { return m_error; }

    // --data-dir D [--database URL] --password-cost min
    QStringList storageArgs() const;
    // `fastchat-server <args> <storageArgs()>`.
    CliResult cli(const QStringList &args, const QByteArray &stdinData = {});

    // Starts a server on the data (serve --listen 127.0.0.1:0 ... <extraArgs>).
    bool startServer(const QStringList &extraArgs = {});
    // SIGTERM and wait (ServerProcess::stop()).
    bool stopServer();
    fctest::ServerProcess &server() { return *m_server; }
    fctest::HttpClient &http() { return m_http; }

    // POST /auth/register then login; password "<name> password 123".
    fctest::TestUser registerUser(const QString &name);
    // POST /auth/login {email, password}; fills token, refreshToken and session.
    bool login(fctest::TestUser &user);
    fctest::HttpResponse loginResponse(const QString &email, const QString &password);
    fctest::HttpResponse refresh(const QString &refreshToken);
    // An open WebSocket with this token, or nullptr with error().
    std::unique_ptr<fctest::WsClient> connectWs(const QString &token);

private:
    QTemporaryDir m_dataDir;
    QString m_driver;
    fctest::TestDatabase m_database;
    std::unique_ptr<fctest::ServerProcess> m_server;
    fctest::HttpClient m_http;
    QString m_error;
};

} // namespace fcadmin

#define FC_PREPARE(env, driver) QVERIFY2((env).prepare(driver), qPrintable((env).error()))
#define FC_SERVER(env, ...) QVERIFY2((env).startServer(__VA_ARGS__), qPrintable((env).error()))
#define FC_REGISTER(var, env, name)                                                            \
    fctest::TestUser var = (env).registerUser(name);                                           \
    QVERIFY2(var.ok(), qPrintable(QStringLiteral("creating user %1: %2").arg(name, (env).error())))
#define FC_OPEN_WS(var, env, token)                                                            \
    auto var = (env).connectWs(token);                                                         \
    QVERIFY2(var, qPrintable((env).error()))
// Compares an HTTP status, printing the answer on failure; `response` is evaluated once.
#define FC_HTTP_STATUS(response, expected)                                                     \
    do {                                                                                       \
        const fctest::HttpResponse &fcHttp_ = (response);                                      \
        QVERIFY2(fcHttp_.status == (expected),                                                 \
                 qPrintable(QStringLiteral("expected HTTP %1, got %2").arg(expected).arg(fcHttp_.describe()))); \
    } while (false)
