// SPDX-License-Identifier: MIT
#include "ChatLoad.h"

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTest>
#include <QUrlQuery>

#include <sys/resource.h>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace fcrel {

ChatUser::ChatUser(const fctest::TestUser &a, QObject *parent)
    : QObject(parent)
    , account(a)
{
    m_clock.start();
}

ChatUser::~ChatUser()
{
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
    }
}

void ChatUser::open(const QUrl &wsUrl, qint64 resumeFrom)
{
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket.release()->deleteLater();
    }
    // What was in flight on the old socket has an unknown fate: send it again (same client id).
    for (const QString &id : std::as_const(m_sent))
        if (m_pending.contains(id))
            m_retry.append({id, m_clock.elapsed()});
    m_pending.clear();

    QUrl url = wsUrl;
    QUrlQuery q;
    q.addQueryItem(u"token"_s, account.token);
    if (resumeFrom >= 0)
        q.addQueryItem(u"last_message_id"_s, QString::number(resumeFrom));
    url.setQuery(q);
    m_socket = std::make_unique<QWebSocket>();
    m_resuming = resumeFrom >= 0;
    m_resumedOnCurrent = false;
    ++m_socketCount;
    m_state = State::Connecting;
    QWebSocket *socket = m_socket.get();
    connect(socket, &QWebSocket::connected, this, [this] { m_state = State::Open; });
    connect(socket, &QWebSocket::textMessageReceived, this, &ChatUser::onText);
    connect(socket, &QWebSocket::binaryMessageReceived, this, [this](const QByteArray &data) {
        m_violations << u"binary message of %1 bytes"_s.arg(data.size());
    });
    connect(socket, &QWebSocket::disconnected, this, &ChatUser::onClosed);
    // A connection attempt that fails may end without `disconnected`.
    connect(socket, &QWebSocket::stateChanged, this, [this](QAbstractSocket::SocketState s) {
        if (s == QAbstractSocket::UnconnectedState && m_state == State::Connecting)
            onClosed();
    });
    socket->open(url);
}

void ChatUser::onClosed()
{
    if (m_state == State::Closed)
        return;
    m_closeCode = int(m_socket->closeCode());
    m_state = State::Closed;
    for (const QString &id : std::as_const(m_sent))
        if (m_pending.contains(id))
            m_retry.append({id, m_clock.elapsed()});
    m_pending.clear();
    emit frameArrived();
}

void ChatUser::abort()
{
    if (m_socket)
        m_socket->abort();
}

QString ChatUser::sendNext()
{
    const QString id = u"%1-%2"_s.arg(tag).arg(m_next++);
    const QString content = u"message %1 from %2 to %3"_s.arg(id).arg(account.id).arg(partnerId);
    m_sent << id;
    m_content.insert(id, content);
    resend(id);
    return id;
}

void ChatUser::resend(const QString &clientId)
{
    m_pending.insert(clientId);
    sendFrame(u"chat_message"_s,
              {{u"receiver_id"_s, partnerId},
               {u"content"_s, m_content.value(clientId)},
               {u"type"_s, u"text"_s},
               {u"client_id"_s, clientId}});
}

void ChatUser::recordSentElsewhere(const QString &clientId, const QString &content, qint64 id)
{
    m_sent << clientId;
    m_content.insert(clientId, content);
    // Not counted in highestSeen: this user's stream cursor moves only with its sockets, so
    // the message comes on the next resume like any other it has not received.
    m_acks.insert(clientId, id);
}

void ChatUser::sendFrame(const QString &type, const QJsonObject &payload)
{
    if (!m_socket)
        return;
    const QJsonObject frame{{u"type"_s, type}, {u"payload"_s, payload}};
    m_socket->sendTextMessage(
            QString::fromUtf8(QJsonDocument(frame).toJson(QJsonDocument::Compact)));
}

