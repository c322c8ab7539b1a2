// SPDX-License-Identifier: MIT
#include "IdleSockets.h"

#include <QEventLoop>
#include <QNetworkRequest>
#include <QTimer>
#include <QWebSocket>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace fastchat::bench {

int holdIdleSockets(const QList<Account> &accounts, int sockets, int holdSeconds)
{
    QObject owner;
    int open = 0, failed = 0, started = 0;
    QEventLoop loop;
    constexpr int concurrentHandshakes = 200;
    std::function<void()> openNext = [&] {
        if (started >= sockets)
            return;
        const Account &account = accounts.at(started % accounts.size());
        ++started;
        auto *socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, &owner);
        QUrl url = account.server;
        url.setScheme(u"ws"_s);
        url.setPath(u"/ws"_s);
        QNetworkRequest request(url);
        request.setRawHeader("Authorization", "Bearer " + account.token.toLatin1());
        QObject::connect(socket, &QWebSocket::connected, &loop, [&] {
            if (++open + failed == sockets)
                loop.quit();
            openNext();
        });
        QObject::connect(socket, QOverload<QAbstractSocket::SocketError>::of(&QWebSocket::error),
                         &loop, [&, socket](QAbstractSocket::SocketError) {
                             if (++failed <= 5)
                                 std::fprintf(stderr, "socket error: %s\n",
                                              qPrintable(socket->errorString()));
                             if (open + failed == sockets)
                                 loop.quit();
                             openNext();
                         });
        socket->open(request);
    };
    for (int i = 0; i < concurrentHandshakes; ++i)
        openNext();
    QTimer::singleShot(300000, &loop, &QEventLoop::quit);
    loop.exec();
    std::printf("sockets open: %d, failed: %d; holding %d s\n", open, failed, holdSeconds);
    std::fflush(stdout);
    QTimer::singleShot(holdSeconds * 1000, &loop, &QEventLoop::quit);
    loop.exec();
    return open;
}

} // namespace fastchat::bench
