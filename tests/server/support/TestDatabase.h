// SPDX-License-Identifier: MIT
// A fresh database per test case. Driver "sqlite": nothing to do (the server keeps its file
// in its data dir). Driver "postgres": creates fc_<random> through
// $FASTCHAT_TEST_PG_ADMIN_URL and drops it again at destruction. A missing variable is an
// error, never a skip: the postgres rows must run.
#pragma once

#include <QString>

namespace fctest {

class TestDatabase
{
public:
    TestDatabase() = default;
    ~TestDatabase();
    TestDatabase(const TestDatabase &) = delete;
    TestDatabase &operator=(const TestDatabase &) = delete;

    // Returns false with errorString() when the database cannot be made.
    bool create(const QString &driver);
    // The --database URL for the server; empty for sqlite.
    QString url() const { return m_url; }
    QString errorString() const { return m_error; }
    // Drops the database (postgres; idempotent). Called by the destructor.
    void drop();

private:
    QString m_name;
    QString m_adminUrl;
    QString m_url;
    QString m_error;
};

} // namespace fctest
