// SPDX-License-Identifier: MIT
// PostgreSQL restarts under load (issue 8). The test runs a PostgreSQL cluster of its own
// (support/OwnPostgres.h: stopping the shared throwaway cluster would break the tests running
// next to this one) and one fastchat-server on it. Pairs of users chat over WebSocket as real
// clients do (a message refused as `unavailable` is sent again later with its client id; a
// closed socket is opened again with resume). PostgreSQL is stopped, once as a crash
// (`pg_ctl stop -m immediate`) and once as an administrator's restart (`-m fast`), and
// started again a few seconds later. Meanwhile the server must stay up and answer with
// retryable errors only: `unavailable` error frames with the client id, HTTP 503 with a JSON
// error and Retry-After. Afterwards it must reconnect by itself, work normally again (a long
// stretch of traffic without any error), and in the end every acknowledged message is stored
// once and reached both users exactly once, in id order on every socket.
#include "ChatLoad.h"
#include "OwnPostgres.h"
#include "ServerRun.h"
#include "WsClient.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace Qt::StringLiterals;
using fctest::HttpResponse;

namespace {

// A retryable answer: 503 with Retry-After (unless `probe`: /healthz is for monitors, not
// clients, and sends none) and a JSON body that says what happened.
QString checkRetryable(const QString &what, const HttpResponse &r, bool mayAlsoSucceed,
                       bool probe = false)
{
    if (mayAlsoSucceed && r.status >= 200 && r.status < 300)
        return {};
    if (r.status != 503)
        return u"%1 while PostgreSQL was down: expected 503, got %2"_s.arg(what, r.describe());
    if (!probe && r.header("Retry-After").isEmpty())
        return u"%1: 503 without Retry-After"_s.arg(what);
    if (!r.isJsonContentType() || !r.isObject()
        || (!r.isErrorBody() && !r.object().value(u"status").isString()))
        return u"%1: 503 without a JSON error body: %2"_s.arg(what, r.describe());
    return {};
}

} // namespace

