// SPDX-License-Identifier: MIT
// The admin command line of fastchat-server (docs/admin.md, "The command line"), run as a
// separate process on the same database as a running server, on sqlite and postgres:
// user add|list|disable|enable|reset-password|delete, sessions revoke, migrate, --help and
// --version, and the exit codes a script relies on (0 done, 1 failure, 2 bad usage,
// 3 no such user, 4 already exists). Changes made by the command reach the running server
// through its revocation log (read every 2 s): waits are generous and never about speed.
#include "AdminEnv.h"

#include <QRegularExpression>
#include <QTcpServer>
#include <QtTest>

using namespace Qt::StringLiterals;
using fcadmin::AdminEnv;
using fcadmin::CliResult;
using fctest::TestUser;

namespace {

// Changes through the revocation log arrive "within seconds"; this only bounds the test.
constexpr int revocationTimeoutMs = 20000;

// The "password: ..." line of user add / reset-password; empty when there is none.
QString printedPassword(const CliResult &r)
{
    static const QRegularExpression line(u"^password: (\\S.*)$"_s, QRegularExpression::MultilineOption);
    const auto match = line.match(r.outText());
    return match.hasMatch() ? match.captured(1).trimmed() : QString();
}

struct ListedUser
{
    qint64 id = 0;
    QString username;
    QString email;
    QString status;
    QString createdAt;
};

// Parses `user list`: header, then tab-separated rows. `problem` says what is malformed.
QList<ListedUser> parseList(const CliResult &r, QString *problem)
{
    QList<ListedUser> users;
    QStringList lines = r.outText().split(u'\n');
    if (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast();
    else
        *problem = u"the output does not end with a line feed"_s;
    if (lines.isEmpty()) {
        *problem = u"no header line"_s;
        return users;
    }
    const QString header = lines.takeFirst();
    if (header != u"id\tusername\temail\tstatus\tcreated_at") {
        *problem = u"unexpected header '%1'"_s.arg(header);
        return users;
    }
    for (const QString &line : lines) {
        const QStringList fields = line.split(u'\t');
        if (fields.size() != 5) {
            *problem = u"a row without 5 tab-separated fields: '%1'"_s.arg(line);
            return users;
        }
        ListedUser u;
        bool ok = false;
        u.id = fields.at(0).toLongLong(&ok);
        if (!ok) {
            *problem = u"a row whose id is not a number: '%1'"_s.arg(line);
            return users;
        }
        u.username = fields.at(1);
        u.email = fields.at(2);
        u.status = fields.at(3);
        u.createdAt = fields.at(4);
        users.append(u);
    }
    return users;
}

std::optional<ListedUser> findListed(const QList<ListedUser> &users, const QString &username)
{
    for (const ListedUser &u : users)
        if (u.username == username)
            return u;
    return std::nullopt;
}

} // namespace

// Lists the users or fails the test.
#define FC_LIST(var, env)                                                                      \
    QList<ListedUser> var;                                                                     \
    do {                                                                                       \
        const CliResult listResult_ = (env).cli({u"user"_s, u"list"_s});                       \
        FC_EXIT(listResult_, 0);                                                               \
        QString problem_;                                                                      \
        var = parseList(listResult_, &problem_);                                               \
        QVERIFY2(problem_.isEmpty(), qPrintable(problem_ + u"\n"_s + listResult_.describe())); \
    } while (false)

class TestAdminCli : public QObject
{
    Q_OBJECT

private:
    // GET /users/me with the token: its HTTP status.
    static int meStatus(AdminEnv &env, const QString &token) { return env.http().get(u"/users/me"_s, token).status; }

