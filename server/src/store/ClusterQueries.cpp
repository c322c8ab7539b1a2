// SPDX-License-Identifier: MIT
#include "ClusterQueries.h"

#include "SqlSession.h"

namespace fastchat::server::ClusterQueries {

bool notify(SqlSession &s, const QByteArray &payload)
{
    return s.execPrepared("fc_notify", "SELECT pg_notify($1, $2)", {QByteArray(channel), payload})
            .has_value();
}

} // namespace fastchat::server::ClusterQueries
