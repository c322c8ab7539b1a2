// SPDX-License-Identifier: MIT
// Which database to use, parsed from a URL: postgresql://user:pass@host:port/db for
// PostgreSQL, sqlite:///abs/path or a plain file path for SQLite.
#pragma once

#include <QString>

#include <optional>

namespace fastchat::server {

// Reader threads of the store, each with its own connection (the `database_readers`
// setting). A history page is mostly waiting on the database; with two or more, one
// request's query runs while another's answer is being read.
inline constexpr int defaultDatabaseReaders = 2;

struct DatabaseConfig
{
    enum class Driver { Sqlite, Postgres };
    Driver driver = Driver::Sqlite;
    QString sqlitePath;
    QString host;
    int port = 5432;
    QString user;
    QString password;
    QString database;
    QString options; // QPSQL connect options from the URL's query (sslmode=...)

    bool isPostgres() const { return driver == Driver::Postgres; }
    // For logs: never includes the password.
    QString describe() const;

    static std::optional<DatabaseConfig> fromUrl(const QString &url, QString *error);
    static DatabaseConfig sqliteFile(const QString &path);
};

} // namespace fastchat::server
