// SPDX-License-Identifier: MIT
// Running fastchat-server in production (docs/admin.md, "Monitoring", "TLS", configuration
// of limits): /healthz; /metrics parsed as Prometheus text and its counters moving with real
// traffic; /metrics for loopback and, with metrics_token, for a remote scraper; login
// throttling per IP and per account (429, Retry-After); the per-connection message limit
// (rate_limited error frames, nothing stored); the WebSocket Origin allow-list; JSON logs
// that never contain a password or a token; HTTPS and WSS with --tls-cert/--tls-key.
// Every case that stores anything runs on sqlite and postgres. No assertion is about speed.
#include "AdminEnv.h"
#include "Prometheus.h"
#include "RawHttp.h"
#include "ServerRun.h"

#include <QFile>
#include <QJsonDocument>
#include <QNetworkInterface>
#include <QRandomGenerator>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QWebSocket>
#include <QtTest>
#include <csignal>

using namespace Qt::StringLiterals;
using fcadmin::AdminEnv;
using fcadmin::Labels;
using fcadmin::PrometheusText;
using fctest::HttpResponse;
using fctest::TestUser;
using fctest::WsClient;

namespace {

QJsonObject chat(qint64 receiverId, const QString &content, const QString &clientId)
{
    return {{u"receiver_id"_s, receiverId}, {u"content"_s, content}, {u"type"_s, u"text"_s}, {u"client_id"_s, clientId}};
}

// GET /metrics, parsed; false with `why` when the answer or the text is not right.
bool scrape(fctest::HttpClient &http, PrometheusText *metrics, QString *why)
{
    const HttpResponse r = http.get(u"/metrics"_s);
    if (r.status != 200) {
        *why = u"GET /metrics: "_s + r.describe();
        return false;
    }
    if (!r.contentType().startsWith("text/plain")) {
        *why = u"GET /metrics has Content-Type '%1', not text/plain"_s.arg(QString::fromUtf8(r.contentType()));
        return false;
    }
    if (!metrics->parse(r.body)) {
        *why = u"GET /metrics is not Prometheus text: "_s + metrics->error();
        return false;
    }
    if (!metrics->problems().isEmpty()) {
        *why = u"GET /metrics breaks the format: "_s + metrics->problems().join(u"; "_s);
        return false;
    }
    return true;
}

#define FC_SCRAPE(var, http)                                                                   \
    PrometheusText var;                                                                        \
    do {                                                                                       \
        QString why_;                                                                          \
        QVERIFY2(scrape((http), &var, &why_), qPrintable(why_));                               \
    } while (false)

double scrapeValue(fctest::HttpClient &http, const QString &name, const Labels &labels = {})
{
    PrometheusText metrics;
    QString why;
    if (!scrape(http, &metrics, &why))
        return -1;
    return metrics.valueOr0(name, labels);
}

// The client ids of the messages in the whole conversation of `me` with `peerId` (keyset
// pages, no read side effect).
QStringList storedClientIds(fctest::HttpClient &http, const TestUser &me, qint64 peerId, bool *ok)
{
    QStringList ids;
    qint64 after = 0;
    *ok = true;
    while (true) {
        const HttpResponse r = http.get(u"/chat/history/%1?after=%2&limit=200"_s.arg(peerId).arg(after), me.token);
        if (r.status != 200 || !r.isArray()) {
            *ok = false;
            return ids;
        }
        const QJsonArray page = r.array();
        for (const QJsonValue &m : page) {
            ids << m.toObject().value(u"client_id").toString();
            after = std::max(after, m.toObject().value(u"id").toInteger());
        }
        if (page.size() < 200)
            return ids;
    }
}

// A non-loopback IPv4 address of this machine, or a null address.
QHostAddress nonLoopbackAddress()
{
    for (const QHostAddress &a : QNetworkInterface::allAddresses())
        if (a.protocol() == QAbstractSocket::IPv4Protocol && !a.isLoopback() && !a.isLinkLocal())
            return a;
    return {};
}

// Runs one statement on $FASTCHAT_TEST_PG_ADMIN_URL's database: empty, or the error.
QString execOnAdminDatabase(const QString &statement)
{
    const QUrl url(qEnvironmentVariable("FASTCHAT_TEST_PG_ADMIN_URL"));
    const QString connection = u"fcadmin-ops-%1"_s.arg(QRandomGenerator::global()->generate64());
    QString error;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QPSQL"_s, connection);
        db.setHostName(url.host());
        db.setPort(url.port(5432));
        db.setUserName(url.userName().isEmpty() ? u"postgres"_s : url.userName());
        if (!url.password().isEmpty())
            db.setPassword(url.password());
        db.setDatabaseName(url.path().mid(1).isEmpty() ? u"postgres"_s : url.path().mid(1));
        if (!db.open()) {
            error = u"cannot connect to the admin database: "_s + db.lastError().text();
        } else {
            QSqlQuery query(db);
            if (!query.exec(statement))
                error = statement + u": "_s + query.lastError().text();
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(connection);
    return error;
}

// Restores the default TLS configuration at the end of a test.
struct DefaultSslConfigGuard
{
    QSslConfiguration saved = QSslConfiguration::defaultConfiguration();
    ~DefaultSslConfigGuard() { QSslConfiguration::setDefaultConfiguration(saved); }
};

} // namespace

#define FC_NO_VIOLATIONS(ws) QVERIFY2((ws)->violations().isEmpty(), qPrintable((ws)->violations().join(u'\n')))

class TestAdminOps : public QObject
{
    Q_OBJECT

private slots:
    // GET /healthz: 200 {"status": "ok"} as JSON.
    void healthz_data() { fctest::addDriverRows(); }
    void healthz()
    {
        QFETCH(QString, driver);
        AdminEnv env;
        FC_PREPARE(env, driver);
        FC_SERVER(env);
        const HttpResponse r = env.http().get(u"/healthz"_s);
        FC_HTTP_STATUS(r, 200);
        QVERIFY(r.isJsonContentType());
        QCOMPARE(r.object().value(u"status").toString(), u"ok"_s);
    }