class TestPgRestart : public QObject
{
    Q_OBJECT

private slots:
    void restartUnderLoad()
    {
        fcrel::OwnPostgres postgres;
        QVERIFY2(postgres.start(u"fastchat_rel"_s), qPrintable(postgres.errorString()));
        QTemporaryDir dataDir;
        QVERIFY(dataDir.isValid());
        fcadmin::ServerRun server;
        QVERIFY2(
                server.start({u"serve"_s, u"--listen"_s, u"127.0.0.1:0"_s, u"--data-dir"_s,
                              dataDir.path(), u"--database"_s, postgres.url(), u"--password-cost"_s,
                              u"min"_s, u"--messages-per-second"_s, u"1000000"_s}),
                qPrintable(server.errorString()));
        fctest::HttpClient http(server.baseUrl());

        fcrel::ChatLoad load;
        QVERIFY2(load.createUsers(server.baseUrl(), 5, u"p"_s), qPrintable(load.error()));
        const fctest::TestUser probe = load.user(0).account;
        const qint64 probePeer = load.user(1).account.id;
        load.setServer(server.wsUrl());
        QVERIFY2(load.connectAll(30000), "not every user's socket opened");
        load.setAutoReconnect(true);
        load.setWindow(8);
        load.setRetryDelayMs(250);
        load.setSending(true);
        load.start();

        for (const QString &mode : {u"immediate"_s, u"fast"_s}) {
            const int target = load.totalAcks() + 1000;
            QTRY_VERIFY2_WITH_TIMEOUT(
                    load.totalAcks() >= target,
                    qPrintable(
                            u"before stopping PostgreSQL (%1): %2 acks of %3 wanted; errors: %4"_s
                                    .arg(mode)
                                    .arg(load.totalAcks())
                                    .arg(target)
                                    .arg(load.unexpectedErrors({}).mid(0, 5).join(u"; "_s))),
                    120000);

            const int unavailableBefore = load.totalErrors(u"unavailable"_s);
            const int ackedAtStop = load.totalAcks();
            QVERIFY2(postgres.stop(mode), qPrintable(postgres.errorString()));
            qInfo().noquote()
                    << u"PostgreSQL stopped (-m %1) with %2 messages acknowledged"_s.arg(mode).arg(
                               ackedAtStop);

            // The clients are told to retry; the server stays up.
            QTRY_VERIFY2_WITH_TIMEOUT(
                    load.totalErrors(u"unavailable"_s) > unavailableBefore,
                    qPrintable(u"no `unavailable` error frame within 30 s of stopping PostgreSQL; "
                               "other errors: "_s
                               + load.unexpectedErrors({u"unavailable"_s}).mid(0, 5).join(u"; "_s)),
                    30000);
            QStringList problems;
            problems << checkRetryable(u"GET /healthz"_s, http.get(u"/healthz"_s), false, true);
            problems << checkRetryable(
                    u"POST /chat/message"_s,
                    http.post(u"/chat/message"_s,
                              {{u"receiver_id"_s, probePeer},
                               {u"content"_s, u"REST while the database is down"_s},
                               {u"client_id"_s, u"rest-%1"_s.arg(mode)}},
                              probe.token),
                    false);
            problems << checkRetryable(
                    u"GET /chat/history"_s,
                    http.get(u"/chat/history/%1?limit=5"_s.arg(probePeer), probe.token), false);
            problems << checkRetryable(u"GET /chat/conversations"_s,
                                       http.get(u"/chat/conversations"_s, probe.token), false);
            problems << checkRetryable(u"GET /users/me"_s, http.get(u"/users/me"_s, probe.token),
                                       true);
            problems << checkRetryable(
                    u"POST /auth/login"_s,
                    http.post(u"/auth/login"_s,
                              {{u"email"_s, probe.email}, {u"password"_s, probe.password}}),
                    false);
            // A new WebSocket is either let in (the token is checked without the database) or
            // refused with 503; nothing else.
            const int upgrade = fctest::WsClient::upgradeStatus(server.baseUrl(),
                                                                u"/ws?token="_s + probe.token, {});
            if (upgrade != 101 && upgrade != 503)
                problems << u"a WebSocket upgrade while PostgreSQL was down answered %1"_s.arg(
                        upgrade);
            problems.removeAll(QString());
            QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u"\n"_s)));
            QTest::qWait(3000); // a few more seconds of clients retrying
            QVERIFY2(server.isRunning(), "fastchat-server exited while PostgreSQL was down");
            const QStringList wrong = load.unexpectedErrors({u"unavailable"_s});
            QVERIFY2(wrong.isEmpty(),
                     qPrintable(u"errors that are not retryable while PostgreSQL was down:\n"_s
                                + wrong.mid(0, 10).join(u"\n"_s)));

            // PostgreSQL comes back: the server reconnects by itself.
            QVERIFY2(postgres.startAgain(), qPrintable(postgres.errorString()));
            QTRY_VERIFY2_WITH_TIMEOUT(http.get(u"/healthz"_s).status == 200,
                                      "/healthz did not answer 200 within 60 s of PostgreSQL's "
                                      "return",
                                      60000);
            const int ackedAtReturn = load.totalAcks();
            QTRY_VERIFY2_WITH_TIMEOUT(
                    load.totalAcks() >= ackedAtReturn + 500,
                    qPrintable(u"traffic did not resume after PostgreSQL came back: %1 acks; "
                               "errors: %2"_s.arg(load.totalAcks())
                                       .arg(load.unexpectedErrors({}).mid(0, 5).join(u"; "_s))),
                    60000);
            // ... and works normally: a long stretch of traffic without a single error.
            const int errorsSettled = load.totalErrors();
            const int ackedSettled = load.totalAcks();
            QTRY_VERIFY_WITH_TIMEOUT(load.totalAcks() >= ackedSettled + 1500, 120000);
            QVERIFY2(load.totalErrors() == errorsSettled,
                     qPrintable(u"%1 errors after the server was back to normal: %2"_s
                                        .arg(load.totalErrors() - errorsSettled)
                                        .arg(load.unexpectedErrors({}).mid(0, 5).join(u"; "_s))));
            QVERIFY2(load.unexpectedErrors({u"unavailable"_s}).isEmpty(),
                     qPrintable(load.unexpectedErrors({u"unavailable"_s}).join(u"\n"_s)));
            qInfo().noquote()
                    << u"-m %1: %2 `unavailable` frames while PostgreSQL was away"_s.arg(mode).arg(
                               load.totalErrors(u"unavailable"_s) - unavailableBefore);
        }

        load.setSending(false);
        QTRY_VERIFY2_WITH_TIMEOUT(load.allAcked(), "not every message was acknowledged in the end",
                                  60000);
        QTRY_VERIFY2_WITH_TIMEOUT(load.allDelivered(),
                                  "not every acknowledged message reached both users", 30000);
        QTest::qWait(500);
        load.stop();

        int reconnects = 0;
        for (auto &u : load.users())
            reconnects += u->sockets() - 1;
        QString summary;
        const QStringList problems = load.verify(server.baseUrl(), false, &summary);
        qInfo().noquote() << summary << u"; %1 reconnects"_s.arg(reconnects);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u"\n"_s)));
        // The REST messages tried while the database was down were not stored.
        QJsonArray history;
        QString error;
        QVERIFY2(fcrel::wholeHistory(http, probe.token, probePeer, &history, &error),
                 qPrintable(error));
        for (const QJsonValue &m : std::as_const(history))
            QVERIFY2(!m.toObject().value(u"client_id").toString().startsWith(u"rest-"),
                     "a message refused with 503 was stored");
        QVERIFY(server.isRunning());
    }
};

QTEST_GUILESS_MAIN(TestPgRestart)
#include "tst_pg_restart.moc"
