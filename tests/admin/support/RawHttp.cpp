// SPDX-License-Identifier: MIT
#include "RawHttp.h"

#include <QTcpSocket>
#include <QTest>

using namespace Qt::StringLiterals;

namespace fcadmin {

fctest::HttpResponse rawHttp(const QHostAddress &from, const QHostAddress &to, quint16 port, const QByteArray &method,
                             const QByteArray &path, const QByteArray &body, const fctest::RawHeaders &headers)
{
    fctest::HttpResponse response;
    QTcpSocket socket;
    if (!socket.bind(from, 0)) {
        response.networkError = u"cannot bind to %1: %2"_s.arg(from.toString(), socket.errorString());
        return response;
    }
    socket.connectToHost(to, port);
    if (!socket.waitForConnected(10000)) {
        response.networkError = u"cannot connect from %1: %2"_s.arg(from.toString(), socket.errorString());
        return response;
    }
    QByteArray request = method + ' ' + path + " HTTP/1.1\r\n";
    request += "Host: " + to.toString().toLatin1() + ':' + QByteArray::number(port) + "\r\n";
    request += "Connection: close\r\n";
    if (!body.isEmpty() || method == "POST" || method == "PUT") {
        request += "Content-Type: application/json\r\n";
        request += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    }
    for (const auto &[name, value] : headers)
        request += name + ": " + value + "\r\n";
    request += "\r\n" + body;
    socket.write(request);
    socket.flush();

    QByteArray answer;
    qsizetype headerEnd = -1;
    qsizetype contentLength = -1;
    const auto complete = [&] {
        answer += socket.readAll();
        if (headerEnd < 0) {
            headerEnd = answer.indexOf("\r\n\r\n");
            if (headerEnd >= 0) {
                for (const QByteArray &line : answer.left(headerEnd).split('\n')) {
                    const qsizetype colon = line.indexOf(':');
                    if (colon > 0 && line.left(colon).trimmed().toLower() == "content-length")
                        contentLength = line.mid(colon + 1).trimmed().toLongLong();
                }
            }
        }
        if (headerEnd >= 0 && contentLength >= 0 && answer.size() >= headerEnd + 4 + contentLength)
            return true;
        return socket.state() == QAbstractSocket::UnconnectedState;
    };
    if (!QTest::qWaitFor(complete, fctest::HttpClient::timeoutMs))
        response.networkError = u"no complete answer within %1 ms"_s.arg(fctest::HttpClient::timeoutMs);
    answer += socket.readAll();
    socket.abort();

    headerEnd = answer.indexOf("\r\n\r\n");
    const QByteArray head = headerEnd >= 0 ? answer.left(headerEnd) : answer;
    QList<QByteArray> lines = head.split('\n');
    if (!lines.isEmpty()) {
        const QList<QByteArray> status = lines.takeFirst().trimmed().split(' ');
        if (status.size() >= 2 && status.first().startsWith("HTTP/"))
            response.status = status.at(1).toInt();
    }
    for (const QByteArray &line : lines) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0)
            response.headers.append({line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
    }
    if (headerEnd >= 0) {
        response.body = answer.mid(headerEnd + 4);
        if (contentLength >= 0)
            response.body.truncate(contentLength);
    }
    response.json = QJsonDocument::fromJson(response.body, &response.parseError);
    if (response.status == 0 && response.networkError.isEmpty())
        response.networkError = u"no HTTP answer"_s;
    return response;
}

} // namespace fcadmin