    // /healthz checks the database: 503 with a JSON body while PostgreSQL refuses the
    // server's connections, 200 again once it accepts them. (PostgreSQL only: an SQLite file
    // the server holds open cannot be taken away from outside the process.)
    void healthzFollowsThePostgresDatabase()
    {
        AdminEnv env;
        FC_PREPARE(env, u"postgres"_s);
        FC_SERVER(env);
        FC_HTTP_STATUS(env.http().get(u"/healthz"_s), 200);
        const QString name = QUrl(env.databaseUrl()).path().mid(1);
        const auto admin = [](const QString &statement) { return execOnAdminDatabase(statement); };
        QString error = admin(u"ALTER DATABASE %1 ALLOW_CONNECTIONS false"_s.arg(name));
        QVERIFY2(error.isEmpty(), qPrintable(error));
        error = admin(u"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '%1'"_s.arg(name));
        QVERIFY2(error.isEmpty(), qPrintable(error));
        HttpResponse down;
        const bool unavailable = QTest::qWaitFor([&] {
            down = env.http().get(u"/healthz"_s);
            return down.status == 503;
        }, 30000);
        const QString allowError = admin(u"ALTER DATABASE %1 ALLOW_CONNECTIONS true"_s.arg(name));
        QVERIFY2(unavailable, qPrintable(u"/healthz with the database gone: "_s + down.describe()));
        QVERIFY2(allowError.isEmpty(), qPrintable(allowError));
        QVERIFY(down.isJsonContentType());
        QVERIFY(down.isObject());
        QTRY_COMPARE_WITH_TIMEOUT(env.http().get(u"/healthz"_s).status, 200, 30000);
    }

