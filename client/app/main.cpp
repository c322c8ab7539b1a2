// SPDX-License-Identifier: MIT
// fastchat-client: the desktop app. Options, then the ChatClient, the window, and the
// silent sign-in with the keychain's session.
#include "ClientUi.h"
#include "DesktopNotifier.h"

#include <QCommandLineParser>
#include <QGuiApplication>
#include <QQmlApplicationEngine>

#include <ChatClient.h>

#include <cstdio>

using namespace Qt::StringLiterals;
using namespace fastchat::client;

int main(int argc, char *argv[])
{
    prepareUi();
    QGuiApplication app(argc, argv);
    QGuiApplication::setApplicationName(u"fastchat"_s);
    QGuiApplication::setApplicationDisplayName(u"Fast-Chat"_s);
    QGuiApplication::setApplicationVersion(QStringLiteral(FASTCHAT_VERSION));
    QGuiApplication::setDesktopFileName(u"fastchat"_s);

    QCommandLineParser parser;
    parser.setApplicationDescription(u"Fast-Chat desktop client"_s);
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption server(
            {u"s"_s, u"server"_s},
            u"The server's address, e.g. http://chat.example.org:8080 (default: the "
            "server used last time, else %1)."_s.arg(ChatClient::defaultServerUrl.toString()),
            u"url"_s);
    const QCommandLineOption profile(
            u"profile"_s,
            u"Keep a separate session and cache under this name, to use two accounts on "
            "one computer (default: default)."_s,
            u"name"_s, u"default"_s);
    const QCommandLineOption scheme(u"color-scheme"_s, u"light, dark, or system (default)."_s,
                                    u"scheme"_s,
                                    qEnvironmentVariable("FASTCHAT_COLOR_SCHEME", u"system"_s));
    parser.addOptions({server, profile, scheme});
    parser.process(app);

    ChatClientOptions options;
    if (parser.isSet(server)) {
        options.serverUrl = ChatClient::normalizedServerUrl(parser.value(server));
        if (!options.serverUrl.isValid()) {
            std::fprintf(stderr,
                         "fastchat-client: '%s' is not a server address (try http://host:port)\n",
                         qPrintable(parser.value(server)));
            return 2;
        }
    }
    options.profile = parser.value(profile);
    applyColorScheme(parser.value(scheme));

    ChatClient client(options);
    DesktopNotifier notifier(&client);
    QQmlApplicationEngine engine;
    if (!loadUi(engine, &client)) {
        std::fprintf(stderr, "fastchat-client: the user interface failed to load\n");
        return 1;
    }
    client.start();
    return QGuiApplication::exec();
}
