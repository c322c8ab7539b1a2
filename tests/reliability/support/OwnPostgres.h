// SPDX-License-Identifier: MIT
// A PostgreSQL 15 cluster of the test's own, so that it can be stopped and started again
// without disturbing the tests that share scripts/test's throwaway cluster: a fresh data
// folder under /tmp (fastchat-relpg-*), 127.0.0.1 on a free port, trust authentication,
// fsync on, as scripts/pg-throwaway does it. As root every PostgreSQL command runs as user
// postgres (runuser); as another user, as that user. PG_BINDIR overrides
// /usr/lib/postgresql/15/bin. The destructor stops it (immediate) and removes the folder.
#pragma once

#include <QString>
#include <QStringList>

namespace fcrel {

class OwnPostgres
{
public:
    OwnPostgres() = default;
    ~OwnPostgres();
    OwnPostgres(const OwnPostgres &) = delete;
    OwnPostgres &operator=(const OwnPostgres &) = delete;

    // initdb, start, and create database `database`. False with errorString().
    bool start(const QString &database);
    // pg_ctl stop -m <mode> (smart, fast or immediate) and wait for it.
    bool stop(const QString &mode);
    // Starts the stopped cluster again on the same port.
    bool startAgain();
    bool isRunning() const { return m_running; }

    quint16 port() const { return m_port; }
    // postgresql://postgres@127.0.0.1:<port>/<database>
    QString url() const;
    QString errorString() const { return m_error; }
    // The end of the server log (for failure messages).
    QString logTail(int bytes = 4000) const;

private:
    bool run(const QStringList &command, QString *output = nullptr, int timeoutMs = 120000);
    bool pgCtlStart();

    QString m_dir;
    QString m_database;
    quint16 m_port = 0;
    bool m_running = false;
    QString m_error;
};

} // namespace fcrel