QStringList ChatUser::takeDue(qint64 retryDelayMs)
{
    QStringList due;
    const qint64 now = m_clock.elapsed();
    for (qsizetype i = 0; i < m_retry.size();) {
        if (now - m_retry.at(i).second >= retryDelayMs) {
            due << m_retry.at(i).first;
            m_retry.removeAt(i);
        } else {
            ++i;
        }
    }
    // In sending order, and each once.
    std::sort(due.begin(), due.end(), [this](const QString &a, const QString &b) {
        return m_sent.indexOf(a) < m_sent.indexOf(b);
    });
    due.erase(std::unique(due.begin(), due.end()), due.end());
    return due;
}

void ChatUser::onText(const QString &text)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        m_violations << u"not one JSON object: %1"_s.arg(text.left(200));
        return;
    }
    const QString type = doc.object().value(u"type").toString();
    const QJsonObject payload = doc.object().value(u"payload").toObject();
    ++m_frameCounts[type];
    if (type == u"ack") {
        const QString clientId = payload.value(u"client_id").toString();
        const qint64 id = payload.value(u"id").toInteger();
        if (m_acks.contains(clientId) && m_acks.value(clientId) != id)
            m_ackConflicts << u"%1 acked as %2 and as %3"_s.arg(clientId)
                                      .arg(m_acks.value(clientId))
                                      .arg(id);
        if (!m_acks.contains(clientId))
            m_acks.insert(clientId, id);
        m_pending.remove(clientId);
        m_highestSeen = std::max(m_highestSeen, id);
    } else if (type == u"chat_message") {
        Received r;
        r.id = payload.value(u"id").toInteger();
        r.conversationId = payload.value(u"conversation_id").toInteger();
        r.senderId = payload.value(u"sender_id").toInteger();
        r.clientId = payload.value(u"client_id").toString();
        r.content = payload.value(u"content").toString();
        r.socket = m_socketCount - 1;
        r.resumed = m_resuming;
        m_received.append(r);
        m_highestSeen = std::max(m_highestSeen, r.id);
    } else if (type == u"resume_done") {
        QJsonObject done = payload;
        done.insert(u"socket"_s, m_socketCount - 1);
        m_resumeDones.append(done);
        m_resuming = false;
        m_resumedOnCurrent = true;
    } else if (type == u"error") {
        m_errors.append(payload);
        const QString clientId = payload.value(u"client_id").toString();
        const QString code = payload.value(u"code").toString();
        if (!clientId.isEmpty() && m_pending.contains(clientId)
            && (code == u"unavailable" || code == u"rate_limited")) {
            m_pending.remove(clientId);
            m_retry.append({clientId, m_clock.elapsed()});
        }
    }
    emit frameArrived();
}

ChatLoad::ChatLoad(QObject *parent)
    : QObject(parent)
{
    m_timer.setInterval(5);
    connect(&m_timer, &QTimer::timeout, this, &ChatLoad::pump);
}

ChatLoad::~ChatLoad() = default;

