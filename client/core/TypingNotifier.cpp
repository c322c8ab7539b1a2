// SPDX-License-Identifier: MIT
#include "TypingNotifier.h"

namespace fastchat::client {

TypingNotifier::TypingNotifier(Send send, QObject *parent)
    : QObject(parent)
    , m_send(std::move(send))
{
    m_idle.setSingleShot(true);
    m_idle.setInterval(idleMs);
    connect(&m_idle, &QTimer::timeout, this, &TypingNotifier::stop);
}

void TypingNotifier::edited(qint64 peerId, bool textEmpty)
{
    if (peerId <= 0)
        return;
    if (m_typing && peerId != m_peer)
        stop();
    if (textEmpty) {
        stop();
        return;
    }
    if (!m_typing || m_sinceSent.elapsed() >= refreshMs) {
        m_typing = true;
        m_peer = peerId;
        m_sinceSent.start();
        m_send(peerId, true);
    }
    m_idle.start();
}

void TypingNotifier::stop()
{
    m_idle.stop();
    if (!m_typing)
        return;
    m_typing = false;
    m_send(m_peer, false);
}

} // namespace fastchat::client
