// SPDX-License-Identifier: MIT
#include "ClientUi.h"

#include "ImageCacheProvider.h"

#include <QGuiApplication>
#include <QPalette>
#include <QQmlApplicationEngine>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QtQml/qqmlextensionplugin.h>

#include <ChatClient.h>
#include <ImageCache.h>

Q_IMPORT_QML_PLUGIN(FastChat_CorePlugin)
Q_IMPORT_QML_PLUGIN(FastChatPlugin)

using namespace Qt::StringLiterals;

namespace fastchat::client {

void prepareUi()
{
    // Fusion follows the application palette, which follows the system's light or dark theme.
    if (qEnvironmentVariableIsEmpty("QT_QUICK_CONTROLS_STYLE"))
        QQuickStyle::setStyle(u"Fusion"_s);
}

void applyColorScheme(const QString &scheme)
{
    if (scheme == u"dark") {
        QPalette p;
        p.setColor(QPalette::Window, QColor(0x20, 0x22, 0x26));
        p.setColor(QPalette::WindowText, QColor(0xe8, 0xe8, 0xea));
        p.setColor(QPalette::Base, QColor(0x2a, 0x2d, 0x32));
        p.setColor(QPalette::AlternateBase, QColor(0x30, 0x33, 0x38));
        p.setColor(QPalette::Text, QColor(0xe8, 0xe8, 0xea));
        p.setColor(QPalette::Button, QColor(0x33, 0x36, 0x3b));
        p.setColor(QPalette::ButtonText, QColor(0xe8, 0xe8, 0xea));
        p.setColor(QPalette::Highlight, QColor(0x3d, 0x8b, 0xe0));
        p.setColor(QPalette::HighlightedText, Qt::white);
        p.setColor(QPalette::PlaceholderText, QColor(0x90, 0x93, 0x99));
        p.setColor(QPalette::ToolTipBase, QColor(0x33, 0x36, 0x3b));
        p.setColor(QPalette::ToolTipText, QColor(0xe8, 0xe8, 0xea));
        QGuiApplication::setPalette(p);
    } else if (scheme == u"light") {
        QPalette p;
        p.setColor(QPalette::Window, QColor(0xf3, 0xf4, 0xf6));
        p.setColor(QPalette::Base, Qt::white);
        p.setColor(QPalette::Highlight, QColor(0x2f, 0x7d, 0xd1));
        p.setColor(QPalette::HighlightedText, Qt::white);
        QGuiApplication::setPalette(p);
    }
}

QQuickWindow *loadUi(QQmlApplicationEngine &engine, ChatClient *client)
{
    ChatClient::setQmlInstance(client);
    engine.addImageProvider(QLatin1StringView(ImageCache::providerId),
                            new ImageCacheProvider(client->transfers()));
    engine.addImportPath(u"qrc:/qt/qml"_s);
    engine.load(QUrl(u"qrc:/qt/qml/FastChat/Main.qml"_s));
    const auto roots = engine.rootObjects();
    if (roots.isEmpty())
        return nullptr;
    return qobject_cast<QQuickWindow *>(roots.constFirst());
}

} // namespace fastchat::client
