// SPDX-License-Identifier: MIT
// Registration, login, tokens, refresh and logout of fastchat-server, against
// docs/protocol.md, over HTTP and the /ws upgrade. Every case runs on sqlite and postgres.
#include "Jwt.h"
#include "TestEnv.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QtTest>

using namespace Qt::StringLiterals;
using namespace fctest;

namespace {

// 64 hex characters and a newline: the server trims trailing whitespace from the file.
QByteArray makeSecret()
{
    QByteArray raw(32, Qt::Uninitialized);
    for (char &c : raw)
        c = char(QRandomGenerator::global()->bounded(256));
    return raw.toHex() + "\n";
}

int meStatus(HttpClient &http, const QString &token)
{
    return http.get(u"/users/me"_s, token).status;
}

} // namespace

class TestAuth : public QObject
{
    Q_OBJECT

private slots:
    void registerAnswers201WithTheUserAndNoPassword_data() { addDriverRows(); }
    void registerAnswers201WithTheUserAndNoPassword()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        const HttpResponse r = env.http().post(u"/auth/register"_s, {{u"username"_s, u"alice"_s},
                                                                    {u"email"_s, u"alice@example.org"_s},
                                                                    {u"password"_s, u"alice password 123"_s}});
        FC_STATUS(r, 201);
        QVERIFY2(r.isJsonContentType(), r.contentType().constData());
        QVERIFY(r.isObject());
        const QJsonObject user = r.object();
        QVERIFY2(missingKeys(user, userKeys()).isEmpty(), qPrintable(missingKeys(user, userKeys())));
        QVERIFY2(nonSnakeCaseKeys(user).isEmpty(), qPrintable(nonSnakeCaseKeys(user)));
        QVERIFY(isPositiveId(user[u"id"]));
        QCOMPARE(user[u"username"].toString(), u"alice"_s);
        QCOMPARE(user[u"email"].toString(), u"alice@example.org"_s); // the caller's own record
        for (const QString &key : user.keys())
            QVERIFY2(!key.contains(u"password"_s), qPrintable(u"the user shows a password field: "_s + key));
        QVERIFY(!r.body.contains("alice password 123"));
        QVERIFY(user[u"is_online"].isBool());
        QVERIFY2(isWireTime(user[u"created_at"]), qPrintable(user[u"created_at"].toString()));
        QVERIFY(isWireTime(user[u"updated_at"]));
    }

    void registerRefusesATakenUsernameOrEmail_data()
    {
        QTest::addColumn<QString>("driver");
        QTest::addColumn<QString>("username");
        QTest::addColumn<QString>("email");
        for (const QString &driver : drivers()) {
            QTest::addRow("%s/same username", qPrintable(driver)) << driver << u"alice"_s << u"other@example.org"_s;
            QTest::addRow("%s/same email", qPrintable(driver)) << driver << u"other"_s << u"alice@example.org"_s;
        }
    }
    void registerRefusesATakenUsernameOrEmail()
    {
        QFETCH(QString, driver);
        QFETCH(QString, username);
        QFETCH(QString, email);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        const HttpResponse r = env.http().post(u"/auth/register"_s, {{u"username"_s, username},
                                                                    {u"email"_s, email},
                                                                    {u"password"_s, u"other password 123"_s}});
        FC_STATUS(r, 409);
        QVERIFY(r.isJsonContentType());
        QVERIFY2(r.isErrorBody(), r.body.constData());
        // Nothing changed: still one user, and alice still logs in with her own password.
        const HttpResponse list = env.http().get(u"/users"_s, alice.token);
        FC_STATUS(list, 200);
        QCOMPARE(list.array().size(), 1);
        const HttpResponse login = env.http().post(u"/auth/login"_s, {{u"email"_s, u"alice@example.org"_s},
                                                                     {u"password"_s, alice.password}});
        FC_STATUS(login, 200);
        const HttpResponse intruder = env.http().post(u"/auth/login"_s, {{u"email"_s, email},
                                                                        {u"password"_s, u"other password 123"_s}});
        FC_STATUS(intruder, 401);
    }

    void registerRefusesInvalidBodies_data()
    {
        QTest::addColumn<QString>("driver");
        QTest::addColumn<QByteArray>("body");
        const QList<std::pair<const char *, QByteArray>> bodies = {
            {"not JSON", "username=carol&email=carol@example.org&password=secret123"},
            {"truncated JSON", R"({"username": "carol", "email": "carol@example.org", "password": )"},
            {"JSON array", R"([{"username": "carol", "email": "carol@example.org", "password": "carol password 123"}])"},
            {"JSON string", R"("carol")"},
            {"empty object", "{}"},
            {"empty body", ""},
            {"missing username", R"({"email": "carol@example.org", "password": "carol password 123"})"},
            {"missing email", R"({"username": "carol", "password": "carol password 123"})"},
            {"missing password", R"({"username": "carol", "email": "carol@example.org"})"},
            {"username number", R"({"username": 7, "email": "carol@example.org", "password": "carol password 123"})"},
            {"username null", R"({"username": null, "email": "carol@example.org", "password": "carol password 123"})"},
            {"email number", R"({"username": "carol", "email": 7, "password": "carol password 123"})"},
            {"email array", R"({"username": "carol", "email": ["carol@example.org"], "password": "carol password 123"})"},
            {"password number", R"({"username": "carol", "email": "carol@example.org", "password": 12345678})"},
            {"password object", R"({"username": "carol", "email": "carol@example.org", "password": {}})"},
            {"empty username", R"({"username": "", "email": "carol@example.org", "password": "carol password 123"})"},
            {"empty email", R"({"username": "carol", "email": "", "password": "carol password 123"})"},
            {"empty password", R"({"username": "carol", "email": "carol@example.org", "password": ""})"},
        };
        for (const QString &driver : drivers())
            for (const auto &[name, body] : bodies)
                QTest::addRow("%s/%s", qPrintable(driver), name) << driver << body;
    }
    void registerRefusesInvalidBodies()
    {
        QFETCH(QString, driver);
        QFETCH(QByteArray, body);
        TestEnv env;
        FC_START(env, driver);
        const HttpResponse r = env.http().send("POST", u"/auth/register"_s, body, {});
        FC_STATUS(r, 400);
        QVERIFY2(r.isJsonContentType(), r.contentType().constData());
        QVERIFY2(r.isErrorBody(), r.body.constData());
        // A refused request changes nothing: carol can still register with both names.
        const HttpResponse ok = env.http().post(u"/auth/register"_s, {{u"username"_s, u"carol"_s},
                                                                     {u"email"_s, u"carol@example.org"_s},
                                                                     {u"password"_s, u"carol password 123"_s}});
        FC_STATUS(ok, 201);
    }

    void loginReturnsADocumentedSession_data() { addDriverRows(); }
    void loginReturnsADocumentedSession()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        const HttpResponse r = env.http().post(u"/auth/login"_s, {{u"email"_s, alice.email}, {u"password"_s, alice.password}});
        FC_STATUS(r, 200);
        QVERIFY(r.isJsonContentType());
        const QJsonObject s = r.object();
        const QStringList keys{u"token"_s, u"access_token"_s, u"refresh_token"_s, u"token_type"_s, u"expires_in"_s, u"user"_s};
        QVERIFY2(missingKeys(s, keys).isEmpty(), qPrintable(missingKeys(s, keys)));
        QVERIFY(s[u"token"].isString() && !s[u"token"].toString().isEmpty());
        QCOMPARE(s[u"token"].toString(), s[u"access_token"].toString());
        QVERIFY(s[u"refresh_token"].isString() && !s[u"refresh_token"].toString().isEmpty());
        QCOMPARE(s[u"token_type"].toString(), u"Bearer"_s);
        QCOMPARE(s[u"expires_in"].toInteger(), 900); // 15 minutes
        const QJsonObject user = s[u"user"].toObject();
        QCOMPARE(user[u"id"].toInteger(), alice.id);
        QCOMPARE(user[u"email"].toString(), alice.email);
        for (const QString &key : user.keys())
            QVERIFY2(!key.contains(u"password"_s), qPrintable(key));

        // The access token: HS256 JWT with exactly the documented header and claims.
        const QString token = s[u"access_token"].toString();
        QVERIFY2(!jwt::parts(token).isEmpty(), qPrintable(token));
        QCOMPARE(jwt::fromBase64Url(jwt::parts(token).at(0)), QByteArray(R"({"alg":"HS256","typ":"JWT"})"));
        const QJsonObject claims = jwt::claims(token);
        QVERIFY2(isPositiveId(claims[u"user_id"]), "user_id must be a JSON number");
        QCOMPARE(claims[u"user_id"].toInteger(), alice.id);
        QCOMPARE(claims[u"sub"].toString(), QString::number(alice.id));
        QVERIFY(claims.contains(u"sid"));
        QVERIFY(claims[u"iat"].isDouble());
        QVERIFY(claims[u"exp"].isDouble());
        QCOMPARE(claims[u"exp"].toInteger() - claims[u"iat"].toInteger(), 900);

        const HttpResponse me = env.http().get(u"/users/me"_s, token);
        FC_STATUS(me, 200);
        QCOMPARE(me.object()[u"id"].toInteger(), alice.id);
        QCOMPARE(me.object()[u"email"].toString(), alice.email);
    }

    void loginAcceptsTheUsernameInsteadOfTheEmail_data() { addDriverRows(); }
    void loginAcceptsTheUsernameInsteadOfTheEmail()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        const HttpResponse r = env.http().post(u"/auth/login"_s, {{u"username"_s, alice.username}, {u"password"_s, alice.password}});
        FC_STATUS(r, 200);
        QCOMPARE(r.object()[u"user"].toObject()[u"id"].toInteger(), alice.id);
        QCOMPARE(meStatus(env.http(), r.object()[u"access_token"].toString()), 200);
    }

    void loginRefusesAWrongPasswordAndAnUnknownEmailAlike_data() { addDriverRows(); }
    void loginRefusesAWrongPasswordAndAnUnknownEmailAlike()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        const HttpResponse wrong = env.http().post(u"/auth/login"_s, {{u"email"_s, alice.email}, {u"password"_s, u"not her password"_s}});
        FC_STATUS(wrong, 401);
        QVERIFY(wrong.isJsonContentType());
        QVERIFY2(wrong.isErrorBody(), wrong.body.constData());
        QCOMPARE(wrong.object()[u"error"].toString(), u"Invalid credentials"_s);
        QVERIFY(!wrong.object().contains(u"token"));

        const HttpResponse unknown = env.http().post(u"/auth/login"_s, {{u"email"_s, u"nobody@example.org"_s}, {u"password"_s, alice.password}});
        FC_STATUS(unknown, 401);
        QVERIFY(unknown.isJsonContentType());
        QCOMPARE(unknown.object(), wrong.object()); // nothing tells the two apart

        const HttpResponse empty = env.http().post(u"/auth/login"_s, {{u"email"_s, alice.email}, {u"password"_s, u""_s}});
        QVERIFY2(empty.status == 401 || empty.status == 400, qPrintable(empty.describe()));
        QVERIFY(!empty.object().contains(u"token"));
    }

    void tokensThatAreNotExactlyRightAreRefused_data()
    {
        QTest::addColumn<QString>("driver");
        QTest::addColumn<QString>("kind");
        QTest::addColumn<bool>("accepted");
        const QList<std::pair<const char *, bool>> kinds = {
            {"re-signed with the server's secret (control)", true},
            {"tampered payload", false},
            {"expired", false},
            {"alg none", false},
            {"alg HS512", false},
            {"extra header field", false},
            {"wrong secret", false},
            {"missing user_id", false},
            {"user_id as a string", false},
            {"not a JWT", false},
            {"signature cut off", false},
        };
        for (const QString &driver : drivers())
            for (const auto &[kind, accepted] : kinds)
                QTest::addRow("%s/%s", qPrintable(driver), kind) << driver << QString::fromLatin1(kind) << accepted;
    }
    void tokensThatAreNotExactlyRightAreRefused()
    {
        QFETCH(QString, driver);
        QFETCH(QString, kind);
        QFETCH(bool, accepted);
        const QByteArray secretFile = makeSecret();
        const QByteArray secret = secretFile.trimmed();
        TestEnv env;
        FC_START(env, driver, secretFile);
        FC_USER(alice, env, u"alice"_s);
        FC_USER(bob, env, u"bob"_s);

        const QJsonObject real = jwt::claims(alice.token);
        QVERIFY2(!real.isEmpty(), qPrintable(alice.token));
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        QString token;
        if (kind.startsWith(u"re-signed")) {
            token = jwt::sign(jwt::hs256Header(), real, secret);
        } else if (kind == u"tampered payload") {
            QJsonObject claims = real;
            claims[u"user_id"_s] = bob.id;
            claims[u"sub"_s] = QString::number(bob.id);
            const QList<QByteArray> p = jwt::parts(alice.token);
            token = QString::fromLatin1(p.at(0) + '.' + jwt::base64Url(QJsonDocument(claims).toJson(QJsonDocument::Compact))
                                        + '.' + p.at(2));
        } else if (kind == u"expired") {
            QJsonObject claims = real;
            claims[u"iat"_s] = now - 3600;
            claims[u"exp"_s] = now - 1800;
            token = jwt::sign(jwt::hs256Header(), claims, secret);
        } else if (kind == u"alg none") {
            token = jwt::unsigned_(QJsonObject{{u"alg"_s, u"none"_s}, {u"typ"_s, u"JWT"_s}}, real);
        } else if (kind == u"alg HS512") {
            token = jwt::sign(QJsonObject{{u"alg"_s, u"HS512"_s}, {u"typ"_s, u"JWT"_s}}, real, secret,
                              QCryptographicHash::Sha512);
        } else if (kind == u"extra header field") {
            QJsonObject header = jwt::hs256Header();
            header[u"kid"_s] = u"1"_s;
            token = jwt::sign(header, real, secret);
        } else if (kind == u"wrong secret") {
            token = jwt::sign(jwt::hs256Header(), real, makeSecret().trimmed());
        } else if (kind == u"missing user_id") {
            QJsonObject claims = real;
            claims.remove(u"user_id"_s);
            token = jwt::sign(jwt::hs256Header(), claims, secret);
        } else if (kind == u"user_id as a string") {
            QJsonObject claims = real;
            claims[u"user_id"_s] = QString::number(alice.id);
            token = jwt::sign(jwt::hs256Header(), claims, secret);
        } else if (kind == u"not a JWT") {
            token = u"definitely-not-a-token"_s;
        } else if (kind == u"signature cut off") {
            token = alice.token.left(alice.token.lastIndexOf(u'.') + 1);
        }
        QVERIFY(!token.isEmpty());

        const int expectedHttp = accepted ? 200 : 401;
        const HttpResponse me = env.http().get(u"/users/me"_s, token);
        FC_STATUS(me, expectedHttp);
        QVERIFY(me.isJsonContentType());
        if (accepted)
            QCOMPARE(me.object()[u"id"].toInteger(), alice.id);
        else
            QVERIFY2(me.isErrorBody(), me.body.constData());

        const int expectedWs = accepted ? 101 : 401;
        QCOMPARE(WsClient::upgradeStatus(env.server().baseUrl(), u"/ws"_s,
                                         {{"Authorization", "Bearer " + token.toUtf8()}}),
                 expectedWs);
        QCOMPARE(WsClient::upgradeStatus(env.server().baseUrl(),
                                         u"/ws?token="_s + QString::fromLatin1(QUrl::toPercentEncoding(token)), {}),
                 expectedWs);
    }

    void missingOrMalformedAuthorizationIsRefused_data()
    {
        QTest::addColumn<QString>("driver");
        QTest::addColumn<QByteArray>("authorization");
        for (const QString &driver : drivers()) {
            QTest::addRow("%s/no header", qPrintable(driver)) << driver << QByteArray();
            QTest::addRow("%s/empty bearer", qPrintable(driver)) << driver << QByteArray("Bearer ");
            QTest::addRow("%s/basic", qPrintable(driver)) << driver << QByteArray("Basic YWxpY2U6cGFzc3dvcmQ=");
        }
    }
    void missingOrMalformedAuthorizationIsRefused()
    {
        QFETCH(QString, driver);
        QFETCH(QByteArray, authorization);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        RawHeaders headers;
        if (!authorization.isEmpty())
            headers.append({"Authorization", authorization});
        for (const char *path : {"/users/me", "/users", "/chat/conversations"}) {
            const HttpResponse r = env.http().send("GET", QString::fromLatin1(path), {}, headers);
            FC_STATUS(r, 401);
            QVERIFY(r.isJsonContentType());
            QVERIFY2(r.isErrorBody(), r.body.constData());
        }
        QCOMPARE(WsClient::upgradeStatus(env.server().baseUrl(), u"/ws"_s, headers), 401);
    }

    void theBareTokenIsAcceptedAsInTheSeed_data() { addDriverRows(); }
    void theBareTokenIsAcceptedAsInTheSeed()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        const HttpResponse r = env.http().send("GET", u"/users/me"_s, {}, {{"Authorization", alice.token.toUtf8()}});
        FC_STATUS(r, 200);
        QCOMPARE(r.object()[u"id"].toInteger(), alice.id);
        FC_WS(bare, env, alice, WsClient::Auth::BareHeader);
        QVERIFY(bare->pingPong());
        FC_WS(query, env, alice, WsClient::Auth::Query);
        QVERIFY(query->pingPong());
    }

    void refreshRotatesAndAReusedRefreshTokenRevokesTheSession_data() { addDriverRows(); }
    void refreshRotatesAndAReusedRefreshTokenRevokesTheSession()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        TestUser other = alice; // a second, independent session of the same user
        QVERIFY2(env.login(other), qPrintable(env.error()));

        const HttpResponse first = env.http().post(u"/auth/refresh"_s, {{u"refresh_token"_s, alice.refreshToken}});
        FC_STATUS(first, 200);
        const QJsonObject session = first.object();
        const QString newRefresh = session[u"refresh_token"].toString();
        const QString newAccess = session[u"access_token"].toString();
        QVERIFY(!newRefresh.isEmpty());
        QVERIFY(newRefresh != alice.refreshToken);
        QCOMPARE(session[u"token"].toString(), newAccess);
        QCOMPARE(meStatus(env.http(), newAccess), 200);

        // The old refresh token is single use: refused, and its reuse kills the whole session.
        const HttpResponse reuse = env.http().post(u"/auth/refresh"_s, {{u"refresh_token"_s, alice.refreshToken}});
        FC_STATUS(reuse, 401);
        QVERIFY(reuse.isErrorBody());
        const HttpResponse afterReuse = env.http().post(u"/auth/refresh"_s, {{u"refresh_token"_s, newRefresh}});
        FC_STATUS(afterReuse, 401);
        QCOMPARE(meStatus(env.http(), newAccess), 401);

        // Another session of the same user is not touched.
        QCOMPARE(meStatus(env.http(), other.token), 200);
        const HttpResponse otherRefresh = env.http().post(u"/auth/refresh"_s, {{u"refresh_token"_s, other.refreshToken}});
        FC_STATUS(otherRefresh, 200);
    }

    void refreshAnswersAFullSessionLikeLogin_data() { addDriverRows(); }
    void refreshAnswersAFullSessionLikeLogin()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        const HttpResponse r = env.http().post(u"/auth/refresh"_s, {{u"refresh_token"_s, alice.refreshToken}});
        FC_STATUS(r, 200);
        QVERIFY(r.isJsonContentType());
        const QJsonObject s = r.object();
        const QStringList keys{u"token"_s, u"access_token"_s, u"refresh_token"_s, u"token_type"_s, u"expires_in"_s, u"user"_s};
        QVERIFY2(missingKeys(s, keys).isEmpty(), qPrintable(u"refresh session lacks: "_s + missingKeys(s, keys)));
        QCOMPARE(s[u"token"].toString(), s[u"access_token"].toString());
        QCOMPARE(s[u"token_type"].toString(), u"Bearer"_s);
        QCOMPARE(s[u"expires_in"].toInteger(), 900);
        QCOMPARE(s[u"user"].toObject()[u"id"].toInteger(), alice.id);
        QCOMPARE(s[u"user"].toObject()[u"email"].toString(), alice.email);
        QCOMPARE(jwt::claims(s[u"access_token"].toString())[u"user_id"].toInteger(), alice.id);
    }

    void refreshRefusesAnUnknownToken_data() { addDriverRows(); }
    void refreshRefusesAnUnknownToken()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        const HttpResponse r = env.http().post(u"/auth/refresh"_s, {{u"refresh_token"_s, u"not-a-refresh-token"_s}});
        FC_STATUS(r, 401);
        QVERIFY(r.isErrorBody());
        // An access token is not a refresh token.
        const HttpResponse access = env.http().post(u"/auth/refresh"_s, {{u"refresh_token"_s, alice.token}});
        FC_STATUS(access, 401);
    }

    void logoutEndsOnlyThatSession_data() { addDriverRows(); }
    void logoutEndsOnlyThatSession()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        TestUser other = alice;
        QVERIFY2(env.login(other), qPrintable(env.error()));

        const HttpResponse out = env.http().post(u"/auth/logout"_s, {}, alice.token);
        FC_STATUS(out, 200);
        QVERIFY(out.isJsonContentType());
        QVERIFY2(out.object()[u"message"].isString(), out.body.constData());

        const HttpResponse refresh = env.http().post(u"/auth/refresh"_s, {{u"refresh_token"_s, alice.refreshToken}});
        FC_STATUS(refresh, 401);
        QCOMPARE(meStatus(env.http(), alice.token), 401); // a revoked session's access token
        QCOMPARE(meStatus(env.http(), other.token), 200);
        const HttpResponse otherRefresh = env.http().post(u"/auth/refresh"_s, {{u"refresh_token"_s, other.refreshToken}});
        FC_STATUS(otherRefresh, 200);
    }

    void logoutWithoutATokenIsRefused_data() { addDriverRows(); }
    void logoutWithoutATokenIsRefused()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        const HttpResponse out = env.http().post(u"/auth/logout"_s, {});
        FC_STATUS(out, 401);
        QVERIFY(out.isErrorBody());
    }

    void aDeletedUsersTokensAreRefused_data() { addDriverRows(); }
    void aDeletedUsersTokensAreRefused()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        FC_USER(bob, env, u"bob"_s);
        const HttpResponse del = env.http().del(alice.path(), alice.token);
        FC_STATUS(del, 200);
        QCOMPARE(meStatus(env.http(), alice.token), 401);
        QCOMPARE(WsClient::upgradeStatus(env.server().baseUrl(), u"/ws"_s,
                                         {{"Authorization", "Bearer " + alice.token.toUtf8()}}),
                 401);
        const HttpResponse refresh = env.http().post(u"/auth/refresh"_s, {{u"refresh_token"_s, alice.refreshToken}});
        FC_STATUS(refresh, 401);
        const HttpResponse login = env.http().post(u"/auth/login"_s, {{u"email"_s, alice.email}, {u"password"_s, alice.password}});
        FC_STATUS(login, 401);
        QCOMPARE(meStatus(env.http(), bob.token), 200);
    }

    void theGeneratedSecretIsKeptAcrossRestarts_data() { addDriverRows(); }
    void theGeneratedSecretIsKeptAcrossRestarts()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver); // no --secret-file: the server makes one in its data dir
        FC_USER(alice, env, u"alice"_s);
        QVERIFY2(env.restart(), qPrintable(env.error()));
        QCOMPARE(meStatus(env.http(), alice.token), 200);
        const HttpResponse refresh = env.http().post(u"/auth/refresh"_s, {{u"refresh_token"_s, alice.refreshToken}});
        FC_STATUS(refresh, 200);
    }
};

QTEST_GUILESS_MAIN(TestAuth)
#include "tst_auth.moc"