    // /metrics is well-formed Prometheus text with every documented family, and its numbers
    // follow the traffic: connections, users online, messages stored / delivered, acks,
    // error frames by code, HTTP requests by method, route and status, histograms.
    void metricsFollowTheTraffic_data() { fctest::addDriverRows(); }
    void metricsFollowTheTraffic()
    {
        QFETCH(QString, driver);
        AdminEnv env;
        FC_PREPARE(env, driver);
        FC_SERVER(env);
        auto &http = env.http();
        {
            FC_SCRAPE(first, http);
            const QList<QPair<QString, QString>> families{
                    {u"fastchat_connections"_s, u"gauge"_s},
                    {u"fastchat_users_online"_s, u"gauge"_s},
                    {u"fastchat_messages_stored_total"_s, u"counter"_s},
                    {u"fastchat_messages_delivered_total"_s, u"counter"_s},
                    {u"fastchat_acks_total"_s, u"counter"_s},
                    {u"fastchat_group_commits_total"_s, u"counter"_s},
                    {u"fastchat_errors_total"_s, u"counter"_s},
                    {u"fastchat_http_requests_total"_s, u"counter"_s},
                    {u"fastchat_http_request_duration_seconds"_s, u"histogram"_s},
                    {u"fastchat_message_delivery_seconds"_s, u"histogram"_s},
                    {u"fastchat_db_transaction_seconds"_s, u"histogram"_s},
                    {u"fastchat_store_write_queue"_s, u"gauge"_s},
            };
            for (const auto &[name, type] : families) {
                QVERIFY2(first.type(name) == type,
                         qPrintable(u"%1: TYPE '%2', expected %3"_s.arg(name, first.type(name), type)));
                QVERIFY2(!first.help(name).isEmpty(), qPrintable(u"%1 has no HELP"_s.arg(name)));
            }
            QCOMPARE(first.valueOr0(u"fastchat_connections"_s), 0.0);
        }

        FC_REGISTER(alice, env, u"alice"_s);
        FC_REGISTER(bob, env, u"bob"_s);
        FC_OPEN_WS(aliceWs, env, alice.token);
        FC_OPEN_WS(bobWs, env, bob.token);
        QVERIFY(aliceWs->pingPong());
        QVERIFY(bobWs->pingPong());
        QTRY_COMPARE_WITH_TIMEOUT(scrapeValue(http, u"fastchat_connections"_s), 2.0, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(scrapeValue(http, u"fastchat_users_online"_s), 2.0, 15000);

        FC_SCRAPE(before, http);
        // Three messages over the WebSocket.
        for (int i = 0; i < 3; ++i)
            aliceWs->sendFrame(u"chat_message"_s, chat(bob.id, u"hello %1"_s.arg(i), u"m-%1"_s.arg(i)));
        for (int i = 0; i < 3; ++i) {
            QVERIFY2(!aliceWs->waitForPayload(u"ack"_s, 15000).isEmpty(), "an ack is missing");
            QVERIFY2(!bobWs->waitForPayload(u"chat_message"_s, 15000).isEmpty(), "a delivery to bob is missing");
        }
        // Error frames by code.
        aliceWs->sendText("this is not json");
        aliceWs->sendFrame(u"frobnicate"_s, {});
        aliceWs->sendFrame(u"chat_message"_s, {{u"content"_s, u"no receiver"_s}});
        QHash<QString, int> errorCodes;
        for (int i = 0; i < 3; ++i) {
            const QJsonObject error = aliceWs->waitForPayload(u"error"_s, 15000);
            QVERIFY2(!error.isEmpty(), "an error frame is missing");
            ++errorCodes[error.value(u"code").toString()];
        }
        QCOMPARE(errorCodes.value(u"bad_json"_s), 1);
        QCOMPARE(errorCodes.value(u"unknown_type"_s), 1);
        QCOMPARE(errorCodes.value(u"invalid_payload"_s), 1);
        // HTTP: two 200s and one 401 on /users/me, a 404 and a 200 on /users/{id}.
        FC_HTTP_STATUS(http.get(u"/users/me"_s, alice.token), 200);
        FC_HTTP_STATUS(http.get(u"/users/me"_s, bob.token), 200);
        FC_HTTP_STATUS(http.get(u"/users/me"_s), 401);
        FC_HTTP_STATUS(http.get(u"/users/999999"_s, alice.token), 404);
        FC_HTTP_STATUS(http.get(bob.path(), alice.token), 200);

        FC_SCRAPE(after, http);
        const auto delta = [&](const QString &name, const Labels &labels = {}) {
            return after.valueOr0(name, labels) - before.valueOr0(name, labels);
        };
        QCOMPARE(delta(u"fastchat_messages_stored_total"_s), 3.0);
        QCOMPARE(delta(u"fastchat_acks_total"_s), 3.0);
        const double delivered = delta(u"fastchat_messages_delivered_total"_s);
        QVERIFY2(delivered >= 3 && delivered <= 6,
                 qPrintable(u"messages_delivered moved by %1 for 3 messages to one socket (and one echo socket)"_s.arg(delivered)));
        QVERIFY(delta(u"fastchat_group_commits_total"_s) >= 1);
        QCOMPARE(delta(u"fastchat_errors_total"_s, {{u"code"_s, u"bad_json"_s}}), 1.0);
        QCOMPARE(delta(u"fastchat_errors_total"_s, {{u"code"_s, u"unknown_type"_s}}), 1.0);
        QCOMPARE(delta(u"fastchat_errors_total"_s, {{u"code"_s, u"invalid_payload"_s}}), 1.0);
        QCOMPARE(delta(u"fastchat_http_requests_total"_s, {{u"method"_s, u"GET"_s}, {u"route"_s, u"/users/me"_s}, {u"status"_s, u"200"_s}}),
                 2.0);
        QCOMPARE(delta(u"fastchat_http_requests_total"_s, {{u"method"_s, u"GET"_s}, {u"route"_s, u"/users/me"_s}, {u"status"_s, u"401"_s}}),
                 1.0);
        const double user404 = after.sum(u"fastchat_http_requests_total"_s, {{u"method"_s, u"GET"_s}, {u"status"_s, u"404"_s}})
                               - before.sum(u"fastchat_http_requests_total"_s, {{u"method"_s, u"GET"_s}, {u"status"_s, u"404"_s}});
        QCOMPARE(user404, 1.0);
        // Routes are labelled by their pattern, not the raw path (ids would make the number of
        // series grow without bound).
        for (const fcadmin::Sample &s : after.matching(u"fastchat_http_requests_total"_s))
            QVERIFY2(!s.labels.value(u"route"_s).contains(u"999999"_s)
                             && s.labels.value(u"route"_s) != bob.path(),
                     qPrintable(u"a raw path as route label: "_s + s.describe()));
        QVERIFY(delta(u"fastchat_message_delivery_seconds_count"_s) >= 3);
        QVERIFY(delta(u"fastchat_db_transaction_seconds_count"_s) >= 1);
        QVERIFY(delta(u"fastchat_http_request_duration_seconds_count"_s, {{u"route"_s, u"/users/me"_s}}) >= 3);
        QVERIFY(delta(u"fastchat_http_request_duration_seconds_sum"_s, {{u"route"_s, u"/users/me"_s}}) >= 0);

        // A repeated client_id is acknowledged again and not stored again.
        aliceWs->sendFrame(u"chat_message"_s, chat(bob.id, u"hello 0"_s, u"m-0"_s));
        QVERIFY(!aliceWs->waitForPayload(u"ack"_s, 15000).isEmpty());
        FC_SCRAPE(afterDuplicate, http);
        QCOMPARE(afterDuplicate.valueOr0(u"fastchat_messages_stored_total"_s),
                 after.valueOr0(u"fastchat_messages_stored_total"_s));

        // Gauges go down when a socket closes.
        bobWs->close();
        QTRY_COMPARE_WITH_TIMEOUT(scrapeValue(http, u"fastchat_connections"_s), 1.0, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(scrapeValue(http, u"fastchat_users_online"_s), 1.0, 15000);
        FC_NO_VIOLATIONS(aliceWs);
    }

    // /metrics answers loopback without a token (also when a metrics_token is configured);
    // a scraper on another address needs the token.
    void metricsAccess_data() { fctest::addDriverRows(); }
    void metricsAccess()
    {
        QFETCH(QString, driver);
        const QString token = u"metrics-token-0123456789abcdef"_s;
        {
            AdminEnv env;
            FC_PREPARE(env, driver);
            FC_SERVER(env);
            FC_SCRAPE(plain, env.http());
            QVERIFY(!plain.samples().isEmpty());
            FC_SERVER(env, {u"--metrics-token"_s, token});
            FC_SCRAPE(withToken, env.http());
            QVERIFY(!withToken.samples().isEmpty());
        }

        // A remote scraper: the server listens on this machine's non-loopback address and the
        // request comes from it. (The only server in these tests not on 127.0.0.1.)
        const QHostAddress address = nonLoopbackAddress();
        if (address.isNull())
            QSKIP("this machine has no non-loopback IPv4 address: the remote-scraper half cannot run");
        AdminEnv env;
        FC_PREPARE(env, driver);
        fcadmin::ServerRun server;
        QVERIFY2(server.start(QStringList{u"serve"_s} + env.storageArgs()
                              + QStringList{u"--listen"_s, address.toString() + u":0"_s, u"--metrics-token"_s, token}),
                 qPrintable(server.errorString()));
        const auto get = [&](const QByteArray &authorization) {
            fctest::RawHeaders headers;
            if (!authorization.isEmpty())
                headers.append({"Authorization", authorization});
            return fcadmin::rawHttp(address, address, server.port(), "GET", "/metrics", {}, headers);
        };
        const HttpResponse none = get({});
        QVERIFY2((none.status == 401 || none.status == 403) && !none.body.contains("fastchat_"),
                 qPrintable(u"a remote /metrics without the token: "_s + none.describe()));
        const HttpResponse wrong = get("Bearer not-the-metrics-token-at-all");
        QVERIFY2((wrong.status == 401 || wrong.status == 403) && !wrong.body.contains("fastchat_"),
                 qPrintable(u"a remote /metrics with a wrong token: "_s + wrong.describe()));
        const HttpResponse right = get("Bearer " + token.toUtf8());
        FC_HTTP_STATUS(right, 200);
        PrometheusText parsed;
        QVERIFY2(parsed.parse(right.body) && parsed.problems().isEmpty(), qPrintable(parsed.error()));
        QVERIFY(parsed.type(u"fastchat_connections"_s) == u"gauge");
        // /healthz stays public for remote health checks.
        FC_HTTP_STATUS(fcadmin::rawHttp(address, address, server.port(), "GET", "/healthz"), 200);
        server.sendSignal(SIGTERM);
        QVERIFY(server.waitForExit(30000));
    }

    // --login-attempts-per-minute 3: the 4th failed login of an account or from an address
    // answers 429 with Retry-After and a JSON error; other addresses and accounts are not
    // affected; successful logins do not count.
    void loginThrottling_data() { fctest::addDriverRows(); }
    void loginThrottling()
    {
        QFETCH(QString, driver);
        AdminEnv env;
        FC_PREPARE(env, driver);
        FC_SERVER(env, {u"--login-attempts-per-minute"_s, u"3"_s});
        FC_REGISTER(alice, env, u"alice"_s);
        FC_REGISTER(bob, env, u"bob"_s);
        FC_REGISTER(carol, env, u"carol"_s);
        const quint16 port = env.server().port();
        const QHostAddress server(QHostAddress::LocalHost);
        const auto login = [&](const char *from, const QString &email, const QString &password) {
            return fcadmin::rawHttp(QHostAddress(QString::fromLatin1(from)), server, port, "POST", "/auth/login",
                                    fctest::toJsonBytes({{u"email"_s, email}, {u"password"_s, password}}));
        };
        const auto check429 = [](const HttpResponse &r) -> QString {
            if (r.status != 429)
                return u"expected 429, got "_s + r.describe();
            bool ok = false;
            const int retryAfter = r.header("Retry-After").trimmed().toInt(&ok);
            if (!ok || retryAfter < 1)
                return u"429 without a Retry-After of whole seconds >= 1: '%1'"_s.arg(QString::fromUtf8(r.header("Retry-After")));
            if (!r.isJsonContentType() || !r.isErrorBody())
                return u"429 without a JSON error body: "_s + r.describe();
            return {};
        };

        // Successful logins do not count.
        for (int i = 0; i < 5; ++i)
            FC_HTTP_STATUS(login("127.0.0.5", carol.email, carol.password), 200);

        // Per account and address: three failures, then 429 (also through QNetworkAccessManager).
        for (int i = 0; i < 3; ++i)
            FC_HTTP_STATUS(env.loginResponse(alice.email, u"wrong password %1"_s.arg(i)), 401);
        const HttpResponse fourth = env.loginResponse(alice.email, u"wrong password 3"_s);
        QString problem = check429(fourth);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));

        // Per account: alice's account is throttled from another address too.
        problem = check429(login("127.0.0.2", alice.email, u"wrong password 4"_s));
        QVERIFY2(problem.isEmpty(), qPrintable(u"per account: "_s + problem));

        // Per address: three failures on three different accounts from 127.0.0.3, then 429 for
        // a fourth account from there.
        for (int i = 0; i < 3; ++i)
            FC_HTTP_STATUS(login("127.0.0.3", u"nobody%1@example.org"_s.arg(i), u"whatever password"_s), 401);
        problem = check429(login("127.0.0.3", u"nobody9@example.org"_s, u"whatever password"_s));
        QVERIFY2(problem.isEmpty(), qPrintable(u"per address: "_s + problem));

        // Another address and another account are not affected.
        FC_HTTP_STATUS(login("127.0.0.4", bob.email, bob.password), 200);
        // The limit answers before any password check: the 429 counts in /metrics by status.
        QVERIFY(scrapeValue(env.http(), u"fastchat_http_requests_total"_s,
                            {{u"method"_s, u"POST"_s}, {u"route"_s, u"/auth/login"_s}, {u"status"_s, u"429"_s}})
                >= 3);
    }

