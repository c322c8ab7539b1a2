// SPDX-License-Identifier: MIT
// fastchat-server: read the configuration, then run the command: serve one node (and stop
// cleanly on SIGTERM/SIGINT), migrate, or an admin command.
#include "app/AdminCommands.h"
#include "app/LogOutput.h"
#include "app/Logging.h"
#include "app/ServerApp.h"
#include "app/ServerConfig.h"

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QProcessEnvironment>
#include <QSocketNotifier>
#include <QTextStream>

#include <sodium.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>

using namespace fastchat::server;

namespace {

int signalPipe[2] = {-1, -1};

void onSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const auto written = ::write(signalPipe[1], &byte, 1);
}

// Signals arrive at any moment; the handler only writes a byte, and the event loop
// reads it and stops the server in an orderly way.
void installSignalHandlers(ServerApp &app)
{
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, signalPipe) != 0)
        return;
    auto *notifier = new QSocketNotifier(signalPipe[0], QSocketNotifier::Read, &app);
    QObject::connect(notifier, &QSocketNotifier::activated, &app, [&app] {
        char byte;
        [[maybe_unused]] const auto n = ::read(signalPipe[0], &byte, 1);
        app.stop();
    });
    struct sigaction action = {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &action, nullptr);
    sigaction(SIGINT, &action, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
}

} // namespace

int main(int argc, char *argv[])
{
    // Qt's own event dispatcher rather than GLib's: GLib wakes its loop (an eventfd write and
    // one more turn) whenever a socket's write notifier is switched on or off, which Qt does
    // around every frame sent. With it the server made 5-6 write calls per message, 1.8
    // without (docs/performance.md). QT_NO_GLIB set empty chooses GLib's after all.
    if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
    QCoreApplication application(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("fastchat-server"));
    QCoreApplication::setApplicationVersion(QStringLiteral(FASTCHAT_VERSION));

    int exitCode = ServerConfig::Ok;
    const auto config = ServerConfig::load(QCoreApplication::arguments(),
                                           QProcessEnvironment::systemEnvironment().toStringList(),
                                           &exitCode);
    if (!config)
        return exitCode;
    LogOutput::install(config->logFormat);
    if (sodium_init() < 0) {
        std::fprintf(stderr, "fastchat-server: libsodium failed to initialize\n");
        return ServerConfig::Failure;
    }

    if (config->command != u"serve" && config->command != u"migrate") {
        // The admin reads the command's own output; the store's notices are noise here.
        QLoggingCategory::setFilterRules(QStringLiteral("fastchat.*.info=false"));
        QTextStream out(stdout), err(stderr), in(stdin);
        return AdminCommands(*config, out, err, in).run();
    }

    ServerApp app(*config);
    QString error;
    if (!app.start(&error)) {
        std::fprintf(stderr, "fastchat-server: %s\n", qPrintable(error));
        return ServerConfig::Failure;
    }
    if (config->command == u"migrate") {
        std::printf("fastchat-server: the database schema is up to date\n");
        return ServerConfig::Ok;
    }
    installSignalHandlers(app);
    QObject::connect(&app, &ServerApp::stopped, &application, &QCoreApplication::quit);
    // Tests and scripts read this line to learn the port (port 0 picks a free one).
    std::printf("fastchat-server listening on %s:%u\n",
                qPrintable(config->listenAddress.toString()), unsigned(app.port()));
    std::fflush(stdout);
    qCInfo(lcServer) << "data folder" << config->dataDir << "; database"
                     << config->database.describe();
    return application.exec();
}
