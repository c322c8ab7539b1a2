// SPDX-License-Identifier: MIT
// Graceful stop (docs/admin.md, "Stopping"): while several clients send messages as fast as
// they can, SIGTERM (or SIGINT) makes every socket close with 1001 and the process exit 0
// within a bound; every acknowledged message is in the database afterwards, once, with the
// id its ack gave; and a client that re-sends what was not acknowledged (same client_id)
// ends up with every message exactly once. On sqlite and postgres.
#include "AdminEnv.h"
#include "ServerRun.h"

#include <QJsonDocument>
#include <QtTest>
#include <csignal>

using namespace Qt::StringLiterals;
using fcadmin::AdminEnv;
using fctest::HttpResponse;
using fctest::TestUser;
using fctest::WsClient;

namespace {

constexpr int clientCount = 4;
constexpr int window = 32; // unacknowledged messages each client keeps in flight
constexpr int ackedBeforeSignal = 40; // per client, so that the stop hits live traffic
constexpr int exitBoundMs = 15000; // "exits 0 within a bound"

struct Sender
{
    TestUser user;
    qint64 peerId = 0;
    std::unique_ptr<WsClient> ws;
    int next = 0;
    QStringList sent; // client ids in sending order
    QMap<QString, qint64> acked; // client id -> message id from the ack
    QStringList problems;

    QString contentOf(const QString &clientId) const { return u"message %1 from %2"_s.arg(clientId, user.username); }

    // Takes acks (and notes errors) from the queue.
    void collect()
    {
        for (const QJsonObject &f : ws->allQueued()) {
            const QString type = f.value(u"type").toString();
            const QJsonObject p = f.value(u"payload").toObject();
            if (type == u"ack") {
                const QString id = p.value(u"client_id").toString();
                if (!sent.contains(id))
                    problems << u"an ack for a client_id never sent: "_s + id;
                else if (acked.contains(id) && acked.value(id) != p.value(u"id").toInteger())
                    problems << u"two acks with different ids for "_s + id;
                acked.insert(id, p.value(u"id").toInteger());
            } else if (type == u"error") {
                problems << u"error frame: "_s + QString::fromUtf8(QJsonDocument(p).toJson(QJsonDocument::Compact));
            }
        }
        ws->clearQueue();
    }

    // Sends until `window` messages are unacknowledged.
    void topUp()
    {
        if (!ws->isOpen())
            return;
        while (sent.size() - acked.size() < window) {
            const QString id = u"%1-%2"_s.arg(user.username).arg(next++);
            sent << id;
            ws->sendFrame(u"chat_message"_s, {{u"receiver_id"_s, peerId},
                                              {u"content"_s, contentOf(id)},
                                              {u"type"_s, u"text"_s},
                                              {u"client_id"_s, id}});
        }
    }
};

// Every message of the conversation, oldest first (keyset pages, no read side effect).
QJsonArray wholeConversation(fctest::HttpClient &http, const TestUser &me, qint64 peerId, QString *error)
{
    QJsonArray all;
    qint64 after = 0;
    while (true) {
        const HttpResponse r = http.get(u"/chat/history/%1?after=%2&limit=200"_s.arg(peerId).arg(after), me.token);
        if (r.status != 200 || !r.isArray()) {
            *error = u"GET /chat/history: "_s + r.describe();
            return {};
        }
        for (const QJsonValue &m : r.array()) {
            all.append(m);
            after = std::max(after, m.toObject().value(u"id").toInteger());
        }
        if (r.array().size() < 200)
            return all;
    }
}

} // namespace

