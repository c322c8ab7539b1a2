// SPDX-License-Identifier: MIT
// One database connection, owned by one store thread (QSqlDatabase is per thread).
// Keeps prepared statements, maps driver errors to StoreError kinds, and reconnects
// when the database went away.
#pragma once

#include "DatabaseConfig.h"
#include "Result.h"

#include <QByteArrayList>
#include <QHash>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>

#include <optional>

namespace fastchat::server {

class SqlSession
{
public:
    SqlSession(const DatabaseConfig &config, const QString &connectionName);
    ~SqlSession();
    SqlSession(const SqlSession &) = delete;
    SqlSession &operator=(const SqlSession &) = delete;

    // Opens (or reopens after a failure) the connection. False with an error when the
    // database cannot be reached.
    bool ensureOpen(QString *error = nullptr);
    bool isPostgres() const { return m_config.isPostgres(); }
    // Grows by one every time the connection is (re)opened: session state such as a
    // LISTEN belongs to one generation.
    int generation() const { return m_generation; }
    QSqlDriver *driver() const { return m_db.driver(); }

    // A prepared statement, cached by its text. Bind with addBindValue, then exec(q).
    QSqlQuery &prepared(const QString &sql);
    // Runs a prepared or ad hoc query; on failure returns false and remembers the error.
    bool exec(QSqlQuery &query);
    bool execDirect(const QString &sql);

    // A trivial query: does the database answer?
    Result<Done> ping();

    bool begin();
    bool commit();
    void rollback();

    // PostgreSQL only: runs a named server-side prepared statement (prepared on first use
    // on this connection) with text parameters passed apart from the SQL, so the server
    // parses neither the statement nor the values again. QPSQL's own prepared statements
    // send every value as a literal inside an EXECUTE, which the server must parse:
    // for the group commit's wide INSERT that was most of the database's time.
    // Returns the rows of the result (as text), or nothing on failure (see lastError()).
    std::optional<QList<QByteArrayList>> execPrepared(const QByteArray &name, const QByteArray &sql,
                                                      const QByteArrayList &parameters);

    // The last failure as a StoreError (Unavailable when the connection is the problem).
    StoreError lastError() const { return m_lastError; }

private:
    void recordError(const QSqlError &error, const QString &what);
    void configureConnection();

    DatabaseConfig m_config;
    QString m_name;
    QSqlDatabase m_db;
    QHash<QString, QSqlQuery> m_statements;
    QSet<QByteArray> m_serverPrepared; // names prepared on the current connection
    StoreError m_lastError;
    bool m_broken = false;
    int m_generation = 0;
};

} // namespace fastchat::server
