// SPDX-License-Identifier: MIT
// Chat traffic for the fault tests: users in pairs, each with a WebSocket to the server,
// sending chat messages to its partner and counting every ack, the way a real client does:
//   - every message has a client_id; one that got no ack (the socket broke) or a retryable
//     error (`unavailable`, `rate_limited`) is sent again later with the same client_id;
//   - a socket that closes is opened again with `last_message_id` = the highest message id
//     the user has seen (acks and chat_message frames), which makes the server resume.
// Everything that arrives is recorded per socket, so that a test can check afterwards that
// every acknowledged message is stored once, in order, and reached both users exactly once.
#pragma once

#include "HttpClient.h"
#include "TestEnv.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QObject>
#include <QSet>
#include <QTimer>
#include <QUrl>
#include <QWebSocket>

#include <memory>
#include <vector>

namespace fcrel {

// One chat_message frame as a user received it.
struct Received
{
    qint64 id = 0;
    qint64 conversationId = 0;
    qint64 senderId = 0;
    QString clientId;
    QString content;
    int socket = 0;       // index of the user's socket it came on (0 = the first one)
    bool resumed = false; // between `resume` and `resume_done`
};

class ChatUser : public QObject
{
    Q_OBJECT

public:
    explicit ChatUser(const fctest::TestUser &account, QObject *parent = nullptr);
    ~ChatUser() override;

    fctest::TestUser account;
    qint64 partnerId = 0;
    QString tag;       // prefix of this user's client ids
    bool sends = true; // ChatLoad's pump sends new messages for this user

    // Opens a new socket to wsUrl (the previous one must be closed), with ?token= and, when
    // resumeFrom >= 0, &last_message_id=resumeFrom. Asynchronous: see state().
    void open(const QUrl &wsUrl, qint64 resumeFrom);
    enum class State { Idle, Connecting, Open, Closed };
    State state() const { return m_state; }
    bool isOpen() const { return m_state == State::Open; }
    int sockets() const { return m_socketCount; }
    int closeCode() const { return m_closeCode; }
    void abort();

    // A new message to the partner: client id "<tag>-<n>", remembered in sent().
    QString sendNext();
    // Sends an earlier message again with its client id (and content).
    void resend(const QString &clientId);
    // Records a message this user sent another way (POST /chat/message, answered with `id`)
    // as sent and acknowledged (it still counts as not received: see highestSeen()).
    void recordSentElsewhere(const QString &clientId, const QString &content, qint64 id);
    // Sends a frame as it is.
    void sendFrame(const QString &type, const QJsonObject &payload);

    // Sent on the current socket without an ack or an error so far.
    const QSet<QString> &pending() const { return m_pending; }
    // Waiting to be sent again: refused with a retryable error, or pending when the socket
    // closed. takeDue() hands out those whose wait (retryDelayMs) is over, in sending order.
    QStringList takeDue(qint64 retryDelayMs);
    qsizetype waiting() const { return m_retry.size(); }

    const QStringList &sent() const { return m_sent; }
    QString contentOf(const QString &clientId) const { return m_content.value(clientId); }
    const QMap<QString, qint64> &acks() const { return m_acks; }
    // Acks that named another id for a client id than an earlier ack (must stay empty).
    const QStringList &ackConflicts() const { return m_ackConflicts; }
    const QList<Received> &received() const { return m_received; }
    const QList<QJsonObject> &errors() const { return m_errors; } // error payloads
    // resume_done payloads, with the socket index in "socket".
    const QList<QJsonObject> &resumeDones() const { return m_resumeDones; }
    bool resumedOnCurrentSocket() const { return m_resumedOnCurrent; }
    const QStringList &violations() const { return m_violations; }
    // The highest message id this user has seen (in acks and chat_message frames).
    qint64 highestSeen() const { return m_highestSeen; }
    int frameCount(const QString &type) const { return m_frameCounts.value(type); }

signals:
    void frameArrived();

private:
    void onText(const QString &text);
    void onClosed();