    // Checks that a session has ended: its socket closes with 1008, its access token gets 401,
    // its refresh token gets 401 (each within the revocation timeout). Every way it has not
    // ended, as a list (empty: it has).
    static QStringList sessionNotEnded(AdminEnv &env, const QString &who, fctest::WsClient *ws,
                                       const QString &accessToken, const QString &refreshToken)
    {
        QStringList problems;
        if (ws) {
            if (!ws->waitForClosed(revocationTimeoutMs))
                problems << u"%1: the WebSocket is still open after %2 s"_s.arg(who).arg(revocationTimeoutMs / 1000);
            else if (ws->closeCode() != 1008)
                problems << u"%1: the WebSocket closed with %2, not 1008"_s.arg(who).arg(ws->closeCode());
        }
        int status = 0;
        if (!QTest::qWaitFor([&] { return (status = meStatus(env, accessToken)) == 401; }, revocationTimeoutMs))
            problems << u"%1: the access token still gets HTTP %2 on GET /users/me after %3 s"_s.arg(who).arg(status).arg(
                    revocationTimeoutMs / 1000);
        const fctest::HttpResponse refreshed = env.refresh(refreshToken);
        if (refreshed.status != 401)
            problems << u"%1: the refresh token still works: POST /auth/refresh answered %2"_s.arg(who, refreshed.describe().left(60));
        return problems;
    }

private slots:
    // user add prints a generated password, and the account logs in through a running server
    // (by e-mail and by username).
    void userAddPrintsAGeneratedPasswordThatLogsIn_data() { fctest::addDriverRows(); }
    void userAddPrintsAGeneratedPasswordThatLogsIn()
    {
        QFETCH(QString, driver);
        AdminEnv env;
        FC_PREPARE(env, driver);
        FC_SERVER(env);

        const CliResult add = env.cli({u"user"_s, u"add"_s, u"alice"_s, u"alice@example.org"_s});
        FC_EXIT(add, 0);
        const QString password = printedPassword(add);
        QVERIFY2(!password.isEmpty(), qPrintable(u"no 'password: ...' line; "_s + add.describe()));

        const fctest::HttpResponse login = env.loginResponse(u"alice@example.org"_s, password);
        FC_HTTP_STATUS(login, 200);
        QCOMPARE(login.object().value(u"user").toObject().value(u"username").toString(), u"alice"_s);
        const QString token = login.object().value(u"access_token").toString();
        QCOMPARE(meStatus(env, token), 200);

        const fctest::HttpResponse byName =
                env.http().post(u"/auth/login"_s, {{u"username"_s, u"alice"_s}, {u"password"_s, password}});
        FC_HTTP_STATUS(byName, 200);
        // A wrong password is still wrong.
        FC_HTTP_STATUS(env.loginResponse(u"alice@example.org"_s, password + u"x"_s), 401);

        // A second generated password is a different one.
        const CliResult add2 = env.cli({u"user"_s, u"add"_s, u"bob"_s, u"bob@example.org"_s});
        FC_EXIT(add2, 0);
        QVERIFY(!printedPassword(add2).isEmpty());
        QVERIFY(printedPassword(add2) != password);
    }

    // The command works on a fresh database before the server ever ran (it migrates), and the
    // server started afterwards accepts the account.
    void userAddBeforeTheFirstStart_data() { fctest::addDriverRows(); }
    void userAddBeforeTheFirstStart()
    {
        QFETCH(QString, driver);
        AdminEnv env;
        FC_PREPARE(env, driver);
        const CliResult add = env.cli({u"user"_s, u"add"_s, u"alice"_s, u"alice@example.org"_s});
        FC_EXIT(add, 0);
        const QString password = printedPassword(add);
        QVERIFY2(!password.isEmpty(), qPrintable(add.describe()));
        FC_SERVER(env);
        FC_HTTP_STATUS(env.loginResponse(u"alice@example.org"_s, password), 200);
    }

    // --password-stdin: the password comes from standard input and is not printed.
    void userAddWithPasswordFromStdin_data() { fctest::addDriverRows(); }
    void userAddWithPasswordFromStdin()
    {
        QFETCH(QString, driver);
        AdminEnv env;
        FC_PREPARE(env, driver);
        FC_SERVER(env);
        const QString chosen = u"my chosen password 123"_s;
        const CliResult add = env.cli({u"user"_s, u"add"_s, u"alice"_s, u"alice@example.org"_s, u"--password-stdin"_s},
                                      chosen.toUtf8() + '\n');
        FC_EXIT(add, 0);
        QVERIFY2(printedPassword(add).isEmpty(), qPrintable(add.describe()));
        QVERIFY2(!add.out.contains(chosen.toUtf8()) && !add.err.contains(chosen.toUtf8()),
                 qPrintable(u"the password read from stdin was echoed; "_s + add.describe()));
        FC_HTTP_STATUS(env.loginResponse(u"alice@example.org"_s, chosen), 200);
    }

