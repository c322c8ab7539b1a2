// SPDX-License-Identifier: MIT
// A real fastchat-server for client tests: its own data dir, its own database (SQLite in the
// data dir, or a fresh PostgreSQL database fc_client_<random> made through
// $FASTCHAT_TEST_PG_ADMIN_URL, dropped at the end), a port it picks itself, and a few
// blocking REST helpers to set up accounts and messages the way another client would.
#pragma once

#include <QJsonValue>
#include <QProcess>
#include <QTemporaryDir>
#include <QUrl>

namespace clienttest {

struct Account
{
    qint64 id = 0;
    QString username;
    QString email;
    QString password;
};

class TestServer
{
public:
    TestServer();
    ~TestServer();
    TestServer(const TestServer &) = delete;
    TestServer &operator=(const TestServer &) = delete;

    // driver: "sqlite" or "postgres". The postgres rows need FASTCHAT_TEST_PG_ADMIN_URL and
    // fail (never skip) without it. Returns false with errorString().
    bool start(const QString &driver);
    // SIGTERM and wait; the data and the database stay for restart().
    void stop();
    // The same data, database and port again.
    bool restart();
    bool isRunning() const { return m_process.state() == QProcess::Running; }

    QUrl url() const;
    quint16 port() const { return m_port; }
    QString errorString() const { return m_error; }
    QString logFile() const;
    // Where the server keeps its files (and its SQLite database), and its PostgreSQL URL
    // (empty for SQLite): for scans of everything the server stored.
    QString dataDir() const { return m_dir.filePath(QStringLiteral("data")); }
    QString databaseUrl() const { return m_databaseUrl; }

    // Blocking REST for the test's own set-up (empty token: no Authorization header).
    QJsonValue request(const QByteArray &verb, const QString &path, const QJsonValue &body,
                       const QString &token, int *status = nullptr) const;
    // Registers `name` (e-mail name@example.org, a fixed password); id 0 on failure.
    Account registerUser(const QString &name) const;
    QString accessToken(const Account &account) const;
    qint64 postMessage(const QString &token, qint64 receiverId, const QString &content) const;
    // How many stored messages between the two have exactly this content (the server's truth).
    int countStored(const QString &token, qint64 peerId, const QString &content) const;

private:
    bool launch(quint16 port);
    bool createDatabase();
    void dropDatabase();

    QTemporaryDir m_dir;
    QProcess m_process;
    QString m_driver;
    QString m_databaseUrl;
    QString m_databaseName;
    QString m_adminUrl;
    quint16 m_port = 0;
    QString m_error;
};

// Adds the "driver" column with one row per storage driver.
void addDriverRows();

} // namespace clienttest
