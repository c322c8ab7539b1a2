// SPDX-License-Identifier: MIT
#include "SecretQueries.h"

#include "SqlSession.h"
#include "SqlValues.h"

using namespace Qt::StringLiterals;

namespace fastchat::server::SecretQueries {

Result<QByteArray> getOrCreate(SqlSession &s, const QString &name, const QByteArray &candidate)
{
    // ON CONFLICT: two nodes starting at once both try; one value wins for both.
    QSqlQuery &insert = s.prepared(
            u"INSERT INTO server_secrets (name, value, created_at) VALUES (?, ?, ?)"
            " ON CONFLICT (name) DO NOTHING"_s);
    insert.addBindValue(name);
    insert.addBindValue(QString::fromLatin1(candidate));
    insert.addBindValue(sql::nowMs());
    if (!s.exec(insert))
        return s.lastError();
    QSqlQuery &select = s.prepared(u"SELECT value FROM server_secrets WHERE name = ?"_s);
    select.addBindValue(name);
    if (!s.exec(select) || !select.next())
        return s.lastError();
    const QByteArray value = select.value(0).toString().toLatin1();
    select.finish();
    return value;
}

} // namespace fastchat::server::SecretQueries