bool ChatLoad::createUsers(const QUrl &base, int pairs, const QString &prefix)
{
    QNetworkAccessManager manager;
    const int count = 2 * pairs;
    std::vector<fctest::TestUser> accounts(static_cast<size_t>(count));
    int done = 0;
    QStringList failures;
    const auto post = [&](const QString &path, const QJsonObject &body) {
        QNetworkRequest request(base.resolved(QUrl(path)));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
        request.setTransferTimeout(60000);
        return manager.post(request, QJsonDocument(body).toJson(QJsonDocument::Compact));
    };
    for (int i = 0; i < count; ++i) {
        fctest::TestUser &u = accounts[size_t(i)];
        u.username = u"%1user%2"_s.arg(prefix).arg(i);
        u.email = u.username + u"@example.org"_s;
        u.password = u.username + u" password 123"_s;
        QNetworkReply *reg = post(
                u"/auth/register"_s,
                {{u"username"_s, u.username}, {u"email"_s, u.email}, {u"password"_s, u.password}});
        connect(reg, &QNetworkReply::finished, this, [&, reg, i] {
            reg->deleteLater();
            fctest::TestUser &u = accounts[size_t(i)];
            const int status = reg->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            const QByteArray body = reg->readAll();
            if (status != 201) {
                failures << u"register %1: %2 %3"_s.arg(u.username)
                                    .arg(status)
                                    .arg(QString::fromUtf8(body.left(200)));
                ++done;
                return;
            }
            u.user = QJsonDocument::fromJson(body).object();
            u.id = u.user.value(u"id").toInteger();
            QNetworkReply *login = post(u"/auth/login"_s,
                                        {{u"email"_s, u.email}, {u"password"_s, u.password}});
            connect(login, &QNetworkReply::finished, this, [&, login, i] {
                login->deleteLater();
                fctest::TestUser &u = accounts[size_t(i)];
                const int status
                        = login->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
                const QByteArray body = login->readAll();
                ++done;
                if (status != 200) {
                    failures << u"login %1: %2 %3"_s.arg(u.username)
                                        .arg(status)
                                        .arg(QString::fromUtf8(body.left(200)));
                    return;
                }
                u.session = QJsonDocument::fromJson(body).object();
                u.token = u.session.value(u"access_token").toString();
            });
        });
    }
    if (!QTest::qWaitFor([&] { return done == count; }, 600000)) {
        m_error = u"%1 of %2 users made within 10 minutes"_s.arg(done).arg(count);
        return false;
    }
    if (!failures.isEmpty()) {
        m_error = failures.mid(0, 5).join(u"; "_s);
        return false;
    }
    for (int i = 0; i < count; ++i) {
        auto user = std::make_unique<ChatUser>(accounts[size_t(i)], this);
        user->tag = u"u%1"_s.arg(user->account.id);
        m_users.push_back(std::move(user));
    }
    for (int i = 0; i < count; ++i)
        m_users[size_t(i)]->partnerId = m_users[size_t(i ^ 1)]->account.id;
    return true;
}

bool ChatLoad::connectAll(int timeoutMs)
{
    for (auto &u : m_users)
        u->open(m_wsUrl, -1);
    return QTest::qWaitFor(
            [this] {
                return std::all_of(m_users.begin(), m_users.end(),
                                   [](const auto &u) { return u->isOpen(); });
            },
            timeoutMs);
}

void ChatLoad::reconnectAll()
{
    for (auto &u : m_users)
        if (u->state() == ChatUser::State::Closed || u->state() == ChatUser::State::Idle)
            u->open(m_wsUrl, u->highestSeen());
}

void ChatLoad::start()
{
    m_timer.start();
}

void ChatLoad::stop()
{
    m_timer.stop();
}

void ChatLoad::pump()
{
    for (auto &u : m_users) {
        if (u->state() == ChatUser::State::Closed && m_autoReconnect) {
            u->open(m_wsUrl, u->highestSeen());
            continue;
        }
        // Like a client: nothing new until the resume is done.
        if (!u->isOpen() || (u->sockets() > 1 && !u->resumedOnCurrentSocket()))
            continue;
        for (const QString &id : u->takeDue(m_retryDelayMs))
            u->resend(id);
        while (m_sending && u->sends && u->pending().size() < m_window && u->waiting() == 0)
            u->sendNext();
    }
}

int ChatLoad::totalAcks() const
{
    int n = 0;
    for (const auto &u : m_users)
        n += int(u->acks().size());
    return n;
}

int ChatLoad::totalSent() const
{
    int n = 0;
    for (const auto &u : m_users)
        n += int(u->sent().size());
    return n;
}

int ChatLoad::totalErrors(const QString &code) const
{
    int n = 0;
    for (const auto &u : m_users)
        for (const QJsonObject &e : u->errors())
            n += code.isEmpty() || e.value(u"code").toString() == code;
    return n;
}

QStringList ChatLoad::unexpectedErrors(const QStringList &allowedCodes) const
{
    QStringList out;
    for (const auto &u : m_users)
        for (const QJsonObject &e : u->errors())
            if (!allowedCodes.contains(e.value(u"code").toString()))
                out << u"user %1: %2: %3"_s.arg(u->account.id)
                                .arg(e.value(u"code").toString(), e.value(u"message").toString());
    return out;
}

bool ChatLoad::allClosed() const
{
    return std::all_of(m_users.begin(), m_users.end(),
                       [](const auto &u) { return u->state() == ChatUser::State::Closed; });
}

