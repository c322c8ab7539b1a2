// SPDX-License-Identifier: MIT
// The admin's command line: user add|list|disable|enable|reset-password|delete,
// sessions revoke, config check. Each works on the database directly (a running server
// sees revocations within seconds through the revocation log) and returns an exit code
// from ServerConfig::ExitCode.
#pragma once

#include "ServerConfig.h"

#include <QTextStream>

namespace fastchat::server {

class Store;

class AdminCommands
{
public:
    AdminCommands(const ServerConfig &config, QTextStream &out, QTextStream &err, QTextStream &in);
    int run();

private:
    int user();
    int sessions();
    int configCheck();
    int usage(const QString &message);
    bool openStore(Store &store, QString *error);
    // A password from stdin (--password-stdin) or a generated one, printed for the admin.
    QString newPassword(bool *generated);

    const ServerConfig &m_config;
    QTextStream &m_out;
    QTextStream &m_err;
    QTextStream &m_in;
};

} // namespace fastchat::server