    // Bad input is bad usage (2) and creates nothing.
    void userAddRefusesBadInput_data()
    {
        QTest::addColumn<QString>("driver");
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QByteArray>("stdinData");
        for (const QString &driver : fctest::drivers()) {
            QTest::addRow("%s: bad e-mail", qPrintable(driver))
                    << driver << QStringList{u"alice"_s, u"not-an-email"_s} << QByteArray();
            QTest::addRow("%s: bad username", qPrintable(driver))
                    << driver << QStringList{u"a b"_s, u"alice@example.org"_s} << QByteArray();
            QTest::addRow("%s: empty password on stdin", qPrintable(driver))
                    << driver << QStringList{u"alice"_s, u"alice@example.org"_s, u"--password-stdin"_s} << QByteArray("\n");
        }
    }
    void userAddRefusesBadInput()
    {
        QFETCH(QString, driver);
        QFETCH(QStringList, args);
        QFETCH(QByteArray, stdinData);
        AdminEnv env;
        FC_PREPARE(env, driver);
        const CliResult add = env.cli(QStringList{u"user"_s, u"add"_s} + args, stdinData);
        FC_EXIT(add, 2);
        QVERIFY2(!add.err.trimmed().isEmpty(), qPrintable(u"no message on stderr; "_s + add.describe()));
        FC_LIST(users, env);
        QVERIFY2(users.isEmpty(), "a refused user add created an account");
    }

    // An existing username or e-mail: exit code 4, and the existing account is untouched.
    void userAddDuplicateExits4_data() { fctest::addDriverRows(); }
    void userAddDuplicateExits4()
    {
        QFETCH(QString, driver);
        AdminEnv env;
        FC_PREPARE(env, driver);
        FC_SERVER(env);
        const CliResult add = env.cli({u"user"_s, u"add"_s, u"alice"_s, u"alice@example.org"_s});
        FC_EXIT(add, 0);
        const QString password = printedPassword(add);
        FC_REGISTER(bob, env, u"bob"_s); // through REST

        const QList<QStringList> duplicates{
                {u"alice"_s, u"other@example.org"_s}, // username taken
                {u"carol"_s, u"alice@example.org"_s}, // e-mail taken
                {u"bob"_s, u"bob2@example.org"_s}, // username registered over REST
                {u"bobby"_s, u"bob@example.org"_s}, // e-mail registered over REST
        };
        for (const QStringList &dup : duplicates) {
            const CliResult again = env.cli(QStringList{u"user"_s, u"add"_s} + dup);
            FC_EXIT(again, 4);
            QVERIFY2(!again.err.trimmed().isEmpty(), qPrintable(again.describe()));
            QVERIFY2(printedPassword(again).isEmpty(), qPrintable(again.describe()));
        }
        FC_LIST(users, env);
        QCOMPARE(users.size(), 2);
        FC_HTTP_STATUS(env.loginResponse(u"alice@example.org"_s, password), 200);
        FC_HTTP_STATUS(env.loginResponse(bob.email, bob.password), 200);
    }

    // user list: a header, then one tab-separated row per account with its status.
    void userListShowsEveryAccount_data() { fctest::addDriverRows(); }
    void userListShowsEveryAccount()
    {
        QFETCH(QString, driver);
        AdminEnv env;
        FC_PREPARE(env, driver);
        {
            FC_LIST(empty, env);
            QVERIFY(empty.isEmpty());
        }
        FC_SERVER(env);
        FC_REGISTER(alice, env, u"alice"_s);
        FC_REGISTER(bob, env, u"bob"_s);
        FC_EXIT(env.cli({u"user"_s, u"add"_s, u"carol"_s, u"carol@example.org"_s}), 0);
        FC_EXIT(env.cli({u"user"_s, u"disable"_s, u"bob"_s}), 0);

        FC_LIST(users, env);
        QCOMPARE(users.size(), 3);
        const auto a = findListed(users, u"alice"_s);
        const auto b = findListed(users, u"bob"_s);
        const auto c = findListed(users, u"carol"_s);
        QVERIFY(a && b && c);
        QCOMPARE(a->id, alice.id);
        QCOMPARE(b->id, bob.id);
        QCOMPARE(a->email, alice.email);
        QCOMPARE(c->email, u"carol@example.org"_s);
        QCOMPARE(a->status, u"active"_s);
        QCOMPARE(b->status, u"disabled"_s);
        QCOMPARE(c->status, u"active"_s);
        for (const ListedUser &u : users)
            QVERIFY2(fctest::isWireTime(QJsonValue(u.createdAt)), qPrintable(u"created_at '%1'"_s.arg(u.createdAt)));
        QCOMPARE(a->createdAt, alice.user.value(u"created_at").toString());
        QSet<qint64> ids;
        for (const ListedUser &u : users)
            ids.insert(u.id);
        QCOMPARE(ids.size(), 3);
    }

