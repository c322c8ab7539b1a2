// SPDX-License-Identifier: MIT
#include "PeerTyping.h"

using namespace std::chrono_literals;

namespace fastchat::client {

PeerTyping::PeerTyping(QObject *parent)
    : QObject(parent)
{
    m_sweep.setInterval(1s);
    connect(&m_sweep, &QTimer::timeout, this, &PeerTyping::sweep);
}

void PeerTyping::set(qint64 peerId, bool typing)
{
    const bool was = m_until.contains(peerId);
    if (typing) {
        m_until.insert(peerId, QDateTime::currentDateTimeUtc().addMSecs(timeoutMs));
        m_sweep.start();
    } else {
        m_until.remove(peerId);
    }
    if (was != typing)
        Q_EMIT changed(peerId, typing);
}

void PeerTyping::clear()
{
    const auto peers = m_until.keys();
    for (qint64 peer : peers)
        set(peer, false);
    m_sweep.stop();
}

void PeerTyping::sweep()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const auto until = m_until;
    for (auto it = until.cbegin(); it != until.cend(); ++it) {
        if (it.value() <= now)
            set(it.key(), false); // the "false" never came
    }
    if (m_until.isEmpty())
        m_sweep.stop();
}

} // namespace fastchat::client
