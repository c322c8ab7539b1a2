// SPDX-License-Identifier: MIT
#include "RateLimiter.h"

#include <cmath>

namespace fastchat::server {

RateLimiter::RateLimiter(int perMinute)
    : m_capacity(perMinute)
    , m_perMs(perMinute / 60000.0)
{
    m_clock.start();
}

int RateLimiter::take(const QString &key)
{
    const qint64 now = m_clock.elapsed();
    forgetIdle(now);
    auto it = m_buckets.find(key);
    if (it == m_buckets.end())
        it = m_buckets.insert(key, Bucket{m_capacity, now});
    it->tokens = std::min(m_capacity, it->tokens + double(now - it->updatedMs) * m_perMs);
    it->updatedMs = now;
    if (it->tokens >= 1) {
        it->tokens -= 1;
        return 0;
    }
    return std::max(1, int(std::ceil((1 - it->tokens) / m_perMs / 1000.0)));
}

void RateLimiter::refund(const QString &key)
{
    const auto it = m_buckets.find(key);
    if (it != m_buckets.end())
        it->tokens = std::min(m_capacity, it->tokens + 1);
}

void RateLimiter::forgetIdle(qint64 nowMs)
{
    // A bucket idle for a minute is full again: the same as no bucket.
    if (nowMs - m_lastSweepMs < 60000)
        return;
    m_lastSweepMs = nowMs;
    m_buckets.removeIf([nowMs](auto it) { return nowMs - it->updatedMs > 60000; });
}

} // namespace fastchat::server
