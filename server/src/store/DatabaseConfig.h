// SPDX-License-Identifier: MIT
// Which database to use, parsed from a URL: postgresql://user:pass@host:port/db for
// PostgreSQL, sqlite:///abs/path or a plain file path for SQLite.
#pragma once

#include <QString>

#include <optional>

namespace fastchat::server {

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
