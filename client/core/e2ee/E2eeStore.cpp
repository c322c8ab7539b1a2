// SPDX-License-Identifier: MIT
#include "E2eeStore.h"

#include "../Logging.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace fastchat::client::e2ee {

namespace {

constexpr auto checkText = "fastchat e2ee store v1";

QByteArray place(const QString &kind, const QString &id)
{
    return (kind + u':' + id).toUtf8();
}

} // namespace

bool E2eeStore::open(const QString &connectionName, std::shared_ptr<const SecretBox> box)
{
    close();
    if (connectionName.isEmpty() || !box || !box->isValid())
        return false;
    QSqlQuery q(QSqlDatabase::database(connectionName));
    if (!q.exec(u"CREATE TABLE IF NOT EXISTS e2ee_rows (kind TEXT NOT NULL, id TEXT NOT NULL, "
                u"body TEXT NOT NULL, PRIMARY KEY (kind, id))"_s)) {
        qCWarning(lcCache) << "cannot create the e2ee table:" << q.lastError().text();
        return false;
    }
    m_connection = connectionName;
    m_box = std::move(box);
    const auto check = get(u"meta"_s, u"check"_s);
    if (!check || *check != checkText) {
        QSqlQuery count(QSqlDatabase::database(m_connection));
        count.exec(u"SELECT COUNT(*) FROM e2ee_rows"_s);
        if (count.next() && count.value(0).toInt() > 0)
            qCWarning(lcCache) << "the end-to-end encryption rows do not open with this key:"
                                  " starting over";
        QSqlQuery wipe(QSqlDatabase::database(m_connection));
        wipe.exec(u"DELETE FROM e2ee_rows"_s);
        put(u"meta"_s, u"check"_s, QByteArrayView(checkText));
    }
    return true;
}

void E2eeStore::close()
{
    m_connection.clear();
    m_box.reset();
}

std::optional<QByteArray> E2eeStore::get(const QString &kind, const QString &id) const
{
    if (!isOpen())
        return std::nullopt;
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(u"SELECT body FROM e2ee_rows WHERE kind = ? AND id = ?"_s);
    q.addBindValue(kind);
    q.addBindValue(id);
    if (!q.exec() || !q.next())
        return std::nullopt;
    return m_box->open(q.value(0).toString(), place(kind, id));
}

bool E2eeStore::put(const QString &kind, const QString &id, QByteArrayView value)
{
    if (!isOpen())
        return false;
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(u"INSERT OR REPLACE INTO e2ee_rows (kind, id, body) VALUES (?, ?, ?)"_s);
    q.addBindValue(kind);
    q.addBindValue(id);
    q.addBindValue(m_box->seal(value, place(kind, id)));
    if (!q.exec()) {
        qCWarning(lcCache) << "cannot save an e2ee row:" << q.lastError().text();
        return false;
    }
    return true;
}

bool E2eeStore::remove(const QString &kind, const QString &id)
{
    if (!isOpen())
        return false;
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(u"DELETE FROM e2ee_rows WHERE kind = ? AND id = ?"_s);
    q.addBindValue(kind);
    q.addBindValue(id);
    return q.exec();
}

QList<std::pair<QString, QByteArray>> E2eeStore::all(const QString &kind) const
{
    QList<std::pair<QString, QByteArray>> rows;
    if (!isOpen())
        return rows;
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(u"SELECT id, body FROM e2ee_rows WHERE kind = ?"_s);
    q.addBindValue(kind);
    q.exec();
    while (q.next()) {
        const QString id = q.value(0).toString();
        if (auto value = m_box->open(q.value(1).toString(), place(kind, id)))
            rows.append({id, *value});
    }
    return rows;
}

bool E2eeStore::begin()
{
    return isOpen() && QSqlDatabase::database(m_connection).transaction();
}

bool E2eeStore::commit()
{
    return isOpen() && QSqlDatabase::database(m_connection).commit();
}

void E2eeStore::rollback()
{
    if (isOpen())
        QSqlDatabase::database(m_connection).rollback();
}

} // namespace fastchat::client::e2ee
