// SPDX-License-Identifier: MIT
// Online and last-seen, told to the users who share a conversation with someone (not to
// everyone). Driven by the hub's first-socket-opened and last-socket-closed signals.
#pragma once

#include <QHash>
#include <QObject>
#include <QSet>

namespace fastchat::server {

class Hub;
class Store;

class Presence : public QObject
{
    Q_OBJECT
public:
    Presence(Store &store, Hub &hub, QObject *parent = nullptr);

    bool isOnline(qint64 userId) const;
    // Two users just exchanged their first message: from now on each hears about the
    // other's presence, starting with the present state.
    void contactsMet(qint64 a, qint64 b);

private:
    void wentOnline(qint64 userId);
    void wentOffline(qint64 userId);
    void announce(qint64 userId, bool online, qint64 lastSeenMs, const QList<qint64> &to);

    Store &m_store;
    Hub &m_hub;
    // The contacts of every user online here, loaded when their first socket opens.
    QHash<qint64, QSet<qint64>> m_contacts;
};

} // namespace fastchat::server