bool ChatLoad::allOpenAndResumed() const
{
    return std::all_of(m_users.begin(), m_users.end(),
                       [](const auto &u) { return u->isOpen() && u->resumedOnCurrentSocket(); });
}

bool ChatLoad::allAcked() const
{
    return std::all_of(m_users.begin(), m_users.end(), [](const auto &u) {
        return u->acks().size() == u->sent().size() && u->waiting() == 0 && u->pending().isEmpty();
    });
}

bool ChatLoad::allDelivered() const
{
    for (size_t i = 0; i < m_users.size(); ++i) {
        const ChatUser &me = *m_users[i];
        const ChatUser &partner = *m_users[i ^ 1];
        QSet<qint64> got;
        for (const Received &r : me.received())
            got.insert(r.id);
        for (const ChatUser *sender : {&me, &partner})
            for (const qint64 id : sender->acks())
                if (!got.contains(id))
                    return false;
    }
    return true;
}

QStringList ChatLoad::verify(const QUrl &base, bool sendingOrder, QString *summary, int pairs)
{
    const size_t end = pairs < 0 ? m_users.size() : std::min(m_users.size(), size_t(2 * pairs));
    QStringList problems;
    fctest::HttpClient http(base);
    int stored = 0, resumedFrames = 0, resumes = 0;
    for (size_t i = 0; i + 1 < end; i += 2) {
        const ChatUser *pair[2] = {m_users[i].get(), m_users[i + 1].get()};
        QJsonArray history;
        QString error;
        if (!wholeHistory(http, pair[0]->account.token, pair[1]->account.id, &history, &error)) {
            problems << error;
            continue;
        }
        stored += int(history.size());
        // id -> (sender, client id), and each sender's client ids in id order.
        QHash<qint64, QString> clientIdOf;
        QHash<qint64, QStringList> storedOrder;
        QHash<QString, int> timesStored;
        qint64 conversationId = 0;
        for (const QJsonValue &v : std::as_const(history)) {
            const QJsonObject m = v.toObject();
            const qint64 id = m.value(u"id").toInteger();
            const qint64 sender = m.value(u"sender_id").toInteger();
            const QString clientId = m.value(u"client_id").toString();
            conversationId = m.value(u"conversation_id").toInteger();
            clientIdOf.insert(id, clientId);
            storedOrder[sender] << clientId;
            if (++timesStored[clientId] == 2)
                problems << u"client id %1 stored twice"_s.arg(clientId);
            const ChatUser *from = sender == pair[0]->account.id ? pair[0]
                    : sender == pair[1]->account.id              ? pair[1]
                                                                 : nullptr;
            if (!from) {
                problems << u"message %1 in the history of %2 and %3 is from user %4"_s.arg(id)
                                    .arg(pair[0]->account.id)
                                    .arg(pair[1]->account.id)
                                    .arg(sender);
                continue;
            }
            if (!from->acks().contains(clientId))
                problems << u"message %1 (%2) is stored but was never acknowledged"_s.arg(id).arg(
                        clientId);
            else if (from->acks().value(clientId) != id)
                problems << u"%1 is stored as %2 but was acknowledged as %3"_s.arg(clientId)
                                    .arg(id)
                                    .arg(from->acks().value(clientId));
            if (m.value(u"content").toString() != from->contentOf(clientId))
                problems << u"%1 is stored with other content: %2"_s.arg(
                        clientId, m.value(u"content").toString().left(100));
        }
        for (const ChatUser *u : pair) {
            problems << u->ackConflicts();
            for (auto it = u->acks().cbegin(); it != u->acks().cend(); ++it)
                if (!timesStored.contains(it.key()))
                    problems << u"acknowledged %1 (id %2) is not stored"_s.arg(it.key()).arg(
                            it.value());
            if (sendingOrder) {
                QStringList ackedInSendingOrder;
                for (const QString &id : u->sent())
                    if (u->acks().contains(id))
                        ackedInSendingOrder << id;
                const QStringList got = storedOrder.value(u->account.id);
                if (got != ackedInSendingOrder) {
                    qsizetype k = 0;
                    while (k < got.size() && k < ackedInSendingOrder.size()
                           && got.at(k) == ackedInSendingOrder.at(k))
                        ++k;
                    problems
                            << u"user %1's messages are not stored in sending order: first difference at %2 (stored %3, sent %4)"_s
                                       .arg(u->account.id)
                                       .arg(k)
                                       .arg(k < got.size() ? got.at(k) : u"nothing"_s)
                                       .arg(k < ackedInSendingOrder.size()
                                                    ? ackedInSendingOrder.at(k)
                                                    : u"nothing"_s);
                }
            }
            // Delivery: each stored message of the conversation exactly once, nothing else,
            // and increasing ids on every socket.
            QHash<qint64, int> times;
            QHash<int, qint64> lastOnSocket;
            for (const Received &r : u->received()) {
                ++times[r.id];
                resumedFrames += r.resumed;
                if (r.conversationId != conversationId || !clientIdOf.contains(r.id))
                    problems
                            << u"user %1 received message %2 of conversation %3, which is not in its history"_s
                                       .arg(u->account.id)
                                       .arg(r.id)
                                       .arg(r.conversationId);
                if (r.id <= lastOnSocket.value(r.socket))
                    problems << u"user %1, socket %2: message %3 after %4 (not in id order)"_s
                                        .arg(u->account.id)
                                        .arg(r.socket)
                                        .arg(r.id)
                                        .arg(lastOnSocket.value(r.socket));
                lastOnSocket[r.socket] = std::max(lastOnSocket.value(r.socket), r.id);
            }
            for (auto it = clientIdOf.cbegin(); it != clientIdOf.cend(); ++it) {
                const int n = times.value(it.key());
                if (n != 1)
                    problems << u"user %1 received message %2 (%3) %4 times"_s.arg(u->account.id)
                                        .arg(it.key())
                                        .arg(it.value())
                                        .arg(n);
            }
            for (const QJsonObject &done : u->resumeDones()) {
                ++resumes;
                int count = 0;
                for (const Received &r : u->received())
                    count += r.resumed && r.socket == done.value(u"socket").toInt();
                if (done.value(u"count").toInt() != count)
                    problems << u"user %1: resume_done says %2 messages, %3 came"_s
                                        .arg(u->account.id)
                                        .arg(done.value(u"count").toInt())
                                        .arg(count);
            }
            problems << u->violations();
        }
    }
    if (summary)
        *summary = u"%1 users, %2 messages sent, %3 acknowledged, %4 stored; %5 resumes "
                   "delivered %6 messages"_s.arg(m_users.size())
                           .arg(totalSent())
                           .arg(totalAcks())
                           .arg(stored)
                           .arg(resumes)
                           .arg(resumedFrames);
    if (problems.size() > 40) {
        const qsizetype more = problems.size() - 40;
        problems = problems.mid(0, 40);
        problems << u"... and %1 more"_s.arg(more);
    }
    return problems;
}