    std::unique_ptr<QWebSocket> m_socket;
    State m_state = State::Idle;
    int m_socketCount = 0;
    int m_closeCode = -1;
    bool m_resuming = false;
    bool m_resumedOnCurrent = false;
    int m_next = 0;
    QStringList m_sent;
    QHash<QString, QString> m_content;
    QSet<QString> m_pending;
    QList<QPair<QString, qint64>> m_retry; // client id, when it went on the list (ms)
    QElapsedTimer m_clock;
    QMap<QString, qint64> m_acks;
    QStringList m_ackConflicts;
    QList<Received> m_received;
    QList<QJsonObject> m_errors;
    QList<QJsonObject> m_resumeDones;
    QStringList m_violations;
    QHash<QString, int> m_frameCounts;
    qint64 m_highestSeen = 0;
};

// Pairs of users (2k and 2k+1 are partners) and the pump that keeps them sending.
class ChatLoad : public QObject
{
    Q_OBJECT

public:
    explicit ChatLoad(QObject *parent = nullptr);
    ~ChatLoad() override;

    // Registers and logs in 2 * pairs users "<prefix>user0", "<prefix>user1", ... through `base`
    // (several requests at once). False with error() on any failure.
    bool createUsers(const QUrl &base, int pairs, const QString &prefix);
    QString error() const { return m_error; }
    std::vector<std::unique_ptr<ChatUser>> &users() { return m_users; }
    ChatUser &user(int i) { return *m_users[size_t(i)]; }
    int size() const { return int(m_users.size()); }

    // Where the users connect (and reconnect to). Changing it does not touch open sockets.
    void setServer(const QUrl &wsUrl) { m_wsUrl = wsUrl; }
    // Opens every user's socket at once (no resume) and waits up to timeoutMs for all.
    bool connectAll(int timeoutMs);
    // Reopens closed sockets by itself (with resume from the highest id seen). Off: a closed
    // socket stays closed until reconnectAll().
    void setAutoReconnect(bool on) { m_autoReconnect = on; }
    // Opens every closed socket again with resume; does not wait.
    void reconnectAll();

    // Every user keeps up to `window` new messages in flight while sending is on.
    void setSending(bool on) { m_sending = on; }
    void setWindow(int window) { m_window = window; }
    void setRetryDelayMs(int ms) { m_retryDelayMs = ms; }
    void start(); // starts the pump (every 5 ms)
    void stop();

    int totalAcks() const;
    int totalSent() const;
    int totalErrors(const QString &code = {}) const;
    // Error codes other than these, as "code: message" lines (for failure messages).
    QStringList unexpectedErrors(const QStringList &allowedCodes) const;
    bool allClosed() const;
    bool allOpenAndResumed() const;
    // Every message sent has an ack and nothing waits to be sent again.
    bool allAcked() const;
    // Every user has received every message of its conversation that has an ack
    // (its own and its partner's).
    bool allDelivered() const;

    // Checks everything against the database, read through GET /chat/history (as each pair's
    // first user, page by page) on `base`:
    //   - every acked message is stored once, with the acked id and the sent content, and
    //     nothing is stored that no ack named; no ack ever named two ids for one client id;
    //   - when `sendingOrder` is set, each sender's messages are stored in the order sent;
    //   - each user received every message of its conversation exactly once over all its
    //     sockets, none from any other conversation, and on each socket in increasing id order;
    //   - each resume_done counted the messages its resume sent.
    // Returns the problems found (empty when all held) and fills `summary`. `pairs` >= 0
    // checks only the first that many pairs.
    QStringList verify(const QUrl &base, bool sendingOrder, QString *summary, int pairs = -1);

private:
    void pump();

    std::vector<std::unique_ptr<ChatUser>> m_users;
    QUrl m_wsUrl;
    QTimer m_timer;
    bool m_sending = false;
    bool m_autoReconnect = false;
    int m_window = 8;
    int m_retryDelayMs = 200;
    QString m_error;
};

// Every message between `me` and `peerId`, oldest first, through
// GET /chat/history/<peer>?after=&limit=200; false with *error on a failed request.
bool wholeHistory(fctest::HttpClient &http, const QString &token, qint64 peerId, QJsonArray *out,
                  QString *error);

// Raises this process's soft limit on open files to `wanted` (or the hard limit if that is
// lower); children inherit it. Returns the soft limit in force afterwards.
qint64 raiseOpenFileLimit(qint64 wanted);

} // namespace fcrel
