// SPDX-License-Identifier: MIT
// The /users routes of fastchat-server against docs/protocol.md: listing without other
// people's e-mail, 404 for unknown ids, only the user itself may change or delete itself,
// JSON on every answer. Every case runs on sqlite and postgres.
#include "TestEnv.h"

#include <QtTest>

using namespace Qt::StringLiterals;
using namespace fctest;

namespace {

constexpr qint64 unknownId = 987654;

QJsonObject byId(const QJsonArray &users, qint64 id)
{
    for (const QJsonValue &u : users)
        if (u.toObject().value(u"id").toInteger() == id)
            return u.toObject();
    return {};
}

} // namespace

class TestUsers : public QObject
{
    Q_OBJECT

private slots:
    void listShowsEveryoneByIdWithoutOtherPeoplesEmail_data() { addDriverRows(); }
    void listShowsEveryoneByIdWithoutOtherPeoplesEmail()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        FC_USER(bob, env, u"bob"_s);
        FC_USER(carol, env, u"carol"_s);
        const HttpResponse r = env.http().get(u"/users"_s, alice.token);
        FC_STATUS(r, 200);
        QVERIFY(r.isJsonContentType());
        QVERIFY(r.isArray());
        const QJsonArray users = r.array();
        QCOMPARE(users.size(), 3);
        QCOMPARE(idsOf(users), (QList<qint64>{alice.id, bob.id, carol.id})); // by id
        for (const QJsonValue &v : users) {
            const QJsonObject u = v.toObject();
            QVERIFY2(missingKeys(u, userKeys()).isEmpty(), qPrintable(missingKeys(u, userKeys())));
            QVERIFY2(nonSnakeCaseKeys(u).isEmpty(), qPrintable(nonSnakeCaseKeys(u)));
            for (const QString &key : u.keys())
                QVERIFY2(!key.contains(u"password"_s), qPrintable(key));
            if (u[u"id"].toInteger() != alice.id)
                QVERIFY2(!u.contains(u"email"), qPrintable(u"alice sees the e-mail of user "_s + u[u"username"].toString()));
        }
        QVERIFY(!r.body.contains("bob@example.org"));
        QVERIFY(!r.body.contains("carol@example.org"));
    }

    void listFiltersByUsernameAndPagesByAfterId_data() { addDriverRows(); }
    void listFiltersByUsernameAndPagesByAfterId()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        FC_USER(bob, env, u"bob"_s);
        FC_USER(alicia, env, u"alicia"_s);
        FC_USER(dave, env, u"dave"_s);

        HttpResponse r = env.http().get(u"/users?q=ali"_s, bob.token);
        FC_STATUS(r, 200);
        QCOMPARE(idsOf(r.array()), (QList<qint64>{alice.id, alicia.id}));

        r = env.http().get(u"/users?limit=2"_s, bob.token);
        FC_STATUS(r, 200);
        QCOMPARE(idsOf(r.array()), (QList<qint64>{alice.id, bob.id}));

        r = env.http().get(u"/users?limit=2&after_id=%1"_s.arg(bob.id), bob.token);
        FC_STATUS(r, 200);
        QCOMPARE(idsOf(r.array()), (QList<qint64>{alicia.id, dave.id}));

        r = env.http().get(u"/users?after_id=%1"_s.arg(dave.id), bob.token);
        FC_STATUS(r, 200);
        QCOMPARE(r.array().size(), 0);
    }

    void oneUserByIdHidesTheEmailOfOthersAndShowsOwn_data() { addDriverRows(); }
    void oneUserByIdHidesTheEmailOfOthersAndShowsOwn()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        FC_USER(bob, env, u"bob"_s);
        HttpResponse r = env.http().get(bob.path(), alice.token);
        FC_STATUS(r, 200);
        QCOMPARE(r.object()[u"id"].toInteger(), bob.id);
        QCOMPARE(r.object()[u"username"].toString(), u"bob"_s);
        QVERIFY2(!r.object().contains(u"email"), r.body.constData());

        r = env.http().get(alice.path(), alice.token);
        FC_STATUS(r, 200);
        QCOMPARE(r.object()[u"email"].toString(), alice.email);

        r = env.http().get(u"/users/me"_s, alice.token);
        FC_STATUS(r, 200);
        QCOMPARE(r.object()[u"id"].toInteger(), alice.id);
        QCOMPARE(r.object()[u"email"].toString(), alice.email);
    }

    void unknownUserIs404_data() { addDriverRows(); }
    void unknownUserIs404()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        const HttpResponse r = env.http().get(u"/users/%1"_s.arg(unknownId), alice.token);
        FC_STATUS(r, 404);
        QVERIFY(r.isJsonContentType());
        QVERIFY2(r.isErrorBody(), r.body.constData());
    }

    void changingOrDeletingSomeoneElseIs403AndChangesNothing_data() { addDriverRows(); }
    void changingOrDeletingSomeoneElseIs403AndChangesNothing()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        FC_USER(bob, env, u"bob"_s);
        const HttpResponse before = env.http().get(bob.path(), bob.token);
        FC_STATUS(before, 200);

        const HttpResponse put = env.http().put(bob.path(), {{u"username"_s, u"mallory"_s},
                                                             {u"email"_s, u"mallory@example.org"_s},
                                                             {u"password"_s, u"taken over 123"_s}},
                                                alice.token);
        FC_STATUS(put, 403);
        QVERIFY(put.isJsonContentType());
        QVERIFY2(put.isErrorBody(), put.body.constData());

        const HttpResponse del = env.http().del(bob.path(), alice.token);
        FC_STATUS(del, 403);
        QVERIFY(del.isJsonContentType());
        QVERIFY2(del.isErrorBody(), del.body.constData());

        const HttpResponse after = env.http().get(bob.path(), bob.token);
        FC_STATUS(after, 200);
        QCOMPARE(after.object()[u"username"].toString(), u"bob"_s);
        QCOMPARE(after.object()[u"email"].toString(), bob.email);
        QCOMPARE(after.object()[u"updated_at"], before.object()[u"updated_at"]);
        // Bob still logs in with his own password; nobody with the intruder's.
        const HttpResponse login = env.http().post(u"/auth/login"_s, {{u"email"_s, bob.email}, {u"password"_s, bob.password}});
        FC_STATUS(login, 200);
        const HttpResponse hijack = env.http().post(u"/auth/login"_s, {{u"email"_s, bob.email}, {u"password"_s, u"taken over 123"_s}});
        FC_STATUS(hijack, 401);
        QCOMPARE(env.http().get(u"/users/me"_s, bob.token).status, 200);
    }

    void changingOrDeletingAnUnknownUserIs404_data() { addDriverRows(); }
    void changingOrDeletingAnUnknownUserIs404()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        const HttpResponse put = env.http().put(u"/users/%1"_s.arg(unknownId), {{u"username"_s, u"ghost"_s}}, alice.token);
        FC_STATUS(put, 404);
        QVERIFY(put.isErrorBody());
        const HttpResponse del = env.http().del(u"/users/%1"_s.arg(unknownId), alice.token);
        FC_STATUS(del, 404);
        QVERIFY(del.isErrorBody());
        const HttpResponse list = env.http().get(u"/users"_s, alice.token);
        QCOMPARE(list.array().size(), 1);
        QCOMPARE(list.array().first().toObject()[u"username"].toString(), u"alice"_s);
    }

    void updatingYourselfChangesTheUsername_data() { addDriverRows(); }
    void updatingYourselfChangesTheUsername()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        FC_USER(bob, env, u"bob"_s);
        const HttpResponse put = env.http().put(alice.path(), {{u"username"_s, u"alice2"_s}}, alice.token);
        FC_STATUS(put, 200);
        QVERIFY(put.isJsonContentType());
        QCOMPARE(put.object()[u"message"].toString(), u"User updated successfully"_s);
        const QJsonObject user = put.object()[u"user"].toObject();
        QCOMPARE(user[u"id"].toInteger(), alice.id);
        QCOMPARE(user[u"username"].toString(), u"alice2"_s);
        QCOMPARE(user[u"email"].toString(), alice.email); // unchanged, and shown to herself

        const HttpResponse seen = env.http().get(alice.path(), bob.token);
        FC_STATUS(seen, 200);
        QCOMPARE(seen.object()[u"username"].toString(), u"alice2"_s);
        // The access token still works; login by the new username works.
        QCOMPARE(env.http().get(u"/users/me"_s, alice.token).status, 200);
        const HttpResponse login = env.http().post(u"/auth/login"_s, {{u"username"_s, u"alice2"_s}, {u"password"_s, alice.password}});
        FC_STATUS(login, 200);
    }

    void updatingToATakenUsernameOrEmailIs409_data()
    {
        QTest::addColumn<QString>("driver");
        QTest::addColumn<QString>("field");
        for (const QString &driver : drivers()) {
            QTest::addRow("%s/username", qPrintable(driver)) << driver << u"username"_s;
            QTest::addRow("%s/email", qPrintable(driver)) << driver << u"email"_s;
        }
    }
    void updatingToATakenUsernameOrEmailIs409()
    {
        QFETCH(QString, driver);
        QFETCH(QString, field);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        FC_USER(bob, env, u"bob"_s);
        const QString taken = field == u"username" ? bob.username : bob.email;
        const HttpResponse put = env.http().put(alice.path(), {{field, taken}}, alice.token);
        FC_STATUS(put, 409);
        QVERIFY(put.isJsonContentType());
        QVERIFY2(put.isErrorBody(), put.body.constData());
        const HttpResponse me = env.http().get(u"/users/me"_s, alice.token);
        QCOMPARE(me.object()[u"username"].toString(), alice.username);
        QCOMPARE(me.object()[u"email"].toString(), alice.email);
    }

    void changingThePasswordNeedsTheCurrentOneAndEndsOtherSessions_data() { addDriverRows(); }
    void changingThePasswordNeedsTheCurrentOneAndEndsOtherSessions()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        TestUser otherSession = alice;
        QVERIFY2(env.login(otherSession), qPrintable(env.error()));
        const QString newPassword = u"a brand new password 456"_s;

        // Without current_password, or with a wrong one: refused, nothing changed.
        const HttpResponse without = env.http().put(alice.path(), {{u"password"_s, newPassword}}, alice.token);
        QVERIFY2(without.status >= 400 && without.status < 500, qPrintable(without.describe()));
        QVERIFY(without.isErrorBody());
        const HttpResponse wrong = env.http().put(alice.path(), {{u"password"_s, newPassword},
                                                                 {u"current_password"_s, u"not it at all"_s}},
                                                  alice.token);
        QVERIFY2(wrong.status >= 400 && wrong.status < 500, qPrintable(wrong.describe()));
        HttpResponse login = env.http().post(u"/auth/login"_s, {{u"email"_s, alice.email}, {u"password"_s, newPassword}});
        FC_STATUS(login, 401);
        QCOMPARE(env.http().get(u"/users/me"_s, otherSession.token).status, 200);

        const HttpResponse put = env.http().put(alice.path(), {{u"password"_s, newPassword},
                                                               {u"current_password"_s, alice.password}},
                                                alice.token);
        FC_STATUS(put, 200);
        QVERIFY(!put.body.contains(newPassword.toUtf8()));
        login = env.http().post(u"/auth/login"_s, {{u"email"_s, alice.email}, {u"password"_s, newPassword}});
        FC_STATUS(login, 200);
        login = env.http().post(u"/auth/login"_s, {{u"email"_s, alice.email}, {u"password"_s, alice.password}});
        FC_STATUS(login, 401);
        // The session that changed it goes on; every other session ends.
        QCOMPARE(env.http().get(u"/users/me"_s, alice.token).status, 200);
        QCOMPARE(env.http().get(u"/users/me"_s, otherSession.token).status, 401);
        const HttpResponse refresh = env.http().post(u"/auth/refresh"_s, {{u"refresh_token"_s, otherSession.refreshToken}});
        FC_STATUS(refresh, 401);
    }

    void deletingYourselfRemovesYou_data() { addDriverRows(); }
    void deletingYourselfRemovesYou()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        FC_USER(bob, env, u"bob"_s);
        const HttpResponse del = env.http().del(alice.path(), alice.token);
        FC_STATUS(del, 200);
        QVERIFY(del.isJsonContentType());
        QCOMPARE(del.object()[u"message"].toString(), u"User deleted successfully"_s);
        const HttpResponse gone = env.http().get(alice.path(), bob.token);
        FC_STATUS(gone, 404);
        const HttpResponse list = env.http().get(u"/users"_s, bob.token);
        QVERIFY(byId(list.array(), alice.id).isEmpty());
        QCOMPARE(list.array().size(), 1);
    }

    void everyAnswerIsJson_data()
    {
        QTest::addColumn<QString>("driver");
        QTest::addColumn<QByteArray>("verb");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<bool>("authorized");
        QTest::addColumn<int>("status");
        struct Row
        {
            const char *name;
            QByteArray verb;
            QString path;
            QByteArray body;
            bool authorized;
            int status;
        };
        const QList<Row> rows = {
            {"list", "GET", u"/users"_s, {}, true, 200},
            {"me", "GET", u"/users/me"_s, {}, true, 200},
            {"healthz", "GET", u"/healthz"_s, {}, false, 200},
            {"conversations", "GET", u"/chat/conversations"_s, {}, true, 200},
            {"unauthorized", "GET", u"/users"_s, {}, false, 401},
            {"unknown user", "GET", u"/users/987654"_s, {}, true, 404},
            {"unknown route", "GET", u"/no/such/route"_s, {}, true, 404},
            {"bad JSON", "POST", u"/auth/register"_s, "{not json", false, 400},
            {"bad login", "POST", u"/auth/login"_s, R"({"email": "x@example.org", "password": "nope nope"})", false, 401},
            {"message to unknown user", "POST", u"/chat/message"_s, R"({"receiver_id": 987654, "content": "hi", "type": "text"})", true, 404},
            {"body over 1 MiB", "POST", u"/chat/message"_s, QByteArray(R"({"receiver_id": 1, "type": "file", "content": ")") + QByteArray(1100 * 1024, 'a') + "\"}", true, 413},
        };
        for (const QString &driver : drivers())
            for (const Row &row : rows)
                QTest::addRow("%s/%s", qPrintable(driver), row.name)
                        << driver << row.verb << row.path << row.body << row.authorized << row.status;
    }
    void everyAnswerIsJson()
    {
        QFETCH(QString, driver);
        QFETCH(QByteArray, verb);
        QFETCH(QString, path);
        QFETCH(QByteArray, body);
        QFETCH(bool, authorized);
        QFETCH(int, status);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        const HttpResponse r = env.http().send(verb, path, body, {}, authorized ? alice.token : QString());
        FC_STATUS(r, status);
        QVERIFY2(r.isJsonContentType(), qPrintable(r.describe()));
        QVERIFY2(r.parseError.error == QJsonParseError::NoError, qPrintable(r.describe()));
        if (status >= 400)
            QVERIFY2(r.isErrorBody(), qPrintable(r.describe()));
        if (path == u"/healthz")
            QCOMPARE(r.object()[u"status"].toString(), u"ok"_s);
    }

    void aPlainGetOnWsIs426_data() { addDriverRows(); }
    void aPlainGetOnWsIs426()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        HttpResponse r = env.http().get(u"/ws"_s, alice.token);
        FC_STATUS(r, 426);
        QVERIFY(r.isJsonContentType());
        QVERIFY2(r.isErrorBody(), r.body.constData());
        r = env.http().get(u"/ws?token="_s + alice.token);
        FC_STATUS(r, 426);
        QVERIFY(r.isJsonContentType());
    }
};

QTEST_GUILESS_MAIN(TestUsers)
#include "tst_users.moc"