    // --messages-per-second 2: a burst gets rate_limited error frames carrying the client_id;
    // every message is either acknowledged or refused, the refused ones are not stored, the
    // connection stays open, and later messages go through again.
    void messageRateLimit_data() { fctest::addDriverRows(); }
    void messageRateLimit()
    {
        QFETCH(QString, driver);
        AdminEnv env;
        FC_PREPARE(env, driver);
        FC_SERVER(env, {u"--messages-per-second"_s, u"2"_s});
        FC_REGISTER(alice, env, u"alice"_s);
        FC_REGISTER(bob, env, u"bob"_s);
        FC_OPEN_WS(aliceWs, env, alice.token);
        QVERIFY(aliceWs->pingPong());

        constexpr int burst = 20;
        QStringList sent;
        for (int i = 0; i < burst; ++i) {
            sent << u"burst-%1"_s.arg(i);
            aliceWs->sendFrame(u"chat_message"_s, chat(bob.id, u"burst message %1"_s.arg(i), sent.last()));
        }
        QSet<QString> acked, limited;
        QStringList otherErrors;
        const auto collect = [&] {
            for (const QJsonObject &f : aliceWs->allQueued()) {
                const QJsonObject p = f.value(u"payload").toObject();
                const QString type = f.value(u"type").toString();
                if (type == u"ack")
                    acked.insert(p.value(u"client_id").toString());
                else if (type == u"error" && p.value(u"code").toString() == u"rate_limited")
                    limited.insert(p.value(u"client_id").toString());
                else if (type == u"error")
                    otherErrors << QString::fromUtf8(QJsonDocument(p).toJson(QJsonDocument::Compact));
            }
            aliceWs->clearQueue();
            return acked.size() + limited.size() >= burst;
        };
        QVERIFY2(QTest::qWaitFor(collect, 30000),
                 qPrintable(u"after 30 s: %1 acks and %2 rate_limited errors for %3 messages"_s.arg(acked.size())
                                    .arg(limited.size())
                                    .arg(burst)));
        QVERIFY2(otherErrors.isEmpty(), qPrintable(otherErrors.join(u'\n')));
        QVERIFY2(!limited.isEmpty(), "a burst of 20 messages at 2 per second got no rate_limited error");
        QVERIFY2(!acked.isEmpty(), "no message of the burst was accepted");
        QVERIFY2(!acked.intersects(limited), "a message was both acknowledged and refused");
        QCOMPARE(acked.size() + limited.size(), burst);
        for (const QString &id : limited)
            QVERIFY2(sent.contains(id), qPrintable(u"rate_limited error with client_id '%1'"_s.arg(id)));

        // Refused messages are not stored; accepted ones are.
        bool ok = false;
        const QStringList stored = storedClientIds(env.http(), bob, alice.id, &ok);
        QVERIFY(ok);
        QCOMPARE(QSet<QString>(stored.cbegin(), stored.cend()), acked);
        QCOMPARE(stored.size(), acked.size());
        QCOMPARE(scrapeValue(env.http(), u"fastchat_errors_total"_s, {{u"code"_s, u"rate_limited"_s}}),
                 double(limited.size()));

        // The connection stays open and the limit refills.
        QVERIFY(aliceWs->pingPong());
        QTest::qWait(3000);
        aliceWs->sendFrame(u"chat_message"_s, chat(bob.id, u"after the pause"_s, u"later-1"_s));
        const QJsonObject ack = aliceWs->waitForPayload(u"ack"_s, 15000);
        QCOMPARE(ack.value(u"client_id").toString(), u"later-1"_s);
        FC_NO_VIOLATIONS(aliceWs);
    }