    // USER is an id, a username or an e-mail address.
    void userArgumentIsAnIdUsernameOrEmail_data() { fctest::addDriverRows(); }
    void userArgumentIsAnIdUsernameOrEmail()
    {
        QFETCH(QString, driver);
        AdminEnv env;
        FC_PREPARE(env, driver);
        FC_SERVER(env);
        FC_REGISTER(alice, env, u"alice"_s);
        FC_REGISTER(bob, env, u"bob"_s); // a second account that must stay untouched
        for (const QString &who : {QString::number(alice.id), alice.username, alice.email}) {
            FC_EXIT(env.cli({u"user"_s, u"disable"_s, who}), 0);
            {
                FC_LIST(users, env);
                QCOMPARE(findListed(users, u"alice"_s)->status, u"disabled"_s);
                QCOMPARE(findListed(users, u"bob"_s)->status, u"active"_s);
            }
            FC_EXIT(env.cli({u"user"_s, u"enable"_s, who}), 0);
            FC_LIST(users, env);
            QCOMPARE(findListed(users, u"alice"_s)->status, u"active"_s);
        }
    }

    // user disable: logins fail with 401, the open WebSocket closes (1008), the access token
    // and the refresh token stop working; other users are unaffected.
    void userDisableBlocksLoginAndEndsSessions_data() { fctest::addDriverRows(); }
    void userDisableBlocksLoginAndEndsSessions()
    {
        QFETCH(QString, driver);
        AdminEnv env;
        FC_PREPARE(env, driver);
        FC_SERVER(env);
        FC_REGISTER(alice, env, u"alice"_s);
        FC_REGISTER(bob, env, u"bob"_s);
        FC_REGISTER(carol, env, u"carol"_s);
        FC_OPEN_WS(aliceWs, env, alice.token);
        FC_OPEN_WS(bobWs, env, bob.token);
        FC_OPEN_WS(carolWs, env, carol.token);
        QVERIFY(aliceWs->pingPong());
        QVERIFY(carolWs->pingPong());
        const auto chat = [](qint64 to, const QString &clientId) {
            return QJsonObject{{u"receiver_id"_s, to}, {u"content"_s, clientId}, {u"client_id"_s, clientId}};
        };
        // Bob has written to both before: their conversations exist.
        bobWs->sendFrame(u"chat_message"_s, chat(alice.id, u"before-alice"_s));
        bobWs->sendFrame(u"chat_message"_s, chat(carol.id, u"before-carol"_s));
        QVERIFY(!bobWs->waitForPayload(u"ack"_s).isEmpty());
        QVERIFY(!bobWs->waitForPayload(u"ack"_s).isEmpty());

        const CliResult disable = env.cli({u"user"_s, u"disable"_s, u"alice"_s});
        FC_EXIT(disable, 0);

        // Messages to her are refused from now on; those around them in the same burst
        // (stored together) are not.
        bobWs->clearQueue();
        bobWs->sendFrame(u"chat_message"_s, chat(carol.id, u"after-1"_s));
        bobWs->sendFrame(u"chat_message"_s, chat(alice.id, u"to-disabled"_s));
        bobWs->sendFrame(u"chat_message"_s, chat(carol.id, u"after-2"_s));
        const QJsonObject refused = bobWs->waitForPayload(u"error"_s);
        QCOMPARE(refused[u"code"].toString(), u"not_found"_s);
        QCOMPARE(refused[u"client_id"].toString(), u"to-disabled"_s);
        QStringList acked;
        for (int i = 0; i < 2; ++i)
            acked << bobWs->waitForPayload(u"ack"_s)[u"client_id"].toString();
        QCOMPARE(acked, (QStringList{u"after-1"_s, u"after-2"_s}));
        QVERIFY(bobWs->queued(u"ack"_s).isEmpty());

        QStringList problems = sessionNotEnded(env, u"alice"_s, aliceWs.get(), alice.token, alice.refreshToken);
        QVERIFY2(problems.isEmpty(), qPrintable(u"after user disable: "_s + problems.join(u"; "_s)));
        FC_HTTP_STATUS(env.loginResponse(alice.email, alice.password), 401);
        QCOMPARE(fctest::WsClient::upgradeStatus(env.server().baseUrl(), u"/ws"_s,
                                                 {{"Authorization", "Bearer " + alice.token.toUtf8()}}),
                 401);

        QVERIFY2(bobWs->isOpen() && bobWs->pingPong(), "bob's WebSocket was affected by disabling alice");
        QCOMPARE(meStatus(env, bob.token), 200);
        FC_HTTP_STATUS(env.loginResponse(bob.email, bob.password), 200);
    }

