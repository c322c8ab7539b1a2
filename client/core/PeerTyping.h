// SPDX-License-Identifier: MIT
// Who is typing to me right now. A "typing" notice holds for timeoutMs unless renewed; the
// server sends "false" itself after 6 s, so a notice that outlives that means the
// connection dropped and it is cleared here.
#pragma once

#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QTimer>

namespace fastchat::client {

class PeerTyping : public QObject
{
    Q_OBJECT

public:
    static constexpr int timeoutMs = 7000;

    explicit PeerTyping(QObject *parent = nullptr);

    void set(qint64 peerId, bool typing);
    bool isTyping(qint64 peerId) const { return m_until.contains(peerId); }
    // Everyone stops (the connection is gone, or the user signed out).
    void clear();

Q_SIGNALS:
    void changed(qint64 peerId, bool typing);

private:
    void sweep();

    QHash<qint64, QDateTime> m_until;
    QTimer m_sweep;
};

} // namespace fastchat::client