    // --allowed-origins: a browser Origin outside the list gets 403, one in it upgrades, and
    // no Origin (the desktop client) upgrades. Without the setting no browser origin is
    // allowed.
    void websocketOriginAllowList_data() { fctest::addDriverRows(); }
    void websocketOriginAllowList()
    {
        QFETCH(QString, driver);
        AdminEnv env;
        FC_PREPARE(env, driver);
        FC_SERVER(env, {u"--allowed-origins"_s, u"https://chat.example.org,https://www.example.org"_s});
        FC_REGISTER(alice, env, u"alice"_s);
        const QByteArray auth = "Bearer " + alice.token.toUtf8();
        const auto upgrade = [&](const QByteArray &origin) {
            fctest::RawHeaders headers{{"Authorization", auth}};
            if (!origin.isNull())
                headers.append({"Origin", origin});
            return WsClient::upgradeStatus(env.server().baseUrl(), u"/ws"_s, headers);
        };
        QCOMPARE(upgrade({}), 101);
        QCOMPARE(upgrade("https://chat.example.org"), 101);
        QCOMPARE(upgrade("https://www.example.org"), 101);
        QCOMPARE(upgrade("https://evil.example.org"), 403);
        QCOMPARE(upgrade("http://chat.example.org"), 403); // another scheme is another origin
        QCOMPARE(upgrade("https://chat.example.org.evil.example"), 403);
        QCOMPARE(upgrade("https://chat.example.org:8443"), 403);
        QCOMPARE(upgrade("null"), 403);

        // A real client with an allowed origin talks; one with another origin cannot connect.
        {
            QWebSocket socket(u"https://chat.example.org"_s);
            QNetworkRequest request(env.server().wsUrl());
            request.setRawHeader("Authorization", auth);
            socket.open(request);
            QTRY_VERIFY_WITH_TIMEOUT(socket.state() == QAbstractSocket::ConnectedState
                                             || socket.state() == QAbstractSocket::UnconnectedState,
                                     15000);
            QCOMPARE(socket.state(), QAbstractSocket::ConnectedState);
            QString pong;
            connect(&socket, &QWebSocket::textMessageReceived, this, [&pong](const QString &t) { pong = t; });
            socket.sendTextMessage(u"{\"type\":\"ping\",\"payload\":{}}"_s);
            QTRY_VERIFY_WITH_TIMEOUT(pong.contains(u"pong"_s), 15000);
            socket.close();
        }
        {
            QWebSocket socket(u"https://evil.example.org"_s);
            QNetworkRequest request(env.server().wsUrl());
            request.setRawHeader("Authorization", auth);
            bool connected = false;
            connect(&socket, &QWebSocket::connected, this, [&connected] { connected = true; });
            socket.open(request);
            QTest::qWait(2000);
            QTRY_VERIFY_WITH_TIMEOUT(socket.state() == QAbstractSocket::UnconnectedState, 15000);
            QVERIFY2(!connected, "a WebSocket with a refused Origin connected");
        }
        // The desktop client (no Origin) works.
        FC_OPEN_WS(ws, env, alice.token);
        QVERIFY(ws->pingPong());

        // Without allowed_origins: no browser origin is allowed, no Origin still is.
        FC_SERVER(env);
        TestUser again = alice;
        QVERIFY2(env.login(again), qPrintable(env.error()));
        const QByteArray auth2 = "Bearer " + again.token.toUtf8();
        QCOMPARE(WsClient::upgradeStatus(env.server().baseUrl(), u"/ws"_s, {{"Authorization", auth2}}), 101);
        QCOMPARE(WsClient::upgradeStatus(env.server().baseUrl(), u"/ws"_s,
                                         {{"Authorization", auth2}, {"Origin", "https://chat.example.org"}}),
                 403);
    }

