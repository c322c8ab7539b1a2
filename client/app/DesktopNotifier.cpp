// SPDX-License-Identifier: MIT
#include "DesktopNotifier.h"

#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QVariantMap>

#include <ChatClient.h>

using namespace Qt::StringLiterals;

namespace fastchat::client {

DesktopNotifier::DesktopNotifier(ChatClient *client, QObject *parent)
    : QObject(parent)
    , m_client(client)
{
    connect(client, &ChatClient::messageNotification, this, &DesktopNotifier::notify);
}

void DesktopNotifier::notify(const QString &title, const QString &body, qint64)
{
    if (m_client->windowActive())
        return; // the window shows it (badge and list)
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected())
        return;
    QDBusMessage call = QDBusMessage::createMethodCall(
            u"org.freedesktop.Notifications"_s, u"/org/freedesktop/Notifications"_s,
            u"org.freedesktop.Notifications"_s, u"Notify"_s);
    const QVariantMap hints{{u"category"_s, u"im.received"_s}, {u"desktop-entry"_s, u"fastchat"_s}};
    call << u"Fast-Chat"_s << m_lastId << u"mail-unread"_s << title << body.toHtmlEscaped()
         << QStringList() << hints << int(-1);
    auto *watcher = new QDBusPendingCallWatcher(bus.asyncCall(call), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this, [this](QDBusPendingCallWatcher *w) {
        const QDBusPendingReply<quint32> reply = *w;
        if (!reply.isError())
            m_lastId = reply.value();
        w->deleteLater();
    });
}

} // namespace fastchat::client
