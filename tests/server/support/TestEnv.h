// SPDX-License-Identifier: MIT
// One test case's world: a fresh data dir, a fresh database for the driver, a running
// fastchat-server on it, an HTTP client pointed at it, and helpers for the steps most tests
// share (make a user and log in, send a message, read history). Helpers return empty values
// and set error() when a step fails; tests check with the FC_* macros below.
#pragma once

#include "HttpClient.h"
#include "ServerProcess.h"
#include "TestDatabase.h"
#include "WsClient.h"

#include <QJsonArray>
#include <QTemporaryDir>
#include <memory>

namespace fctest {

struct TestUser
{
    qint64 id = 0;
    QString username;
    QString email;
    QString password;
    QString token; // access token
    QString refreshToken;
    QJsonObject user; // as the register answer showed it
    QJsonObject session; // the login answer

    bool ok() const { return id > 0 && !token.isEmpty(); }
    QString path() const { return QStringLiteral("/users/%1").arg(id); }
};

class TestEnv
{
public:
    TestEnv();
    ~TestEnv();

    // Creates the database for `driver` ("sqlite" or "postgres") and starts the server.
    // A non-empty `secret` is written to a file passed as --secret-file.
    bool start(const QString &driver, const QByteArray &secret = {});
    // Stops and starts the server on the same data dir and database.
    bool restart();
    QString error() const { return m_error; }

    ServerProcess &server() { return *m_server; }
    HttpClient &http() { return m_http; }
    QString dataDir() const { return m_dataDir.path(); }

    // POST /auth/register, then POST /auth/login by e-mail. Password "<name> password 123".
    TestUser createUser(const QString &name);
    // POST /auth/login {email, password}; fills token, refreshToken and session.
    bool login(TestUser &user);

    // POST /chat/message; the stored message, or an empty object (error() says why).
    QJsonObject sendMessage(const TestUser &from, const TestUser &to, const QString &content,
                            const QString &clientId = {});
    // GET /chat/history/<peer><query> as `me`; the array, or empty with error().
    QJsonArray history(const TestUser &me, qint64 peerId, const QString &query = {});
    // GET /chat/conversations as `me`.
    QJsonArray conversations(const TestUser &me);
    // The conversation of `me` with `peerId` from GET /chat/conversations; empty if none.
    QJsonObject conversationWith(const TestUser &me, qint64 peerId);

    // An open WebSocket for the user (Authorization: Bearer), or nullptr with error().
    std::unique_ptr<WsClient> connectWs(const TestUser &user, WsClient::Auth auth = WsClient::Auth::Header,
                                        const QString &query = {});
    std::unique_ptr<WsClient> connectWs(const QString &token, WsClient::Auth auth = WsClient::Auth::Header,
                                        const QString &query = {});

private:
    QTemporaryDir m_dataDir;
    QTemporaryDir m_secretDir;
    QString m_driver;
    QString m_secretFile;
    TestDatabase m_database;
    std::unique_ptr<ServerProcess> m_server;
    HttpClient m_http;
    QString m_error;
};

// Adds the `driver` column and one row per storage driver: for test functions that need no
// other column.
void addDriverRows();
// The storage drivers every server test runs against.
QStringList drivers();

// RFC 3339 in UTC with milliseconds: "2026-11-25T14:50:26.123Z".
bool isWireTime(const QJsonValue &value);
// A JSON integer (not a string, no fraction), > 0.
bool isPositiveId(const QJsonValue &value);
// The documented keys that `object` lacks, joined by ", " (empty: none missing).
QString missingKeys(const QJsonObject &object, const QStringList &keys);
// Keys that are not snake_case (lower-case letters, digits, '_'), joined; empty: all fine.
QString nonSnakeCaseKeys(const QJsonObject &object);

// The documented field names.
QStringList userKeys(); // without email
QStringList messageKeys();
QStringList conversationKeys();

// The ids of a JSON array of messages, in order.
QList<qint64> idsOf(const QJsonArray &messages);

} // namespace fctest

// Starts the environment or fails the test with the reason.
#define FC_START(env, ...) QVERIFY2((env).start(__VA_ARGS__), qPrintable((env).error()))
// Makes a user or fails the test.
#define FC_USER(var, env, name)                                                                \
    const fctest::TestUser var = (env).createUser(name);                                       \
    QVERIFY2(var.ok(), qPrintable(QStringLiteral("creating user %1: %2").arg(name, (env).error())))
// Opens a WebSocket for a user or fails the test.
#define FC_WS(var, env, ...)                                                                   \
    auto var = (env).connectWs(__VA_ARGS__);                                                   \
    QVERIFY2(var, qPrintable((env).error()))
// Compares an HTTP status, printing the answer on failure. `response` is evaluated once, so
// it may be the request itself (QVERIFY2 builds its message whether or not it fails).
#define FC_STATUS(response, expected)                                                          \
    do {                                                                                       \
        const auto &fcResponse_ = (response);                                                  \
        const int fcExpected_ = (expected);                                                    \
        QVERIFY2(fcResponse_.status == fcExpected_,                                            \
                 qPrintable(QStringLiteral("expected HTTP %1, got %2")                          \
                                    .arg(fcExpected_)                                          \
                                    .arg(fcResponse_.describe())));                            \
    } while (false)
