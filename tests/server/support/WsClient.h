// SPDX-License-Identifier: MIT
// A WebSocket client for tests: connects to /ws with a token (header or ?token=), queues
// every received frame as a parsed JSON object, and waits for frames of a given type.
// Frames that are not exactly one JSON object are recorded as protocol violations.
#pragma once

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QStringList>
#include <QUrl>
#include <QWebSocket>

#include "HttpClient.h"

namespace fctest {

class WsClient : public QObject
{
    Q_OBJECT

public:
    enum class Auth { Header, BareHeader, Query };

    explicit WsClient(QObject *parent = nullptr);
    ~WsClient() override;

    // Opens wsUrl (ws://host:port/ws) with the token; `query` is appended (e.g.
    // "last_message_id=5"). Waits up to 10 s. False when the connection did not open.
    bool open(const QUrl &wsUrl, const QString &token, Auth auth = Auth::Header, const QString &query = {});
    QString errorString() const { return m_error; }
    bool isOpen() const;

    void sendText(const QByteArray &text);
    void sendJson(const QJsonObject &object);
    void sendFrame(const QString &type, const QJsonObject &payload);

    // The first queued frame of this type (whole envelope {type, payload}), removed from the
    // queue; waits up to timeoutMs for it. An empty object when none came.
    QJsonObject waitForFrame(const QString &type, int timeoutMs = 10000);
    // Shortcut: waitForFrame(type)["payload"].
    QJsonObject waitForPayload(const QString &type, int timeoutMs = 10000);
    // Waits ms and returns true when no frame of this type arrived (frames stay queued).
    bool expectNoFrame(const QString &type, int ms = 1500);
    // Frames of this type currently queued (not removed).
    QList<QJsonObject> queued(const QString &type) const;
    QList<QJsonObject> allQueued() const { return m_frames; }
    // Every frame received so far in arrival order, whether taken from the queue or not.
    QList<QJsonObject> log() const { return m_log; }
    void clearQueue() { m_frames.clear(); }

    // Sends ping and waits for pong: true when the connection still works.
    bool pingPong(int timeoutMs = 10000);

    bool waitForClosed(int timeoutMs = 10000);
    // The close code the server sent (QWebSocketProtocol::CloseCode as int); -1 before closing.
    int closeCode() const { return m_closeCode; }
    QString closeReason() const { return m_closeReason; }
    void close();

    QStringList violations() const { return m_violations; }

    // A raw HTTP/1.1 upgrade request to `path` on host:port with the given headers: the status
    // code of the answer (101 on success), or 0 when there was none within 10 s.
    static int upgradeStatus(const QUrl &baseUrl, const QString &pathAndQuery, const RawHeaders &headers);

private:
    void onText(const QString &text);

    QWebSocket m_socket;
    QList<QJsonObject> m_frames;
    QList<QJsonObject> m_log;
    QStringList m_violations;
    QString m_error;
    int m_closeCode = -1;
    QString m_closeReason;
    bool m_closed = false;
};

} // namespace fctest