    // user enable: logins work again; the sessions ended by disabling stay ended.
    void userEnableAllowsLoginAgain_data() { fctest::addDriverRows(); }
    void userEnableAllowsLoginAgain()
    {
        QFETCH(QString, driver);
        AdminEnv env;
        FC_PREPARE(env, driver);
        FC_SERVER(env);
        FC_REGISTER(alice, env, u"alice"_s);
        FC_EXIT(env.cli({u"user"_s, u"disable"_s, alice.email}), 0);
        QTRY_COMPARE_WITH_TIMEOUT(meStatus(env, alice.token), 401, revocationTimeoutMs);
        FC_HTTP_STATUS(env.loginResponse(alice.email, alice.password), 401);

        FC_EXIT(env.cli({u"user"_s, u"enable"_s, alice.email}), 0);
        TestUser again = alice;
        QVERIFY2(env.login(again), qPrintable(env.error()));
        QCOMPARE(meStatus(env, again.token), 200);
        FC_OPEN_WS(ws, env, again.token);
        QVERIFY(ws->pingPong());
        // The new session survives the next revocation-log rounds.
        QTest::qWait(5000);
        QVERIFY2(ws->isOpen() && ws->pingPong(), "the session made after user enable was ended");
        QCOMPARE(meStatus(env, again.token), 200);
        {
            FC_LIST(users, env);
            QCOMPARE(findListed(users, u"alice"_s)->status, u"active"_s);
        }
        // The old session ended with the disable ("disabling ends every session"); enabling
        // does not revive it.
        const QStringList problems = sessionNotEnded(env, u"the session from before the disable"_s, nullptr,
                                                     alice.token, alice.refreshToken);
        QVERIFY2(problems.isEmpty(), qPrintable(u"after user disable and user enable: "_s + problems.join(u"; "_s)));
    }

    // user reset-password: the old password is refused, the new one works, every old session
    // ends (refresh token, access token, socket); a new session survives. Then the same with
    // --password-stdin.
    void userResetPasswordEndsOldSessions_data() { fctest::addDriverRows(); }
    void userResetPasswordEndsOldSessions()
    {
        QFETCH(QString, driver);
        AdminEnv env;
        FC_PREPARE(env, driver);
        FC_SERVER(env);
        FC_REGISTER(alice, env, u"alice"_s);
        FC_REGISTER(bob, env, u"bob"_s);
        FC_OPEN_WS(aliceWs, env, alice.token);
        FC_OPEN_WS(bobWs, env, bob.token);

        const CliResult reset = env.cli({u"user"_s, u"reset-password"_s, QString::number(alice.id)});
        FC_EXIT(reset, 0);
        const QString generated = printedPassword(reset);
        QVERIFY2(!generated.isEmpty(), qPrintable(u"no 'password: ...' line; "_s + reset.describe()));
        QVERIFY(generated != alice.password);

        FC_HTTP_STATUS(env.loginResponse(alice.email, alice.password), 401);
        const fctest::HttpResponse fresh = env.loginResponse(alice.email, generated);
        FC_HTTP_STATUS(fresh, 200);
        const QString freshToken = fresh.object().value(u"access_token").toString();

        QStringList problems = sessionNotEnded(env, u"the session from before the reset"_s, aliceWs.get(), alice.token,
                                               alice.refreshToken);
        // The session made after the reset is not one of the ended ones.
        QCOMPARE(meStatus(env, freshToken), 200);
        QVERIFY2(bobWs->isOpen() && bobWs->pingPong(), "bob's WebSocket was affected");

        // --password-stdin
        const QString chosen = u"brand new password 456"_s;
        const CliResult reset2 =
                env.cli({u"user"_s, u"reset-password"_s, alice.username, u"--password-stdin"_s}, chosen.toUtf8() + '\n');
        FC_EXIT(reset2, 0);
        QVERIFY2(printedPassword(reset2).isEmpty() && !reset2.out.contains(chosen.toUtf8()),
                 qPrintable(reset2.describe()));
        FC_HTTP_STATUS(env.loginResponse(alice.email, generated), 401);
        FC_HTTP_STATUS(env.loginResponse(alice.email, chosen), 200);
        problems += sessionNotEnded(env, u"the session from before the second reset"_s, nullptr, freshToken,
                                    fresh.object().value(u"refresh_token").toString());
        QVERIFY2(problems.isEmpty(), qPrintable(u"after user reset-password: "_s + problems.join(u"; "_s)));
    }

