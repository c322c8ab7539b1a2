// SPDX-License-Identifier: MIT
// Token buckets by key (an IP address, an account): `perMinute` attempts, refilled
// evenly. Used to slow down password guessing. Lives on the network thread.
#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QString>

namespace fastchat::server {

class RateLimiter
{
public:
    explicit RateLimiter(int perMinute);

    // Takes one attempt for `key`. 0 when allowed; otherwise the seconds to wait.
    int take(const QString &key);
    // Gives back the attempt taken for `key` (a login that succeeded does not count).
    void refund(const QString &key);

private:
    struct Bucket
    {
        double tokens;
        qint64 updatedMs;
    };
    void forgetIdle(qint64 nowMs);

    double m_capacity;
    double m_perMs;
    QHash<QString, Bucket> m_buckets;
    QElapsedTimer m_clock;
    qint64 m_lastSweepMs = 0;
};

} // namespace fastchat::server
