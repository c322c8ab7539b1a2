// SPDX-License-Identifier: MIT
// fastchat-client: the desktop app. Options, then the ChatClient, the window, and the
// silent sign-in with the keychain's session.
#include "ClientUi.h"
#include "DesktopNotifier.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QGuiApplication>
#include <QQmlApplicationEngine>

#include <ChatClient.h>

#include <cstdio>

using namespace Qt::StringLiterals;
using namespace fastchat::client;

namespace {

struct Options
{
    QCommandLineParser parser;
    QCommandLineOption server{
            {u"s"_s, u"server"_s},
            u"The server's address, e.g. http://chat.example.org:8080 (default: "
            "$FASTCHAT_SERVER_URL, else the server used last time, else %1)."_s.arg(
                    ChatClient::defaultServerUrl.toString()),
            u"url"_s};
    QCommandLineOption profile{
            u"profile"_s,
            u"Keep a separate session and cache under this name, to use two accounts on "
            "one computer (default: default)."_s,
            u"name"_s, u"default"_s};
    QCommandLineOption scheme{u"color-scheme"_s, u"light, dark, or system (default)."_s,
                              u"scheme"_s,
                              qEnvironmentVariable("FASTCHAT_COLOR_SCHEME", u"system"_s)};

    Options()
    {
        parser.setApplicationDescription(u"Fast-Chat desktop client"_s);
        parser.addHelpOption();
        parser.addVersionOption();
        parser.addOptions({server, profile, scheme});
    }
};

void describeApplication()
{
    QCoreApplication::setApplicationName(u"fastchat-client"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(FASTCHAT_VERSION));
}

// --help and --version answer without a display.
bool wantsTextOnly(int argc, char *argv[])
{
    for (int i = 1; i < argc; ++i) {
        const QByteArray arg(argv[i]);
        if (arg == "-h" || arg == "--help" || arg == "--help-all" || arg == "-v"
            || arg == "--version")
            return true;
    }
    return false;
}

} // namespace

int main(int argc, char *argv[])
{
    if (wantsTextOnly(argc, argv)) {
        QCoreApplication app(argc, argv);
        describeApplication();
        Options options;
        options.parser.process(app); // prints and exits
        return 0;
    }

    prepareUi();
    QGuiApplication app(argc, argv);
    describeApplication();
    QGuiApplication::setApplicationDisplayName(u"Fast-Chat"_s);
    QGuiApplication::setDesktopFileName(u"fastchat"_s);

    Options cli;
    cli.parser.process(app);

    ChatClientOptions options;
    const QString address = cli.parser.isSet(cli.server)
            ? cli.parser.value(cli.server)
            : qEnvironmentVariable("FASTCHAT_SERVER_URL");
    if (!address.isEmpty()) {
        options.serverUrl = ChatClient::normalizedServerUrl(address);
        if (!options.serverUrl.isValid()) {
            std::fprintf(stderr,
                         "fastchat-client: '%s' is not a server address (try http://host:port)\n",
                         qPrintable(address));
            return 2;
        }
    }
    options.profile = cli.parser.value(cli.profile);
    applyColorScheme(cli.parser.value(cli.scheme));

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
