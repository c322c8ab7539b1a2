// SPDX-License-Identifier: MIT
// A minimal HTTP/1.1 client for the load generator: GET requests one at a time over one
// kept-alive TCP connection, answers read by their Content-Length. QNetworkAccessManager
// costs about as much CPU per small request as the server spends answering it (its own
// thread, and some 80 read calls per 15 KB page), and the load generator shares the
// machine's two cores with the server and the database. Plain http only.
#pragma once

#include <QByteArray>
#include <QObject>
#include <QTcpSocket>
#include <QTimer>
#include <QUrl>

#include <functional>

namespace fastchat::bench {

class KeepAliveClient : public QObject
{
public:
    // status 0: the connection failed or closed before the answer was complete, or the
    // answer took longer than 10 s; that answer comes from the event loop, never inside
    // get() or a socket's error signal.
    using Answer = std::function<void(int status, const QByteArray &body)>;

    explicit KeepAliveClient(const QUrl &server, QObject *parent = nullptr);

    // `pathAndQuery` as in the request line; one request at a time.
    void get(const QByteArray &pathAndQuery, const QByteArray &authorization, Answer answer);

private:
    void readAnswer();
    void fail();

    QUrl m_server;
    QTcpSocket m_socket;
    QTimer m_timeout;
    QByteArray m_buffer;
    qsizetype m_headerEnd = -1; // where the body starts, once the headers are in
    qsizetype m_bodyLength = 0;
    int m_status = 0;
    Answer m_answer;
};

} // namespace fastchat::bench