    // user delete: the account is gone (login 401, token 401, socket closed, not listed,
    // 404 for others); deleting it again is "no such user" (3).
    void userDeleteRemovesTheAccount_data() { fctest::addDriverRows(); }
    void userDeleteRemovesTheAccount()
    {
        QFETCH(QString, driver);
        AdminEnv env;
        FC_PREPARE(env, driver);
        FC_SERVER(env);
        FC_REGISTER(alice, env, u"alice"_s);
        FC_REGISTER(bob, env, u"bob"_s);
        FC_OPEN_WS(aliceWs, env, alice.token);
        FC_OPEN_WS(bobWs, env, bob.token);

        FC_EXIT(env.cli({u"user"_s, u"delete"_s, alice.email}), 0);
        const QStringList problems = sessionNotEnded(env, u"alice"_s, aliceWs.get(), alice.token, alice.refreshToken);
        QVERIFY2(problems.isEmpty(), qPrintable(u"after user delete: "_s + problems.join(u"; "_s)));
        FC_HTTP_STATUS(env.loginResponse(alice.email, alice.password), 401);
        FC_HTTP_STATUS(env.http().get(alice.path(), bob.token), 404);
        {
            FC_LIST(users, env);
            QCOMPARE(users.size(), 1);
            QCOMPARE(users.first().username, u"bob"_s);
        }
        const CliResult again = env.cli({u"user"_s, u"delete"_s, alice.email});
        FC_EXIT(again, 3);
        QVERIFY2(bobWs->isOpen() && bobWs->pingPong(), "bob's WebSocket was affected");
    }

    // sessions revoke: every session of the user ends (both refresh tokens, both access
    // tokens, both sockets); the account itself still logs in; others are unaffected.
    void sessionsRevokeEndsEverySession_data() { fctest::addDriverRows(); }
    void sessionsRevokeEndsEverySession()
    {
        QFETCH(QString, driver);
        AdminEnv env;
        FC_PREPARE(env, driver);
        FC_SERVER(env);
        FC_REGISTER(alice, env, u"alice"_s);
        TestUser alice2 = alice;
        QVERIFY2(env.login(alice2), qPrintable(env.error())); // a second session
        QVERIFY(alice2.refreshToken != alice.refreshToken);
        FC_REGISTER(bob, env, u"bob"_s);
        FC_OPEN_WS(ws1, env, alice.token);
        FC_OPEN_WS(ws2, env, alice2.token);
        FC_OPEN_WS(bobWs, env, bob.token);

        const CliResult revoke = env.cli({u"sessions"_s, u"revoke"_s, QString::number(alice.id)});
        FC_EXIT(revoke, 0);
        QStringList problems = sessionNotEnded(env, u"alice's first session"_s, ws1.get(), alice.token, alice.refreshToken)
                               + sessionNotEnded(env, u"alice's second session"_s, ws2.get(), alice2.token, alice2.refreshToken);
        static const QRegularExpression two(u"\\b2\\b"_s);
        if (!two.match(revoke.outText()).hasMatch())
            problems << u"the output does not say that 2 sessions were revoked: '%1'"_s.arg(revoke.outText().trimmed());
        QVERIFY2(problems.isEmpty(), qPrintable(u"after sessions revoke: "_s + problems.join(u"; "_s)));

        TestUser alice3 = alice;
        QVERIFY2(env.login(alice3), qPrintable(u"alice cannot log in after sessions revoke: "_s + env.error()));
        QTest::qWait(5000);
        QCOMPARE(meStatus(env, alice3.token), 200);
        QVERIFY2(bobWs->isOpen() && bobWs->pingPong(), "bob's WebSocket was affected");
        QCOMPARE(meStatus(env, bob.token), 200);
        FC_HTTP_STATUS(env.refresh(bob.refreshToken), 200);
    }

