// SPDX-License-Identifier: MIT
// 2,000 clients reconnect at once and all resume (issue 8). 1,000 pairs of users, each with a
// WebSocket to fastchat-server on PostgreSQL, exchange a message. The server is killed
// (kill -9: every socket drops at the same moment) and started again on the same database;
// while everyone is away, the first user of each pair posts one more message over REST.
// Then all 2,000 clients open their sockets at the same time with `last_message_id` = the
// highest id each had seen. Every one of them must get in, resume with exactly the message it
// missed (the REST one) and `resume_done`, and then chat live again: one more message each
// way, every one acknowledged and delivered once. A client whose connection attempt fails
// tries again as a real client would; how many did is printed.
// The test raises its soft limit on open files (the server inherits it) to 20,000.
#include "ChatLoad.h"
#include "ServerRun.h"
#include "TestDatabase.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QtTest>

using namespace Qt::StringLiterals;

class TestMassReconnect : public QObject
{
    Q_OBJECT

private slots:
    void twoThousandReconnectAtOnce()
    {
        constexpr int pairs = 1000;
        const qint64 files = fcrel::raiseOpenFileLimit(20000);
        QVERIFY2(files >= 3 * 2 * pairs,
                 qPrintable(u"the open-file limit is %1 (hard limit too low for %2 sockets)"_s
                                    .arg(files)
                                    .arg(2 * pairs)));

        fctest::TestDatabase database;
        QVERIFY2(database.create(u"postgres"_s), qPrintable(database.errorString()));
        QTemporaryDir dataDir;
        QVERIFY(dataDir.isValid());
        const QStringList args{u"serve"_s,       u"--listen"_s,
                               u"127.0.0.1:0"_s, u"--data-dir"_s,
                               dataDir.path(),   u"--database"_s,
                               database.url(),   u"--password-cost"_s,
                               u"min"_s,         u"--login-attempts-per-minute"_s,
                               u"100000"_s};
        auto server = std::make_unique<fcadmin::ServerRun>();
        QVERIFY2(server->start(args), qPrintable(server->errorString()));

        QElapsedTimer clock;
        clock.start();
        fcrel::ChatLoad load;
        QVERIFY2(load.createUsers(server->baseUrl(), pairs, u"m"_s), qPrintable(load.error()));
        qInfo().noquote() << u"%1 users registered and logged in in %2 ms"_s.arg(load.size())
                                     .arg(clock.restart());
        load.setServer(server->wsUrl());
        QVERIFY2(load.connectAll(300000), "not every one of the 2,000 sockets opened");
        qInfo().noquote() << u"2,000 sockets opened in %1 ms"_s.arg(clock.restart());

        // One message each way per pair, over WebSocket.
        load.setSending(false);
        load.start(); // sends again what is refused
        for (auto &u : load.users())
            u->sendNext();
        QTRY_VERIFY2_WITH_TIMEOUT(load.allAcked(), "not every first message was acknowledged",
                                  120000);
        QTRY_VERIFY2_WITH_TIMEOUT(load.allDelivered(), "not every first message was delivered",
                                  120000);

        // Everyone drops at once.
        server->kill();
        QTRY_VERIFY2_WITH_TIMEOUT(load.allClosed(), "a socket stayed open after kill -9", 60000);
        server = std::make_unique<fcadmin::ServerRun>();
        QVERIFY2(server->start(args), qPrintable(server->errorString()));
        load.setServer(server->wsUrl());

        // While they are away: one message per pair over REST.
        fctest::HttpClient http(server->baseUrl());
        for (int i = 0; i < load.size(); i += 2) {
            fcrel::ChatUser &from = load.user(i);
            const QString clientId = u"%1-rest"_s.arg(from.tag);
            const QString content = u"sent over REST while %1 was away"_s.arg(from.partnerId);
            const fctest::HttpResponse r = http.post(u"/chat/message"_s,
                                                     {{u"receiver_id"_s, from.partnerId},
                                                      {u"content"_s, content},
                                                      {u"client_id"_s, clientId}},
                                                     from.account.token);
            QVERIFY2(r.status == 201, qPrintable(r.describe()));
            from.recordSentElsewhere(clientId, content, r.object().value(u"id").toInteger());
        }

        // All 2,000 at once, each with resume.
        clock.restart();
        load.setAutoReconnect(true);
        load.reconnectAll();
        QTRY_VERIFY2_WITH_TIMEOUT(
                load.allOpenAndResumed(),
                qPrintable(u"%1 of 2,000 clients not back and resumed within 5 minutes"_s.arg(
                        std::count_if(load.users().begin(), load.users().end(),
                                      [](const auto &u) {
                                          return !(u->isOpen() && u->resumedOnCurrentSocket());
                                      }))),
                300000);
        int retries = 0;
        for (auto &u : load.users())
            retries += u->sockets() - 2;
        qInfo().noquote() << u"2,000 clients reconnected and resumed in %1 ms (%2 connection "
                             "attempts had to be repeated)"_s.arg(clock.elapsed())
                                     .arg(retries);
        // Each resume brought exactly the message posted over REST.
        for (auto &u : load.users()) {
            const QJsonObject done = u->resumeDones().constLast();
            QVERIFY2(done.value(u"count").toInt() == 1,
                     qPrintable(u"user %1: resume_done %2"_s.arg(u->account.id)
                                        .arg(QString::fromUtf8(QJsonDocument(done).toJson(
                                                QJsonDocument::Compact)))));
        }

        // Live again: one more message each way.
        for (auto &u : load.users())
            u->sendNext();
        QTRY_VERIFY2_WITH_TIMEOUT(load.allAcked(),
                                  "not every message after the reconnect was "
                                  "acknowledged",
                                  120000);
        QTRY_VERIFY2_WITH_TIMEOUT(load.allDelivered(),
                                  "not every message after the reconnect was delivered", 120000);
        QTest::qWait(1000);
        load.stop();
        QVERIFY2(load.totalErrors() == 0,
                 qPrintable(load.unexpectedErrors({}).mid(0, 10).join(u"\n"_s)));

        QString summary;
        const QStringList problems = load.verify(server->baseUrl(), true, &summary);
        qInfo().noquote() << summary;
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u"\n"_s)));
        QVERIFY(server->isRunning());
    }
};

QTEST_GUILESS_MAIN(TestMassReconnect)
#include "tst_mass_reconnect.moc"
