// SPDX-License-Identifier: MIT
#include "LatencyRecorder.h"

#include <algorithm>
#include <cmath>

namespace fastchat::bench {

double LatencyRecorder::percentileMs(double q)
{
    if (m_samples.empty())
        return 0;
    if (!m_sorted) {
        std::sort(m_samples.begin(), m_samples.end());
        m_sorted = true;
    }
    const size_t index = std::min(m_samples.size() - 1,
                                  size_t(std::ceil(q * double(m_samples.size())))
                                          - (q > 0 ? 1 : 0));
    return double(m_samples[index]) / 1e6;
}

} // namespace fastchat::bench