    // Every command naming an unknown user exits 3 and says so on stderr.
    void unknownUserExits3_data() { fctest::addDriverRows(); }
    void unknownUserExits3()
    {
        QFETCH(QString, driver);
        AdminEnv env;
        FC_PREPARE(env, driver);
        FC_SERVER(env);
        FC_REGISTER(alice, env, u"alice"_s);
        const QList<QStringList> commands{
                {u"user"_s, u"disable"_s, u"nobody"_s},
                {u"user"_s, u"enable"_s, u"nobody@example.org"_s},
                {u"user"_s, u"reset-password"_s, u"999999"_s},
                {u"user"_s, u"delete"_s, u"nobody"_s},
                {u"sessions"_s, u"revoke"_s, u"nobody"_s},
                {u"sessions"_s, u"revoke"_s, u"999999"_s},
        };
        for (const QStringList &command : commands) {
            const CliResult r = env.cli(command);
            FC_EXIT(r, 3);
            QVERIFY2(!r.err.trimmed().isEmpty(), qPrintable(u"no message on stderr; "_s + r.describe()));
        }
        QCOMPARE(meStatus(env, alice.token), 200);
    }

    // Malformed command lines exit 2 with a message and change nothing.
    void badUsageExits2_data() { fctest::addDriverRows(); }
    void badUsageExits2()
    {
        QFETCH(QString, driver);
        AdminEnv env;
        FC_PREPARE(env, driver);
        FC_SERVER(env);
        FC_REGISTER(alice, env, u"alice"_s);
        const QList<QStringList> commands{
                {u"frobnicate"_s},
                {u"user"_s},
                {u"user"_s, u"frobnicate"_s},
                {u"user"_s, u"add"_s},
                {u"user"_s, u"add"_s, u"onlyname"_s},
                {u"user"_s, u"add"_s, u"a1b"_s, u"a1b@example.org"_s, u"extra"_s},
                {u"user"_s, u"list"_s, u"extra"_s},
                {u"user"_s, u"disable"_s},
                {u"user"_s, u"enable"_s, u"alice"_s, u"bob"_s},
                {u"user"_s, u"delete"_s},
                {u"user"_s, u"reset-password"_s},
                {u"sessions"_s},
                {u"sessions"_s, u"revoke"_s},
                {u"sessions"_s, u"list"_s, u"alice"_s},
                {u"config"_s},
                {u"config"_s, u"frobnicate"_s},
                {u"user"_s, u"list"_s, u"--no-such-flag"_s},
        };
        for (const QStringList &command : commands) {
            const CliResult r = env.cli(command);
            FC_EXIT(r, 2);
            QVERIFY2(!r.err.trimmed().isEmpty(), qPrintable(u"no message on stderr; "_s + r.describe()));
        }
        // A flag without its value (last on the line).
        const CliResult noValue = fcadmin::runCli(env.storageArgs() + QStringList{u"user"_s, u"list"_s, u"--config"_s});
        FC_EXIT(noValue, 2);
        QVERIFY2(!noValue.err.trimmed().isEmpty(), qPrintable(noValue.describe()));
        FC_LIST(users, env);
        QCOMPARE(users.size(), 1);
        QCOMPARE(meStatus(env, alice.token), 200);
    }

