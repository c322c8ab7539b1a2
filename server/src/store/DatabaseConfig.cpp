// SPDX-License-Identifier: MIT
#include "DatabaseConfig.h"

#include <QUrl>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace fastchat::server {

QString DatabaseConfig::describe() const
{
    if (driver == Driver::Sqlite)
        return u"SQLite at %1"_s.arg(sqlitePath);
    // One arg() call: a "%1" inside the user name must not be substituted again.
    return u"PostgreSQL %1@%2:%3/%4"_s.arg(user, host, QString::number(port), database);
}

DatabaseConfig DatabaseConfig::sqliteFile(const QString &path)
{
    DatabaseConfig c;
    c.driver = Driver::Sqlite;
    c.sqlitePath = path;
    return c;
}

std::optional<DatabaseConfig> DatabaseConfig::fromUrl(const QString &text, QString *error)
{
    const QUrl url(text, QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    if (scheme == u"postgresql" || scheme == u"postgres") {
        DatabaseConfig c;
        c.driver = Driver::Postgres;
        c.host = url.host().isEmpty() ? u"localhost"_s : url.host();
        c.port = url.port(5432);
        c.user = url.userName(QUrl::FullyDecoded);
        c.password = url.password(QUrl::FullyDecoded);
        c.database = url.path(QUrl::FullyDecoded).mid(1);
        QStringList options;
        const auto items = QUrlQuery(url).queryItems(QUrl::FullyDecoded);
        for (const auto &[key, value] : items)
            options << key + u'=' + value;
        c.options = options.join(u';');
        if (c.database.isEmpty()) {
            if (error)
                *error = u"the PostgreSQL URL names no database (postgresql://user@host:port/DATABASE)"_s;
            return std::nullopt;
        }
        return c;
    }
    if (scheme == u"sqlite") {
        const QString path = url.path(QUrl::FullyDecoded);
        if (path.isEmpty()) {
            if (error)
                *error = u"the SQLite URL names no file (sqlite:///path/to/fastchat.db)"_s;
            return std::nullopt;
        }
        return sqliteFile(path);
    }
    if (scheme.isEmpty() && !text.isEmpty())
        return sqliteFile(text);
    if (error)
        *error = u"unsupported database URL '%1': use postgresql://... or sqlite:///path"_s.arg(
                scheme);
    return std::nullopt;
}

} // namespace fastchat::server
