// SPDX-License-Identifier: MIT
// Desktop notifications (org.freedesktop.Notifications over D-Bus) for messages that arrive
// while the window is not focused. Without a notification service nothing happens.
#pragma once

#include <QObject>

namespace fastchat::client {

class ChatClient;

class DesktopNotifier : public QObject
{
    Q_OBJECT

public:
    explicit DesktopNotifier(ChatClient *client, QObject *parent = nullptr);

private:
    void notify(const QString &title, const QString &body, qint64 peerId);

    ChatClient *m_client;
    quint32 m_lastId = 0; // a new message replaces the previous notification
};

} // namespace fastchat::client