    // migrate on a fresh database: exit 0, the schema is at the latest version, a second run
    // is a no-op, and the server then starts on it.
    void migrateAppliesTheSchema_data() { fctest::addDriverRows(); }
    void migrateAppliesTheSchema()
    {
        QFETCH(QString, driver);
        AdminEnv env;
        FC_PREPARE(env, driver);
        const CliResult migrate = env.cli({u"migrate"_s, u"--listen"_s, u"127.0.0.1:0"_s});
        FC_EXIT(migrate, 0);
        QVERIFY2(!migrate.out.contains("listening on"), qPrintable(u"migrate started serving; "_s + migrate.describe()));

        static const QRegularExpression version(u"schema version: (\\d+) of (\\d+)"_s);
        const CliResult check = env.cli({u"config"_s, u"check"_s});
        FC_EXIT(check, 0);
        const auto m = version.match(check.outText());
        QVERIFY2(m.hasMatch(), qPrintable(check.describe()));
        QVERIFY(m.captured(1).toInt() >= 1);
        QCOMPARE(m.captured(1), m.captured(2));

        FC_EXIT(env.cli({u"migrate"_s, u"--listen"_s, u"127.0.0.1:0"_s}), 0);
        const CliResult check2 = env.cli({u"config"_s, u"check"_s});
        FC_EXIT(check2, 0);
        QCOMPARE(version.match(check2.outText()).captured(1), m.captured(1));

        FC_SERVER(env);
        FC_REGISTER(alice, env, u"alice"_s);
        FC_LIST(users, env);
        QCOMPARE(users.size(), 1);
    }

    // An unreachable database is a failure (1), not a usage error.
    void unreachableDatabaseExits1()
    {
        // A port nothing listens on (bound, never listened: connections are refused).
        QTcpServer placeholder;
        QVERIFY(placeholder.listen(QHostAddress::LocalHost, 0));
        const quint16 port = placeholder.serverPort();
        placeholder.close();
        QTemporaryDir dir;
        const QString url = u"postgresql://postgres@127.0.0.1:%1/nowhere"_s.arg(port);
        for (const QStringList &command : QList<QStringList>{{u"user"_s, u"list"_s},
                                                             {u"user"_s, u"add"_s, u"alice"_s, u"alice@example.org"_s},
                                                             {u"sessions"_s, u"revoke"_s, u"alice"_s},
                                                             {u"config"_s, u"check"_s}}) {
            const CliResult r = fcadmin::runCli(command + QStringList{u"--data-dir"_s, dir.path(), u"--database"_s, url,
                                                                      u"--password-cost"_s, u"min"_s});
            FC_EXIT(r, 1);
            QVERIFY2(!r.err.trimmed().isEmpty(), qPrintable(r.describe()));
        }
    }

    // --help for each command: exit 0 and the command explained.
    void helpForEachCommand_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QStringList>("mentions");
        QTest::newRow("top level") << QStringList{u"--help"_s}
                                   << QStringList{u"serve"_s, u"migrate"_s, u"user"_s, u"sessions"_s, u"config"_s,
                                                  u"--config"_s, u"--listen"_s, u"--database"_s};
        QTest::newRow("serve") << QStringList{u"serve"_s, u"--help"_s} << QStringList{u"serve"_s, u"--listen"_s};
        QTest::newRow("migrate") << QStringList{u"migrate"_s, u"--help"_s} << QStringList{u"migrate"_s};
        QTest::newRow("user") << QStringList{u"user"_s, u"--help"_s}
                              << QStringList{u"user add"_s, u"list"_s, u"disable"_s, u"enable"_s, u"reset-password"_s,
                                             u"delete"_s, u"--password-stdin"_s};
        QTest::newRow("user add") << QStringList{u"user"_s, u"add"_s, u"--help"_s} << QStringList{u"user add"_s};
        QTest::newRow("sessions") << QStringList{u"sessions"_s, u"--help"_s} << QStringList{u"sessions revoke"_s};
        QTest::newRow("config") << QStringList{u"config"_s, u"--help"_s} << QStringList{u"config check"_s};
    }
    void helpForEachCommand()
    {
        QFETCH(QStringList, args);
        QFETCH(QStringList, mentions);
        const CliResult r = fcadmin::runCli(args);
        FC_EXIT(r, 0);
        for (const QString &word : mentions)
            QVERIFY2(r.outText().contains(word), qPrintable(u"--help does not mention '%1'; "_s.arg(word) + r.describe()));
    }

    // --version prints the project's version.
    void versionPrintsTheVersion()
    {
        const CliResult r = fcadmin::runCli({u"--version"_s});
        FC_EXIT(r, 0);
        QCOMPARE(r.outText().trimmed(), u"fastchat-server "_s + QString::fromLatin1(FASTCHAT_VERSION));
    }
};

QTEST_GUILESS_MAIN(TestAdminCli)
#include "tst_admin_cli.moc"