    // Logs: with --log-format json every stderr line is a JSON object with time, level,
    // category and message, also on a second start on the same database; in any format (also
    // with the server's debug categories on) no line holds a password, a token or the
    // database password.
    void logsAreJsonAndHoldNoSecrets_data()
    {
        QTest::addColumn<QString>("driver");
        QTest::addColumn<QString>("format");
        QTest::addColumn<bool>("debug");
        for (const QString &driver : fctest::drivers()) {
            QTest::addRow("%s: json", qPrintable(driver)) << driver << u"json"_s << false;
            QTest::addRow("%s: json with debug", qPrintable(driver)) << driver << u"json"_s << true;
            QTest::addRow("%s: text with debug", qPrintable(driver)) << driver << u"text"_s << true;
        }
    }
    void logsAreJsonAndHoldNoSecrets()
    {
        QFETCH(QString, driver);
        QFETCH(QString, format);
        QFETCH(bool, debug);
        AdminEnv env;
        FC_PREPARE(env, driver);
        const QString dbPassword = u"db-Password-7fe3a1"_s;
        QStringList args{u"serve"_s, u"--listen"_s, u"127.0.0.1:0"_s, u"--data-dir"_s, env.dataDir(),
                         u"--password-cost"_s, u"min"_s, u"--log-format"_s, format};
        if (!env.databaseUrl().isEmpty()) {
            QUrl url(env.databaseUrl());
            url.setPassword(dbPassword); // trust authentication ignores it
            args << u"--database"_s << url.toString();
        }
        QMap<QString, QString> environment;
        if (debug)
            environment.insert(u"QT_LOGGING_RULES"_s, u"fastchat.*.debug=true"_s); // docs/admin.md's knob
        fcadmin::ServerRun server;
        QVERIFY2(server.start(args, environment), qPrintable(server.errorString()));
        fctest::HttpClient http(server.baseUrl());

        QStringList secrets{dbPassword};
        const QString password = u"Alice-Secret-Pass-93ab"_s;
        const QString wrongPassword = u"Wrong-Secret-Pass-17cd"_s;
        const QString bobPassword = password + u"-bob"_s;
        secrets << password << wrongPassword << bobPassword;
        FC_HTTP_STATUS(http.post(u"/auth/register"_s, {{u"username"_s, u"alice"_s}, {u"email"_s, u"alice@example.org"_s},
                                                        {u"password"_s, password}}),
                       201);
        FC_HTTP_STATUS(http.post(u"/auth/register"_s, {{u"username"_s, u"bob"_s}, {u"email"_s, u"bob@example.org"_s},
                                                        {u"password"_s, bobPassword}}),
                       201);
        FC_HTTP_STATUS(http.post(u"/auth/login"_s, {{u"email"_s, u"alice@example.org"_s}, {u"password"_s, wrongPassword}}), 401);
        const HttpResponse login = http.post(u"/auth/login"_s, {{u"email"_s, u"alice@example.org"_s}, {u"password"_s, password}});
        FC_HTTP_STATUS(login, 200);
        const QString token = login.object().value(u"access_token").toString();
        const QString refreshToken = login.object().value(u"refresh_token").toString();
        secrets << token << refreshToken;
        const HttpResponse bobLogin = http.post(u"/auth/login"_s, {{u"username"_s, u"bob"_s}, {u"password"_s, bobPassword}});
        FC_HTTP_STATUS(bobLogin, 200);
        const qint64 bobId = bobLogin.object().value(u"user").toObject().value(u"id").toInteger();
        secrets << bobLogin.object().value(u"access_token").toString();

        const HttpResponse refreshed = http.post(u"/auth/refresh"_s, {{u"refresh_token"_s, refreshToken}});
        FC_HTTP_STATUS(refreshed, 200);
        const QString token2 = refreshed.object().value(u"access_token").toString();
        secrets << token2 << refreshed.object().value(u"refresh_token").toString();
        FC_HTTP_STATUS(http.get(u"/users/me"_s, u"forged.Token-Value.abc123"_s), 401);
        secrets << u"forged.Token-Value.abc123"_s;
        // A password change through REST (both passwords in the body).
        const QString newPassword = u"New-Secret-Pass-55ef"_s;
        secrets << newPassword;
        {
            auto ws = std::make_unique<WsClient>();
            QVERIFY2(ws->open(server.wsUrl(), token2, WsClient::Auth::Query), qPrintable(ws->errorString()));
            ws->sendFrame(u"chat_message"_s, chat(bobId, u"hello over a logged socket"_s, u"log-1"_s));
            QVERIFY(!ws->waitForPayload(u"ack"_s, 15000).isEmpty());
            QCOMPARE(WsClient::upgradeStatus(server.baseUrl(), u"/ws?token=bogus.Query-Token.zz9"_s, {}), 401);
            secrets << u"bogus.Query-Token.zz9"_s;
            ws->close();
        }
        const qint64 aliceId = login.object().value(u"user").toObject().value(u"id").toInteger();
        FC_HTTP_STATUS(http.put(u"/users/%1"_s.arg(aliceId), {{u"password"_s, newPassword}, {u"current_password"_s, password}}, token2),
                       200);
        FC_HTTP_STATUS(http.post(u"/auth/logout"_s, {}, token2), 200);
        FC_HTTP_STATUS(http.post(u"/auth/refresh"_s, {{u"refresh_token"_s, refreshToken}}), 401); // reused

        server.sendSignal(SIGTERM);
        QVERIFY2(server.waitForExit(30000), "the server did not exit after SIGTERM");
        QByteArray err = server.standardError();
        QByteArray out = server.standardOutput();
        QVERIFY2(!err.isEmpty(), "nothing was logged");

        // A second start on the same data (the schema exists now) logs the same way.
        {
            fcadmin::ServerRun again;
            QVERIFY2(again.start(args, environment), qPrintable(again.errorString()));
            fctest::HttpClient http2(again.baseUrl());
            FC_HTTP_STATUS(http2.post(u"/auth/login"_s, {{u"email"_s, u"alice@example.org"_s}, {u"password"_s, newPassword}}), 200);
            again.sendSignal(SIGTERM);
            QVERIFY2(again.waitForExit(30000), "the second server did not exit after SIGTERM");
            err += again.standardError();
            out += again.standardOutput();
        }

        for (const QString &secret : secrets) {
            QVERIFY(!secret.isEmpty());
            QVERIFY2(!err.contains(secret.toUtf8()),
                     qPrintable(u"stderr contains a secret (%1...): "_s.arg(secret.left(6))
                                + QString::fromUtf8(err.mid(std::max<qsizetype>(0, err.indexOf(secret.toUtf8()) - 300), 600))));
            QVERIFY2(!out.contains(secret.toUtf8()), qPrintable(u"stdout contains a secret"_s));
        }
        if (format != u"json")
            return;
        int lines = 0;
        for (const QByteArray &line : err.split('\n')) {
            if (line.isEmpty())
                continue;
            ++lines;
            QJsonParseError parseError;
            const QJsonDocument doc = QJsonDocument::fromJson(line, &parseError);
            QVERIFY2(parseError.error == QJsonParseError::NoError && doc.isObject(),
                     qPrintable(u"a log line that is not a JSON object: "_s + QString::fromUtf8(line.left(500))));
            const QJsonObject o = doc.object();
            for (const QString &key : {u"time"_s, u"level"_s, u"category"_s, u"message"_s})
                QVERIFY2(o.value(key).isString(),
                         qPrintable(u"no string '%1' in the log line %2"_s.arg(key, QString::fromUtf8(line.left(500)))));
            QVERIFY2(!o.value(u"time").toString().isEmpty() && !o.value(u"level").toString().isEmpty()
                             && !o.value(u"category").toString().isEmpty(),
                     qPrintable(QString::fromUtf8(line.left(500))));
        }
        QVERIFY(lines >= 2);
    }