class TestAdminShutdown : public QObject
{
    Q_OBJECT

private slots:
    void stopWithClientsSending_data()
    {
        QTest::addColumn<QString>("driver");
        QTest::addColumn<int>("signal");
        for (const QString &driver : fctest::drivers()) {
            QTest::addRow("%s: SIGTERM", qPrintable(driver)) << driver << int(SIGTERM);
            QTest::addRow("%s: SIGINT", qPrintable(driver)) << driver << int(SIGINT);
        }
    }
    void stopWithClientsSending()
    {
        QFETCH(QString, driver);
        QFETCH(int, signal);
        AdminEnv env;
        FC_PREPARE(env, driver);
        // No message limit here: the clients send as fast as they can.
        const QStringList serve = QStringList{u"serve"_s, u"--listen"_s, u"127.0.0.1:0"_s} + env.storageArgs()
                                  + QStringList{u"--messages-per-second"_s, u"1000000"_s};
        auto server = std::make_unique<fcadmin::ServerRun>();
        QVERIFY2(server->start(serve), qPrintable(server->errorString()));
        env.http().setBaseUrl(server->baseUrl());

        std::vector<Sender> senders(clientCount);
        for (int i = 0; i < clientCount; ++i) {
            senders[i].user = env.registerUser(u"user%1"_s.arg(i));
            QVERIFY2(senders[i].user.ok(), qPrintable(env.error()));
        }
        for (int i = 0; i < clientCount; ++i) {
            Sender &s = senders[i];
            s.peerId = senders[(i + 1) % clientCount].user.id;
            s.ws = std::make_unique<WsClient>();
            QVERIFY2(s.ws->open(server->wsUrl(), s.user.token), qPrintable(s.ws->errorString()));
            QVERIFY(s.ws->pingPong());
        }

        // Traffic until every client has had a good number of acks.
        const auto pump = [&] {
            for (Sender &s : senders) {
                s.collect();
                s.topUp();
            }
        };
        const bool warmedUp = QTest::qWaitFor([&] {
            pump();
            return std::all_of(senders.cbegin(), senders.cend(),
                               [](const Sender &s) { return s.acked.size() >= ackedBeforeSignal; });
        }, 60000);
        QVERIFY2(warmedUp, "the clients did not get their first acks within 60 s");

        // The stop, while the clients keep sending.
        server->sendSignal(signal);
        const bool done = QTest::qWaitFor([&] {
            pump();
            return !server->isRunning()
                   && std::all_of(senders.cbegin(), senders.cend(), [](const Sender &s) { return !s.ws->isOpen(); });
        }, exitBoundMs + 10000);
        for (Sender &s : senders)
            s.collect();
        QVERIFY2(!server->isRunning(), "the server still runs after the signal");
        QVERIFY2(server->exitStatus() == QProcess::NormalExit, "the server crashed on the signal");
        QCOMPARE(server->exitCode(), 0);
        QVERIFY2(server->msFromSignalToExit() >= 0 && server->msFromSignalToExit() <= exitBoundMs,
                 qPrintable(u"the server took %1 ms to exit (bound %2 ms)"_s.arg(server->msFromSignalToExit()).arg(exitBoundMs)));
        QVERIFY2(done, "a client socket stayed open after the server exited");
        for (Sender &s : senders) {
            QVERIFY(s.ws->waitForClosed(10000));
            // (QWebSocket reports 1000 with no reason when the connection ended without a
            // close frame.)
            QVERIFY2(s.ws->closeCode() == 1001,
                     qPrintable(u"%1's socket closed with %2 ('%3'), not 1001"_s.arg(s.user.username)
                                        .arg(s.ws->closeCode())
                                        .arg(s.ws->closeReason())));
            QVERIFY2(s.problems.isEmpty(), qPrintable(s.problems.join(u'\n')));
            QVERIFY2(s.ws->violations().isEmpty(), qPrintable(s.ws->violations().join(u'\n')));
        }
        const QByteArray stoppedErr = server->standardError();
        server.reset();

        // Same data, a new server: every acknowledged message is there, once, with its id.
        server = std::make_unique<fcadmin::ServerRun>();
        QVERIFY2(server->start(serve), qPrintable(server->errorString()));
        env.http().setBaseUrl(server->baseUrl());
        int totalAcked = 0, totalSent = 0;
        for (Sender &s : senders) {
            QVERIFY2(env.login(s.user), qPrintable(env.error()));
            QString error;
            const QJsonArray stored = wholeConversation(env.http(), s.user, s.peerId, &error);
            QVERIFY2(error.isEmpty(), qPrintable(error));
            QHash<QString, QList<qint64>> idsByClientId;
            for (const QJsonValue &v : stored) {
                const QJsonObject m = v.toObject();
                const QString clientId = m.value(u"client_id").toString();
                QVERIFY2(s.sent.contains(clientId), qPrintable(u"a stored message nobody sent: "_s + clientId));
                QCOMPARE(m.value(u"sender_id").toInteger(), s.user.id);
                QCOMPARE(m.value(u"content").toString(), s.contentOf(clientId));
                idsByClientId[clientId].append(m.value(u"id").toInteger());
            }
            for (auto it = idsByClientId.cbegin(); it != idsByClientId.cend(); ++it)
                QVERIFY2(it.value().size() == 1, qPrintable(u"%1 stored %2 times"_s.arg(it.key()).arg(it.value().size())));
            for (auto it = s.acked.cbegin(); it != s.acked.cend(); ++it) {
                QVERIFY2(idsByClientId.contains(it.key()),
                         qPrintable(u"%1 was acknowledged (id %2) but is not in the database after the stop. "
                                    "%3 sent, %4 acknowledged, %5 stored.\nstderr of the stopped server:\n%6"_s
                                            .arg(it.key())
                                            .arg(it.value())
                                            .arg(s.sent.size())
                                            .arg(s.acked.size())
                                            .arg(stored.size())
                                            .arg(QString::fromUtf8(stoppedErr.right(3000)))));
                QCOMPARE(idsByClientId.value(it.key()).first(), it.value());
            }
            totalAcked += int(s.acked.size());
            totalSent += int(s.sent.size());
        }
        qInfo("%d messages sent, %d acknowledged before the stop", totalSent, totalAcked);

        // The clients re-send what was not acknowledged, with the same client ids: afterwards
        // every message is stored exactly once.
        for (Sender &s : senders) {
            auto ws = std::make_unique<WsClient>();
            QVERIFY2(ws->open(server->wsUrl(), s.user.token), qPrintable(ws->errorString()));
            QStringList pending;
            for (const QString &id : std::as_const(s.sent))
                if (!s.acked.contains(id))
                    pending << id;
            for (const QString &id : std::as_const(pending))
                ws->sendFrame(u"chat_message"_s, {{u"receiver_id"_s, s.peerId},
                                                  {u"content"_s, s.contentOf(id)},
                                                  {u"type"_s, u"text"_s},
                                                  {u"client_id"_s, id}});
            s.ws = std::move(ws);
            const bool allAcked = QTest::qWaitFor([&] {
                s.collect();
                return std::all_of(pending.cbegin(), pending.cend(), [&s](const QString &id) { return s.acked.contains(id); });
            }, 60000);
            QVERIFY2(allAcked, qPrintable(u"re-sent messages of %1 were not all acknowledged"_s.arg(s.user.username)));
            QVERIFY2(s.problems.isEmpty(), qPrintable(s.problems.join(u'\n')));

            QString error;
            const QJsonArray stored = wholeConversation(env.http(), s.user, s.peerId, &error);
            QVERIFY2(error.isEmpty(), qPrintable(error));
            QHash<QString, int> count;
            for (const QJsonValue &v : stored)
                ++count[v.toObject().value(u"client_id").toString()];
            QCOMPARE(count.size(), s.sent.size());
            for (const QString &id : std::as_const(s.sent))
                QVERIFY2(count.value(id) == 1, qPrintable(u"%1 stored %2 times after the re-send"_s.arg(id).arg(count.value(id))));
            QCOMPARE(stored.size(), s.sent.size());
        }
        // And the quiet server (one idle socket per client) stops cleanly too.
        server->sendSignal(SIGTERM);
        QVERIFY(server->waitForExit(exitBoundMs + 10000));
        QVERIFY2(server->exitStatus() == QProcess::NormalExit, "the second server crashed on SIGTERM");
        QCOMPARE(server->exitCode(), 0);
        for (Sender &s : senders) {
            QVERIFY(s.ws->waitForClosed(10000));
            QCOMPARE(s.ws->closeCode(), 1001);
        }
    }
};

QTEST_GUILESS_MAIN(TestAdminShutdown)
#include "tst_admin_shutdown.moc"
