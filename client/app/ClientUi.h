// SPDX-License-Identifier: MIT
// Starts the QML user interface for a ChatClient: the Quick Controls style, the palette,
// and the FastChat module's Main.qml. Used by fastchat-client's main() and by the GUI test,
// so that the test drives exactly the window people use.
#pragma once

#include <QString>

class QQmlApplicationEngine;
class QQuickWindow;

namespace fastchat::client {

class ChatClient;

// Call before the QGuiApplication exists: the style and the High-DPI policy.
void prepareUi();
// "dark" or "light" forces a palette (the FASTCHAT_COLOR_SCHEME variable does the same);
// anything else follows the system.
void applyColorScheme(const QString &scheme);
// Registers the client as the QML singleton and loads the window; nullptr on failure.
QQuickWindow *loadUi(QQmlApplicationEngine &engine, ChatClient *client);

} // namespace fastchat::client