    // --tls-cert/--tls-key: the port speaks TLS with that certificate; HTTPS /healthz, REST and
    // a WSS ping/pong and message work; plain HTTP on it gets no answer.
    void tlsServesHttpsAndWss_data() { fctest::addDriverRows(); }
    void tlsServesHttpsAndWss()
    {
        QFETCH(QString, driver);
        QVERIFY2(QSslSocket::supportsSsl(), "Qt has no TLS backend");
        QTemporaryDir tls;
        const QString cert = tls.filePath(u"cert.pem"_s), key = tls.filePath(u"key.pem"_s);
        QProcess openssl;
        openssl.start(u"openssl"_s, {u"req"_s, u"-x509"_s, u"-newkey"_s, u"rsa:2048"_s, u"-nodes"_s, u"-keyout"_s, key,
                                     u"-out"_s, cert, u"-days"_s, u"2"_s, u"-subj"_s, u"/CN=127.0.0.1"_s, u"-addext"_s,
                                     u"subjectAltName=IP:127.0.0.1"_s});
        QVERIFY2(openssl.waitForFinished(60000) && openssl.exitCode() == 0,
                 qPrintable(u"openssl req failed: "_s + QString::fromUtf8(openssl.readAllStandardError())));
        const QList<QSslCertificate> certificates = QSslCertificate::fromPath(cert);
        QCOMPARE(certificates.size(), 1);

        DefaultSslConfigGuard guard;
        QSslConfiguration trusting = QSslConfiguration::defaultConfiguration();
        trusting.setCaCertificates(certificates);
        QSslConfiguration::setDefaultConfiguration(trusting);

        AdminEnv env;
        FC_PREPARE(env, driver);
        FC_SERVER(env, {u"--tls-cert"_s, cert, u"--tls-key"_s, key});
        const quint16 port = env.server().port();
        const QUrl https(u"https://127.0.0.1:%1"_s.arg(port));
        const QUrl wss(u"wss://127.0.0.1:%1/ws"_s.arg(port));

        // The handshake presents our certificate.
        {
            QSslSocket socket;
            socket.connectToHostEncrypted(u"127.0.0.1"_s, port);
            QVERIFY2(socket.waitForEncrypted(15000), qPrintable(u"TLS handshake: "_s + socket.errorString()));
            QCOMPARE(socket.peerCertificate(), certificates.first());
        }

        fctest::HttpClient http(https);
        const HttpResponse health = http.get(u"/healthz"_s);
        FC_HTTP_STATUS(health, 200);
        QCOMPARE(health.object().value(u"status").toString(), u"ok"_s);
        FC_HTTP_STATUS(http.post(u"/auth/register"_s, {{u"username"_s, u"alice"_s}, {u"email"_s, u"alice@example.org"_s},
                                                        {u"password"_s, u"alice password 123"_s}}),
                       201);
        FC_HTTP_STATUS(http.post(u"/auth/register"_s, {{u"username"_s, u"bob"_s}, {u"email"_s, u"bob@example.org"_s},
                                                        {u"password"_s, u"bob password 123"_s}}),
                       201);
        const HttpResponse login = http.post(u"/auth/login"_s, {{u"email"_s, u"alice@example.org"_s}, {u"password"_s, u"alice password 123"_s}});
        FC_HTTP_STATUS(login, 200);
        const QString token = login.object().value(u"access_token").toString();
        const HttpResponse bob = http.post(u"/auth/login"_s, {{u"email"_s, u"bob@example.org"_s}, {u"password"_s, u"bob password 123"_s}});
        FC_HTTP_STATUS(bob, 200);
        const qint64 bobId = bob.object().value(u"user").toObject().value(u"id").toInteger();

        auto ws = std::make_unique<WsClient>();
        QVERIFY2(ws->open(wss, token), qPrintable(ws->errorString()));
        QVERIFY2(ws->pingPong(15000), "no pong over WSS");
        ws->sendFrame(u"chat_message"_s, chat(bobId, u"over tls"_s, u"tls-1"_s));
        QCOMPARE(ws->waitForPayload(u"ack"_s, 15000).value(u"client_id").toString(), u"tls-1"_s);
        FC_NO_VIOLATIONS(ws);
        ws->close();

        // Cleartext HTTP on the TLS port is not served.
        fctest::HttpClient plain(env.server().baseUrl());
        const HttpResponse clear = plain.get(u"/healthz"_s);
        QVERIFY2(clear.status != 200, qPrintable(u"plain HTTP on the TLS port: "_s + clear.describe()));
        // The server is still fine afterwards.
        FC_HTTP_STATUS(http.get(u"/healthz"_s), 200);
    }
};

QTEST_GUILESS_MAIN(TestAdminOps)
#include "tst_admin_ops.moc"
