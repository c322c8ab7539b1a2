// SPDX-License-Identifier: MIT
// Send-to-receive latencies of one run, and their percentiles.
#pragma once

#include <QString>

#include <vector>

namespace fastchat::bench {

class LatencyRecorder
{
public:
    void record(qint64 nanoseconds) { m_samples.push_back(nanoseconds); }
    qsizetype count() const { return qsizetype(m_samples.size()); }
    // Milliseconds at quantile q (0..1); sorts on first use.
    double percentileMs(double q);
    void clear()
    {
        m_samples.clear();
        m_sorted = false;
    }

private:
    std::vector<qint64> m_samples;
    bool m_sorted = false;
};

} // namespace fastchat::bench
