// SPDX-License-Identifier: MIT
#include "WsClient.h"

#include <QJsonDocument>
#include <QNetworkRequest>
#include <QTcpSocket>
#include <QTest>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace fctest {

WsClient::WsClient(QObject *parent) : QObject(parent)
{
    connect(&m_socket, &QWebSocket::textMessageReceived, this, &WsClient::onText);
    connect(&m_socket, &QWebSocket::binaryMessageReceived, this, [this](const QByteArray &data) {
        m_violations << u"binary message of %1 bytes"_s.arg(data.size());
    });
    connect(&m_socket, &QWebSocket::disconnected, this, [this] {
        m_closed = true;
        m_closeCode = int(m_socket.closeCode());
        m_closeReason = m_socket.closeReason();
    });
}

WsClient::~WsClient()
{
    m_socket.disconnect(this);
    if (m_socket.state() != QAbstractSocket::UnconnectedState)
        m_socket.abort();
}

bool WsClient::open(const QUrl &wsUrl, const QString &token, Auth auth, const QString &query)
{
    QUrl url = wsUrl;
    QUrlQuery q(query);
    if (auth == Auth::Query)
        q.addQueryItem(u"token"_s, token);
    url.setQuery(q);
    QNetworkRequest request(url);
    if (auth == Auth::Header)
        request.setRawHeader("Authorization", "Bearer " + token.toUtf8());
    else if (auth == Auth::BareHeader)
        request.setRawHeader("Authorization", token.toUtf8());
    m_socket.open(request);
    const bool connected = QTest::qWaitFor([this] {
        return m_socket.state() == QAbstractSocket::ConnectedState || m_closed
               || m_socket.state() == QAbstractSocket::UnconnectedState;
    }, 10000);
    if (!connected || m_socket.state() != QAbstractSocket::ConnectedState) {
        m_error = u"WebSocket to %1 did not open: %2"_s.arg(url.toString(QUrl::RemoveQuery), m_socket.errorString());
        return false;
    }
    return true;
}

bool WsClient::isOpen() const
{
    return m_socket.state() == QAbstractSocket::ConnectedState;
}

void WsClient::sendText(const QByteArray &text)
{
    m_socket.sendTextMessage(QString::fromUtf8(text));
    m_socket.flush();
}

void WsClient::sendJson(const QJsonObject &object)
{
    sendText(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

void WsClient::sendFrame(const QString &type, const QJsonObject &payload)
{
    sendJson(QJsonObject{{u"type"_s, type}, {u"payload"_s, payload}});
}

void WsClient::onText(const QString &text)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject()) {
        m_violations << u"a text frame that is not one JSON object: %1"_s.arg(text.left(300));
        return;
    }
    const QJsonObject frame = doc.object();
    if (!frame.value(u"type").isString() || !frame.value(u"payload").isObject())
        m_violations << u"a frame without string type and object payload: %1"_s.arg(text.left(300));
    m_frames.append(frame);
    m_log.append(frame);
}

QJsonObject WsClient::waitForFrame(const QString &type, int timeoutMs)
{
    auto find = [this, &type]() -> qsizetype {
        for (qsizetype i = 0; i < m_frames.size(); ++i)
            if (m_frames.at(i).value(u"type").toString() == type)
                return i;
        return -1;
    };
    (void)QTest::qWaitFor([&] { return find() >= 0; }, timeoutMs);
    const qsizetype index = find();
    if (index < 0)
        return {};
    return m_frames.takeAt(index);
}

QJsonObject WsClient::waitForPayload(const QString &type, int timeoutMs)
{
    return waitForFrame(type, timeoutMs).value(u"payload").toObject();
}

bool WsClient::expectNoFrame(const QString &type, int ms)
{
    QTest::qWait(ms);
    return queued(type).isEmpty();
}

QList<QJsonObject> WsClient::queued(const QString &type) const
{
    QList<QJsonObject> out;
    for (const QJsonObject &frame : m_frames)
        if (frame.value(u"type").toString() == type)
            out.append(frame);
    return out;
}

bool WsClient::pingPong(int timeoutMs)
{
    if (!isOpen())
        return false;
    sendFrame(u"ping"_s, {});
    return !waitForFrame(u"pong"_s, timeoutMs).isEmpty();
}

bool WsClient::waitForClosed(int timeoutMs)
{
    return QTest::qWaitFor([this] { return m_closed; }, timeoutMs);
}

void WsClient::close()
{
    m_socket.close();
    (void)QTest::qWaitFor([this] { return m_socket.state() == QAbstractSocket::UnconnectedState; }, 10000);
}

int WsClient::upgradeStatus(const QUrl &baseUrl, const QString &pathAndQuery, const RawHeaders &headers)
{
    QTcpSocket socket;
    socket.connectToHost(baseUrl.host(), quint16(baseUrl.port()));
    if (!socket.waitForConnected(10000))
        return 0;
    QByteArray request = "GET " + pathAndQuery.toUtf8() + " HTTP/1.1\r\n";
    request += "Host: " + baseUrl.host().toUtf8() + ':' + QByteArray::number(baseUrl.port()) + "\r\n";
    request += "Upgrade: websocket\r\nConnection: Upgrade\r\n";
    request += "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
    for (const auto &[name, value] : headers)
        request += name + ": " + value + "\r\n";
    request += "\r\n";
    socket.write(request);
    socket.flush();
    QByteArray answer;
    (void)QTest::qWaitFor([&] {
        answer += socket.readAll();
        return answer.contains("\r\n") || socket.state() == QAbstractSocket::UnconnectedState;
    }, 10000);
    answer += socket.readAll();
    socket.abort();
    // "HTTP/1.1 401 Unauthorized"
    const QList<QByteArray> parts = answer.left(answer.indexOf("\r\n")).split(' ');
    if (parts.size() < 2 || !parts.first().startsWith("HTTP/"))
        return 0;
    return parts.at(1).toInt();
}

} // namespace fctest
