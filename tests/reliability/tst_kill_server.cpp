// SPDX-License-Identifier: MIT
// kill -9 of fastchat-server under load (issue 8). Pairs of users chat over WebSocket through
// one server on PostgreSQL, each keeping several messages in flight and counting every ack.
// The server is killed with SIGKILL in the middle of that, and started again on the same
// database and data folder. Every user reconnects with `last_message_id` = the highest id it
// had seen (the server resumes), then sends again what had no ack, with the same client ids;
// one user of each pair comes back first and sends for a while before its partner returns,
// so the partner's resume has messages to deliver while new ones arrive live.
// Then: every acknowledged message is stored once, with the id its ack gave, and in the order
// it was sent; every user received every message of its conversation exactly once (live
// before the kill, by resume, or live after), in id order on each socket. Five rounds of
// kill and restart. PostgreSQL: FASTCHAT_TEST_PG_ADMIN_URL (the test fails without it).
#include "ChatLoad.h"
#include "ServerRun.h"
#include "TestDatabase.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace Qt::StringLiterals;

class TestKillServer : public QObject
{
    Q_OBJECT

private slots:
    void killUnderLoadAndRestart()
    {
        fctest::TestDatabase database;
        QVERIFY2(database.create(u"postgres"_s), qPrintable(database.errorString()));
        QTemporaryDir dataDir;
        QVERIFY(dataDir.isValid());
        const QStringList args{u"serve"_s,       u"--listen"_s,
                               u"127.0.0.1:0"_s, u"--data-dir"_s,
                               dataDir.path(),   u"--database"_s,
                               database.url(),   u"--password-cost"_s,
                               u"min"_s,         u"--messages-per-second"_s,
                               u"1000000"_s};
        auto server = std::make_unique<fcadmin::ServerRun>();
        QVERIFY2(server->start(args), qPrintable(server->errorString()));

        fcrel::ChatLoad load;
        constexpr int pairs = 6;
        QVERIFY2(load.createUsers(server->baseUrl(), pairs, u"k"_s), qPrintable(load.error()));
        load.setServer(server->wsUrl());
        QVERIFY2(load.connectAll(30000), "not every user's socket opened");
        load.setWindow(8);
        load.setSending(true);
        load.start();

        constexpr int rounds = 5;
        int ackedBefore = 0;
        for (int round = 1; round <= rounds; ++round) {
            // Traffic flows: a good number of new acks since the last restart.
            const int target = load.totalAcks() + 2500;
            QTRY_VERIFY2_WITH_TIMEOUT(
                    load.totalAcks() >= target,
                    qPrintable(u"round %1: %2 acks of %3 wanted; errors: %4"_s.arg(round)
                                       .arg(load.totalAcks())
                                       .arg(target)
                                       .arg(load.unexpectedErrors({}).mid(0, 5).join(u"; "_s))),
                    120000);
            // No error at all so far: the load is within every limit.
            QVERIFY2(load.totalErrors() == 0,
                     qPrintable(load.unexpectedErrors({}).mid(0, 10).join(u"\n"_s)));

            // kill -9 while every user has messages in flight.
            int inFlight = 0;
            for (auto &u : load.users())
                inFlight += int(u->pending().size());
            const int sentAtKill = load.totalSent();
            const int ackedAtKill = load.totalAcks();
            server->kill();
            QVERIFY(!server->isRunning());
            QTRY_VERIFY2_WITH_TIMEOUT(load.allClosed(), "a socket stayed open after kill -9",
                                      20000);
            qInfo().noquote() << u"round %1: killed the server with %2 messages sent, %3 "
                                 "acknowledged, %4 in flight"_s.arg(round)
                                         .arg(sentAtKill)
                                         .arg(ackedAtKill)
                                         .arg(inFlight);
            ackedBefore = ackedAtKill;

            // Start it again on the same database and folder; everyone reconnects and resumes.
            server = std::make_unique<fcadmin::ServerRun>();
            QVERIFY2(server->start(args), qPrintable(server->errorString()));
            // First one user of each pair: they send while their partners are still away...
            load.setServer(server->wsUrl());
            for (int i = 0; i < load.size(); i += 2)
                load.user(i).open(server->wsUrl(), load.user(i).highestSeen());
            QTRY_VERIFY2_WITH_TIMEOUT(
                    [&] {
                        for (int i = 0; i < load.size(); i += 2)
                            if (!load.user(i).isOpen() || !load.user(i).resumedOnCurrentSocket())
                                return false;
                        return true;
                    }(),
                    "not every first user reconnected and resumed", 60000);
            const int whileAway = load.totalAcks() + 300;
            QTRY_VERIFY_WITH_TIMEOUT(load.totalAcks() >= whileAway, 60000);
            // ... then the partners come back, resume what they missed, and traffic goes on
            // (live messages arrive while their resume runs).
            load.reconnectAll();
            QTRY_VERIFY2_WITH_TIMEOUT(load.allOpenAndResumed(),
                                      "not every user reconnected and resumed", 60000);
        }

        // The end: nothing new, everything sent so far acknowledged and delivered.
        load.setSending(false);
        QTRY_VERIFY2_WITH_TIMEOUT(load.allAcked(), "not every message was acknowledged in the end",
                                  60000);
        QTRY_VERIFY2_WITH_TIMEOUT(load.allDelivered(),
                                  "not every acknowledged message reached both users", 30000);
        QTest::qWait(500); // anything doubled would arrive now
        load.stop();
        QVERIFY2(load.totalErrors() == 0,
                 qPrintable(load.unexpectedErrors({}).mid(0, 10).join(u"\n"_s)));

        QString summary;
        const QStringList problems = load.verify(server->baseUrl(), true, &summary);
        qInfo().noquote() << summary
                          << u"(%1 acknowledged before the last kill)"_s.arg(ackedBefore);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u"\n"_s)));
        QVERIFY(server->isRunning());
    }
};

QTEST_GUILESS_MAIN(TestKillServer)
#include "tst_kill_server.moc"
