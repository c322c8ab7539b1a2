// SPDX-License-Identifier: MIT
#include "TestDatabase.h"

#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace fctest {

namespace {

// Runs one statement on the admin database; returns an empty string or the error.
QString execAdmin(const QString &adminUrl, const QString &statement)
{
    const QUrl url(adminUrl);
    const QString connection = u"fctest-admin-%1"_s.arg(QRandomGenerator::global()->generate64());
    QString error;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QPSQL"_s, connection);
        db.setHostName(url.host());
        db.setPort(url.port(5432));
        db.setUserName(url.userName().isEmpty() ? u"postgres"_s : url.userName());
        if (!url.password().isEmpty())
            db.setPassword(url.password());
        const QString dbName = url.path().mid(1);
        db.setDatabaseName(dbName.isEmpty() ? u"postgres"_s : dbName);
        if (!db.open()) {
            error = u"cannot connect to %1: %2"_s.arg(adminUrl, db.lastError().text());
        } else {
            QSqlQuery query(db);
            if (!query.exec(statement))
                error = u"%1 failed: %2"_s.arg(statement, query.lastError().text());
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(connection);
    return error;
}

} // namespace

TestDatabase::~TestDatabase()
{
    drop();
}

bool TestDatabase::create(const QString &driver)
{
    if (driver == u"sqlite")
        return true;
    if (driver != u"postgres") {
        m_error = u"unknown driver '%1'"_s.arg(driver);
        return false;
    }
    m_adminUrl = qEnvironmentVariable("FASTCHAT_TEST_PG_ADMIN_URL");
    if (m_adminUrl.isEmpty()) {
        m_error = u"FASTCHAT_TEST_PG_ADMIN_URL is not set: the postgres rows need a PostgreSQL "
                  "(run scripts/test, or scripts/pg-throwaway ctest ...)"_s;
        return false;
    }
    if (!QSqlDatabase::isDriverAvailable(u"QPSQL"_s)) {
        m_error = u"the Qt QPSQL driver is not installed"_s;
        return false;
    }
    const QString name = u"fc_%1"_s.arg(QRandomGenerator::global()->generate64(), 16, 16, QLatin1Char('0'));
    const QString error = execAdmin(m_adminUrl, u"CREATE DATABASE %1"_s.arg(name));
    if (!error.isEmpty()) {
        m_error = error;
        return false;
    }
    m_name = name;
    QUrl url(m_adminUrl);
    url.setPath(u"/"_s + name);
    m_url = url.toString();
    return true;
}

void TestDatabase::drop()
{
    if (m_name.isEmpty())
        return;
    const QString error = execAdmin(m_adminUrl, u"DROP DATABASE IF EXISTS %1 WITH (FORCE)"_s.arg(m_name));
    if (!error.isEmpty())
        qWarning().noquote() << "could not drop the test database:" << error;
    m_name.clear();
}

} // namespace fctest
