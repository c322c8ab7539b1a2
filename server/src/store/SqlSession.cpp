// SPDX-License-Identifier: MIT
#include "SqlSession.h"

#include "app/Logging.h"

#include <QSqlDriver>
#include <QSqlError>

#include <libpq-fe.h>

using namespace Qt::StringLiterals;

namespace fastchat::server {

SqlSession::SqlSession(const DatabaseConfig &config, const QString &connectionName)
    : m_config(config)
    , m_name(connectionName)
{}

SqlSession::~SqlSession()
{
    m_statements.clear();
    if (m_db.isValid()) {
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_name);
    }
}

bool SqlSession::ensureOpen(QString *error)
{
    if (m_db.isValid() && m_db.isOpen() && !m_broken)
        return true;
    m_statements.clear();
    m_serverPrepared.clear();
    if (m_db.isValid()) {
        m_db.close();
    } else {
        m_db = QSqlDatabase::addDatabase(m_config.isPostgres() ? u"QPSQL"_s : u"QSQLITE"_s, m_name);
        if (m_config.isPostgres()) {
            m_db.setHostName(m_config.host);
            m_db.setPort(m_config.port);
            m_db.setUserName(m_config.user);
            m_db.setPassword(m_config.password);
            m_db.setDatabaseName(m_config.database);
            m_db.setConnectOptions(m_config.options.isEmpty() ? u"connect_timeout=5"_s
                                                              : m_config.options);
        } else {
            m_db.setDatabaseName(m_config.sqlitePath);
            m_db.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=5000"_s);
        }
    }
    if (!m_db.open()) {
        const QString message = m_db.lastError().text();
        m_lastError = {StoreError::Unavailable, u"the database is unavailable"_s};
        if (error)
            *error = message;
        qCWarning(lcStore) << "cannot open" << m_config.describe() << ":" << message;
        return false;
    }
    m_broken = false;
    ++m_generation;
    configureConnection();
    return true;
}

void SqlSession::configureConnection()
{
    if (m_config.isPostgres()) {
        execDirect(u"SET TIME ZONE 'UTC'"_s);
        // libpq prints notices ("relation ... already exists, skipping") straight to
        // stderr, past our log format: only warnings and errors are of interest.
        execDirect(u"SET client_min_messages TO warning"_s);
        return;
    }
    // WAL lets the reader thread read while the writer writes; FULL makes every commit
    // durable before we acknowledge it (one fsync per group commit).
    execDirect(u"PRAGMA journal_mode=WAL"_s);
    execDirect(u"PRAGMA synchronous=FULL"_s);
    execDirect(u"PRAGMA foreign_keys=ON"_s);
}

QSqlQuery &SqlSession::prepared(const QString &sql)
{
    auto it = m_statements.find(sql);
    if (it == m_statements.end()) {
        QSqlQuery q(m_db);
        q.setForwardOnly(true);
        if (!q.prepare(sql))
            recordError(q.lastError(), u"prepare"_s);
        it = m_statements.insert(sql, q);
    }
    return *it;
}

bool SqlSession::exec(QSqlQuery &query)
{
    if (query.exec())
        return true;
    recordError(query.lastError(), query.lastQuery());
    return false;
}

bool SqlSession::execDirect(const QString &sql)
{
    QSqlQuery q(m_db);
    if (q.exec(sql))
        return true;
    recordError(q.lastError(), sql);
    return false;
}