bool wholeHistory(fctest::HttpClient &http, const QString &token, qint64 peerId, QJsonArray *out,
                  QString *error)
{
    qint64 after = 0;
    for (int page = 0; page < 100000; ++page) {
        const fctest::HttpResponse r = http.get(
                u"/chat/history/%1?after=%2&limit=200"_s.arg(peerId).arg(after), token);
        if (r.status != 200 || !r.isArray()) {
            *error = u"GET /chat/history/%1: %2"_s.arg(peerId).arg(r.describe());
            return false;
        }
        for (const QJsonValue &m : r.array()) {
            out->append(m);
            after = std::max(after, m.toObject().value(u"id").toInteger());
        }
        if (r.array().size() < 200)
            return true;
    }
    return true;
}

qint64 raiseOpenFileLimit(qint64 wanted)
{
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return -1;
    rlim_t target = rlim_t(wanted);
    if (limit.rlim_max != RLIM_INFINITY && target > limit.rlim_max)
        target = limit.rlim_max;
    if (limit.rlim_cur < target) {
        limit.rlim_cur = target;
        setrlimit(RLIMIT_NOFILE, &limit);
        getrlimit(RLIMIT_NOFILE, &limit);
    }
    return qint64(limit.rlim_cur);
}

} // namespace fcrel