std::optional<QList<QByteArrayList>> SqlSession::execPrepared(const QByteArray &name,
                                                              const QByteArray &sql,
                                                              const QByteArrayList &parameters)
{
    const QVariant handle = m_db.driver()->handle();
    // QPSQL hands out its PGconn* (registered as "PGconn*", normalized to "pg_conn*").
    PGconn *connection = handle.isValid()
                    && (qstrcmp(handle.typeName(), "PGconn*") == 0
                        || qstrcmp(handle.typeName(), "pg_conn*") == 0)
            ? *static_cast<PGconn *const *>(handle.constData())
            : nullptr;
    const auto failed = [this](PGresult *result, PGconn *connection) {
        const QString message = QString::fromUtf8(PQerrorMessage(connection)).trimmed();
        // The SQLSTATE lives in the result: copied before the result is freed.
        const char *state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
        const QString code = state ? QString::fromLatin1(state) : QString();
        if (result)
            PQclear(result);
        if (PQstatus(connection) != CONNECTION_OK || code.startsWith(u"08")
            || code.startsWith(u"57P")) {
            m_broken = true;
            m_lastError = {StoreError::Unavailable, u"the database is unavailable"_s};
        } else if (code == u"23505") {
            m_lastError = {StoreError::Conflict, message};
        } else if (code == u"40001" || code == u"40P01") {
            m_lastError = {StoreError::Unavailable, u"the database is busy; retry"_s};
        } else {
            m_lastError = {StoreError::Internal, u"internal database error"_s};
        }
        // A unique key refused: the caller expects that (a repeated client_id) and answers it.
        if (m_lastError.kind == StoreError::Conflict)
            qCDebug(lcStore) << "prepared statement refused:" << code << message;
        else
            qCWarning(lcStore) << "prepared statement failed:" << code << message;
        return std::nullopt;
    };
    if (!connection) {
        qCWarning(lcStore) << "no libpq connection behind QPSQL:" << handle.typeName();
        return failed(nullptr, connection);
    }
    if (!m_serverPrepared.contains(name)) {
        PGresult *prepared = PQprepare(connection, name.constData(), sql.constData(), 0, nullptr);
        if (PQresultStatus(prepared) != PGRES_COMMAND_OK)
            return failed(prepared, connection);
        PQclear(prepared);
        m_serverPrepared.insert(name);
    }
    std::vector<const char *> values;
    values.reserve(size_t(parameters.size()));
    for (const QByteArray &p : parameters)
        values.push_back(p.isNull() ? nullptr : p.constData());
    PGresult *result = PQexecPrepared(connection, name.constData(), int(values.size()),
                                      values.data(), nullptr, nullptr, 0);
    const ExecStatusType status = PQresultStatus(result);
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)
        return failed(result, connection);
    QList<QByteArrayList> rows;
    const int count = PQntuples(result), columns = PQnfields(result);
    rows.reserve(count);
    for (int r = 0; r < count; ++r) {
        QByteArrayList row;
        for (int c = 0; c < columns; ++c)
            row.append(PQgetisnull(result, r, c) ? QByteArray()
                                                 : QByteArray(PQgetvalue(result, r, c)));
        rows.append(row);
    }
    PQclear(result);
    return rows;
}

Result<Done> SqlSession::ping()
{
    if (!ensureOpen())
        return m_lastError;
    if (!execDirect(u"SELECT 1"_s))
        return m_lastError;
    return Done{};
}

bool SqlSession::begin()
{
    if (m_db.transaction())
        return true;
    recordError(m_db.lastError(), u"BEGIN"_s);
    return false;
}

bool SqlSession::commit()
{
    if (m_db.commit())
        return true;
    recordError(m_db.lastError(), u"COMMIT"_s);
    return false;
}

void SqlSession::rollback()
{
    if (!m_db.rollback())
        qCDebug(lcStoreSql) << "rollback failed:" << m_db.lastError().text();
}

void SqlSession::recordError(const QSqlError &error, const QString &what)
{
    const QString code = error.nativeErrorCode();
    qCDebug(lcStoreSql) << "SQL failed:" << what << code << error.text();
    // Unique violations: PostgreSQL SQLSTATE 23505; SQLite extended codes 2067
    // (UNIQUE) and 1555 (PRIMARY KEY), or the primary code 19 (CONSTRAINT).
    if (code == u"23505" || code == u"2067" || code == u"1555") {
        m_lastError = {StoreError::Conflict, error.databaseText()};
        return;
    }
    // Class 08 is "connection exception"; 57P0x is an administrator or crash shutdown.
    // The QPSQL driver gives no code at all when the server closed the connection.
    // QSQLITE reports every failed step (a NOT NULL violation too) as a ConnectionError;
    // an SQLite file cannot lose its connection, so only a closed handle counts there.
    const bool connectionLost = !m_db.isOpen()
            || (m_config.isPostgres()
                && (error.type() == QSqlError::ConnectionError || code.startsWith(u"08")
                    || code.startsWith(u"57P") || code.isEmpty()));
    if (connectionLost) {
        m_broken = true;
        m_lastError = {StoreError::Unavailable, u"the database is unavailable"_s};
        qCWarning(lcStore) << "database connection lost:" << error.text();
        return;
    }
    // SQLite's "database is locked" after the busy timeout is worth a retry too.
    if (code == u"5" || code == u"6" || code == u"40001" || code == u"40P01") {
        m_lastError = {StoreError::Unavailable, u"the database is busy; retry"_s};
        return;
    }
    qCWarning(lcStore) << "SQL error in" << what.left(200) << ":" << code << error.text();
    m_lastError = {StoreError::Internal, u"internal database error"_s};
}

} // namespace fastchat::server
