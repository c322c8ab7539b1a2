// SPDX-License-Identifier: MIT
// The authorization matrix (issue 8) against docs/protocol.md: users A, B and C; B and C share
// a conversation with messages both ways, one of them read, and B has two sessions and a live
// socket. For every route and every client frame type, A tries to read or change what belongs
// to B or to the B-C conversation. Each row of the table names the attempt and the answer it
// must get; after every attempt the test checks that nothing of B's changed: B's profile, the
// B-C history (content, read_at), the unread counts of B and C, and B's session (its access
// token, its socket, its refresh token). Every row runs on sqlite and postgres, each with a
// fresh server and database.
#include "Jwt.h"
#include "TestEnv.h"

#include <QtTest>

#include <fastchat/crypto/IdentityKey.h>
#include <fastchat/crypto/PreKeyBundle.h>
#include <fastchat/crypto/PreKeys.h>

using namespace Qt::StringLiterals;
using namespace fctest;
using namespace fastchat::crypto;

namespace {

QJsonObject chat(qint64 receiverId, const QString &content, const QString &clientId = {})
{
    QJsonObject p{{u"receiver_id"_s, receiverId}, {u"content"_s, content}, {u"type"_s, u"text"_s}};
    if (!clientId.isEmpty())
        p.insert(u"client_id"_s, clientId);
    return p;
}

QString compact(const QJsonValue &value)
{
    if (value.isArray())
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
}

// B's token with the user_id (and sub) claims changed to `userId`; header and signature kept.
QString tamperedToken(const QString &token, qint64 userId)
{
    const QList<QByteArray> parts = jwt::parts(token);
    if (parts.size() != 3)
        return {};
    QJsonObject claims = jwt::claims(token);
    claims.insert(u"user_id"_s, userId);
    claims.insert(u"sub"_s, QString::number(userId));
    const QByteArray body = jwt::base64Url(QJsonDocument(claims).toJson(QJsonDocument::Compact));
    return QString::fromLatin1(parts.at(0) + '.' + body + '.' + parts.at(2));
}

// What must not change: a compact, comparable picture of B's state.
struct Snapshot
{
    QString profile;        // GET /users/B as B, without presence
    QString history;        // GET /chat/history/C?after=0&limit=200 as B (no read side effect)
    QString conversationsB; // {id, peer_id, unread_count, last_message_id} of B's conversation with
                            // C
    QString conversationsC;
    QString files; // B's sent file and unfinished upload as B sees them, and their bytes
    QString keys;  // B's one-time prekeys left
    bool operator==(const Snapshot &o) const
    {
        return profile == o.profile && history == o.history && conversationsB == o.conversationsB
                && conversationsC == o.conversationsC && files == o.files && keys == o.keys;
    }
    QString describe() const
    {
        return u"profile=%1\nhistory=%2\nconversations(B)=%3\nconversations(C)=%4\nfiles=%5\nkeys=%6"_s
                .arg(profile, history, conversationsB, conversationsC, files, keys);
    }
};

QString conversationSummary(const QJsonArray &conversations)
{
    QJsonArray out;
    for (const QJsonValue &v : conversations) {
        const QJsonObject c = v.toObject();
        out.append(QJsonObject{{u"id"_s, c.value(u"id")},
                               {u"peer_id"_s, c.value(u"peer_id")},
                               {u"unread_count"_s, c.value(u"unread_count")},
                               {u"last_message_id"_s, c.value(u"last_message_id")}});
    }
    return compact(out);
}

} // namespace

#define FC_NO_VIOLATIONS(ws) \
    QVERIFY2((ws)->violations().isEmpty(), qPrintable((ws)->violations().join(u'\n')))

class TestAuthorization : public QObject
{
    Q_OBJECT

private:
    // B's files: F (complete, sent to C) and U (half uploaded); B's published keys.
    QString m_fileF, m_fileU;
    QJsonObject m_bKeys;

    Snapshot snapshot(TestEnv &env, const TestUser &b, const TestUser &c)
    {
        Snapshot s;
        const HttpResponse profile = env.http().get(b.path(), b.token);
        QJsonObject p = profile.object();
        p.remove(u"is_online"_s);
        p.remove(u"last_seen"_s);
        s.profile = u"%1 %2"_s.arg(profile.status).arg(compact(p));
        s.history = compact(env.history(b, c.id, u"?after=0&limit=200"_s));
        // Only the B-C conversation: a row where A writes to B or C legitimately adds one.
        s.conversationsB = conversationSummary({env.conversationWith(b, c.id)});
        s.conversationsC = conversationSummary({env.conversationWith(c, b.id)});
        for (const QString &id : {m_fileF, m_fileU}) {
            const HttpResponse f = env.http().get(u"/files/"_s + id, b.token);
            s.files += u"%1 %2; "_s.arg(f.status).arg(QString::fromUtf8(f.body));
        }
        const HttpResponse bytes = env.http().get(u"/files/%1/content"_s.arg(m_fileF), b.token);
        s.files += u"content %1 %2"_s.arg(bytes.status)
                           .arg(QString::fromLatin1(bytes.body.toHex()));
        const HttpResponse keys = env.http().get(u"/keys"_s, b.token);
        s.keys = u"%1 %2"_s.arg(keys.status).arg(QString::fromUtf8(keys.body));
        return s;
    }

private slots:
    void initTestCase()
    {
        // Real keys (the server checks the signed prekey's signature).
        const IdentityKeyPair identity = IdentityKeyPair::generate();
        PreKeyUpload upload;
        upload.identityKey = identity.publicKey();
        upload.signedPreKey = SignedPreKeyPublic::from(SignedPreKey::generate(identity, 1));
        for (const OneTimePreKey &k : OneTimePreKey::generate(1, 3))
            upload.oneTimePreKeys.append(OneTimePreKeyPublic::from(k));
        m_bKeys = upload.toJson();
    }

    void attempt_data()
    {
        QTest::addColumn<QString>("driver");
        QTest::addColumn<QString>("attempt");
        // "HTTP <status>", "frame <type>[/<error code>]" (the frame A's socket gets), or
        // "upgrade <status>" (the answer to a WebSocket upgrade).
        QTest::addColumn<QString>("expected");
        const QList<QPair<const char *, const char *>> rows = {
                // REST: the profile
                {"GET /users/{B}: no e-mail", "HTTP 200"},
                {"GET /users?q=B: no e-mail", "HTTP 200"},
                {"PUT /users/{B} username", "HTTP 403"},
                {"PUT /users/{B} email", "HTTP 403"},
                {"PUT /users/{B} profile_image", "HTTP 403"},
                {"PUT /users/{B} password with A's current_password", "HTTP 403"},
                {"DELETE /users/{B}", "HTTP 403"},
                {"PUT /users/{A} with id and user_id of B in the body", "HTTP 200"},
                {"PUT /users/{A} username of B", "HTTP 409"},
                {"PUT /users/{A} email of B", "HTTP 409"},
                // REST: the B-C conversation
                {"GET /chat/conversations as A", "HTTP 200"},
                {"GET /chat/history/{C} as A (seed form)", "HTTP 200"},
                {"GET /chat/history/{C}?after=0 as A (page)", "HTTP 200"},
                {"GET /chat/history/{B} as A", "HTTP 200"},
                // A has no conversation with C or B: the contract names no answer for that; the
                // server's 404 / not_found is taken as the expected one.
                {"POST /chat/read {peer_id: C} as A", "HTTP 404"},
                {"POST /chat/read {peer_id: B} as A", "HTTP 404"},
                {"POST /chat/message as A with sender_id of B and the B-C conversation_id",
                 "HTTP 201"},
                // REST: sessions and tokens
                {"POST /auth/refresh with B's refresh token after B logged out", "HTTP 401"},
                {"POST /auth/logout with A's token", "HTTP 200"},
                {"GET /users/me with B's token, user_id claim of A", "HTTP 401"},
                {"PUT /users/{C} with B's token, user_id claim of C", "HTTP 401"},
                {"GET /chat/history/{B} with B's token, user_id claim of C", "HTTP 401"},
                // REST: files (B's file F went to C; B's upload U is half done) and keys
                {"GET /files/{F} as A", "HTTP 404"},
                {"GET /files/{F}/content as A", "HTTP 404"},
                {"GET /files/{U} as A", "HTTP 404"},
                {"PATCH /files/{U} at its offset as A", "HTTP 404"},
                {"DELETE /files/{U} as A", "HTTP 404"},
                {"POST /chat/message to B with file_id F as A", "HTTP 404"},
                {"PUT /keys as A with B's published keys", "HTTP 200"},
                {"GET /keys as A", "HTTP 200"},
                // WebSocket: every client frame type, and forged server frames
                {"ws upgrade with B's token, user_id claim of A", "upgrade 401"},
                {"chat_message to C with sender_id of B", "frame ack"},
                {"chat_message to B", "frame ack"},
                {"read {peer_id: C} as A", "frame error/not_found"},
                {"read {peer_id: B, reader_id: C} as A", "frame error/not_found"},
                {"resume from 0 as A", "frame resume_done"},
                {"typing_status to B", "frame none"},
                {"typing_status to C with sender_id of B", "frame none"},
                {"ping", "frame pong"},
                {"read_receipt forged as C", "frame error/forbidden"},
                {"user_status forged as B offline", "frame error/forbidden"},
                {"ack forged", "frame error/forbidden"},
                {"chat_message to C with file_id F", "frame error/not_found"},
        };
        for (const QString &driver : drivers())
            for (const auto &[attempt, expected] : rows)
                QTest::addRow("%s: %s", qPrintable(driver), attempt)
                        << driver << QString::fromUtf8(attempt) << QString::fromUtf8(expected);
    }

    void attempt()
    {
        QFETCH(QString, driver);
        QFETCH(QString, attempt);
        QFETCH(QString, expected);

        TestEnv env;
        FC_START(env, driver);
        FC_USER(a, env, u"usera"_s);
        TestUser b = env.createUser(u"userb"_s);
        QVERIFY2(b.ok(), qPrintable(env.error()));
        FC_USER(c, env, u"userc"_s);
        // B's second session: the one the logout row ends.
        TestUser b2 = b;
        QVERIFY2(env.login(b2), qPrintable(env.error()));

        // B's files: F sent to C (before b1, so C's read of b1 covers it), U half uploaded; B's
        // keys with 3 one-time prekeys (m_bKeys, also used by the row where A publishes them).
        const auto upload = [&](const QByteArray &bytes, qint64 size) {
            const HttpResponse created = env.http().post(
                    u"/files"_s, {{u"size"_s, size}, {u"name"_s, u"b.txt"_s}}, b.token);
            const QString id = created.object().value(u"id").toString();
            env.http().send(
                    "PATCH", u"/files/"_s + id, bytes,
                    {{"Content-Type", "application/offset+octet-stream"}, {"Upload-Offset", "0"}},
                    b.token);
            return id;
        };
        m_fileF = upload("B's file for C", 14);
        m_fileU = upload("half of it", 20);
        const HttpResponse sentF = env.http().post(u"/chat/message"_s,
                                                   {{u"receiver_id"_s, c.id},
                                                    {u"content"_s, u"{}"_s},
                                                    {u"type"_s, u"file"_s},
                                                    {u"file_id"_s, m_fileF}},
                                                   b.token);
        FC_STATUS(sentF, 201);
        const HttpResponse keysUp = env.http().put(u"/keys"_s, m_bKeys, b.token);
        FC_STATUS(keysUp, 200);

        QList<qint64> bToC;
        for (const QString &text : {u"b1"_s, u"b2"_s})
            bToC << env.sendMessage(b, c, text).value(u"id").toInteger();
        QList<qint64> cToB;
        for (const QString &text : {u"c1"_s, u"c2"_s})
            cToB << env.sendMessage(c, b, text).value(u"id").toInteger();
        bToC << env.sendMessage(b, c, u"b3"_s).value(u"id").toInteger();
        QVERIFY2(!bToC.contains(0) && !cToB.contains(0), qPrintable(env.error()));
        // C has read b1: one read_at set, b2 and b3 unread for C, c1 and c2 unread for B.
        FC_STATUS(env.http().post(u"/chat/read"_s,
                                  {{u"peer_id"_s, b.id}, {u"message_id"_s, bToC.first()}}, c.token),
                  200);
        const qint64 newest = bToC.last();

        FC_WS(bWs, env, b);
        FC_WS(cWs, env, c);
        QVERIFY(bWs->pingPong());
        QVERIFY(cWs->pingPong());
        // C's arrival reaches B after a contacts lookup on a store thread, which may finish
        // after the pings: wait for it here, so that it cannot land in the middle of the
        // attempt and pass for something the attempt caused.
        QVERIFY2(QTest::qWaitFor(
                         [&] {
                             for (const QJsonObject &f : bWs->queued(u"user_status"_s)) {
                                 const QJsonObject p = f.value(u"payload").toObject();
                                 if (p.value(u"user_id").toInteger() == c.id
                                     && p.value(u"is_online").toBool())
                                     return true;
                             }
                             return false;
                         },
                         10000),
                 "B was not told that C is online");

        const Snapshot before = snapshot(env, b, c);
        QCOMPARE(env.conversationWith(b, c.id).value(u"unread_count").toInteger(), 2);
        QCOMPARE(env.conversationWith(c, b.id).value(u"unread_count").toInteger(), 2);
        QVERIFY2(before.history.contains(u"\"read_at\":\"")
                         && before.history.contains(u"\"read_at\":null"),
                 qPrintable(before.history));

        bWs->clearQueue();
        cWs->clearQueue();
        HttpResponse r;
        QString frame;       // what A's socket got: "<type>" or "error/<code>", "none"
        QStringList cMayGet; // frame types C may get because of the attempt (A writing to C)
        QStringList bMayGet;
        bool bLoggedOut = false;
        auto &http = env.http();
        std::unique_ptr<WsClient> aWs;

        const auto openA = [&] {
            aWs = env.connectWs(a);
            return aWs && aWs->pingPong();
        };
        // The first frame A's socket gets within 10 s among `types`, as "type" or "error/code".
        const auto firstOf = [&](const QStringList &types) -> QString {
            QString got = u"none"_s;
            (void)QTest::qWaitFor(
                    [&] {
                        for (const QJsonObject &f : aWs->allQueued()) {
                            const QString type = f.value(u"type").toString();
                            if (type == u"error") {
                                got = u"error/"_s
                                        + f.value(u"payload").toObject().value(u"code").toString();
                                return true;
                            }
                            if (types.contains(type)) {
                                got = type;
                                return true;
                            }
                        }
                        return false;
                    },
                    10000);
            return got;
        };

        if (attempt == u"GET /users/{B}: no e-mail") {
            r = http.get(b.path(), a.token);
            QCOMPARE(r.object().value(u"id").toInteger(), b.id);
            QVERIFY2(!r.object().contains(u"email"), qPrintable(r.describe()));
            QVERIFY2(!QString::fromUtf8(r.body).contains(b.email), qPrintable(r.describe()));
        } else if (attempt == u"GET /users?q=B: no e-mail") {
            r = http.get(u"/users?q=userb"_s, a.token);
            QCOMPARE(r.array().size(), 1);
            QVERIFY2(!r.array().first().toObject().contains(u"email"), qPrintable(r.describe()));
            QVERIFY2(!QString::fromUtf8(r.body).contains(b.email), qPrintable(r.describe()));
        } else if (attempt == u"PUT /users/{B} username") {
            r = http.put(b.path(), {{u"username"_s, u"hijacked"_s}}, a.token);
        } else if (attempt == u"PUT /users/{B} email") {
            r = http.put(b.path(), {{u"email"_s, u"attacker@example.org"_s}}, a.token);
        } else if (attempt == u"PUT /users/{B} profile_image") {
            r = http.put(b.path(), {{u"profile_image"_s, u"https://evil.example/x.png"_s}},
                         a.token);
        } else if (attempt == u"PUT /users/{B} password with A's current_password") {
            r = http.put(b.path(),
                         {{u"password"_s, u"attacker password 1"_s},
                          {u"current_password"_s, a.password}},
                         a.token);
        } else if (attempt == u"DELETE /users/{B}") {
            r = http.del(b.path(), a.token);
        } else if (attempt == u"PUT /users/{A} with id and user_id of B in the body") {
            r = http.put(a.path(),
                         {{u"id"_s, b.id}, {u"user_id"_s, b.id}, {u"profile_image"_s, u"a.png"_s}},
                         a.token);
            const QJsonObject user = r.object().value(u"user").toObject();
            QCOMPARE(user.value(u"id").toInteger(), a.id);
            QCOMPARE(user.value(u"profile_image").toString(), u"a.png"_s);
        } else if (attempt == u"PUT /users/{A} username of B") {
            r = http.put(a.path(), {{u"username"_s, u"USERB"_s}}, a.token);
        } else if (attempt == u"PUT /users/{A} email of B") {
            r = http.put(a.path(), {{u"email"_s, b.email}}, a.token);
        } else if (attempt == u"GET /chat/conversations as A") {
            r = http.get(u"/chat/conversations"_s, a.token);
            QVERIFY2(r.isArray() && r.array().isEmpty(), qPrintable(r.describe()));
        } else if (attempt == u"GET /chat/history/{C} as A (seed form)") {
            r = http.get(u"/chat/history/%1"_s.arg(c.id), a.token);
            QVERIFY2(r.isArray() && r.array().isEmpty(), qPrintable(r.describe()));
        } else if (attempt == u"GET /chat/history/{C}?after=0 as A (page)") {
            r = http.get(u"/chat/history/%1?after=0&limit=200"_s.arg(c.id), a.token);
            QVERIFY2(r.isArray() && r.array().isEmpty(), qPrintable(r.describe()));
            const HttpResponse before2 = http.get(
                    u"/chat/history/%1?before=%2&limit=200"_s.arg(c.id).arg(newest + 1), a.token);
            QVERIFY2(before2.status == 200 && before2.array().isEmpty(),
                     qPrintable(before2.describe()));
        } else if (attempt == u"GET /chat/history/{B} as A") {
            r = http.get(u"/chat/history/%1"_s.arg(b.id), a.token);
            QVERIFY2(r.isArray() && r.array().isEmpty(), qPrintable(r.describe()));
        } else if (attempt == u"POST /chat/read {peer_id: C} as A") {
            r = http.post(u"/chat/read"_s, {{u"peer_id"_s, c.id}, {u"message_id"_s, newest}},
                          a.token);
        } else if (attempt == u"POST /chat/read {peer_id: B} as A") {
            r = http.post(u"/chat/read"_s,
                          {{u"peer_id"_s, b.id}, {u"message_id"_s, newest}, {u"reader_id"_s, c.id}},
                          a.token);
        } else if (attempt
                   == u"POST /chat/message as A with sender_id of B and the B-C conversation_id") {
            const qint64 bc = env.conversationWith(b, c.id).value(u"id").toInteger();
            QJsonObject body = chat(c.id, u"from A"_s);
            body.insert(u"sender_id"_s, b.id);
            body.insert(u"user_id"_s, b.id);
            body.insert(u"conversation_id"_s, bc);
            r = http.post(u"/chat/message"_s, body, a.token);
            QCOMPARE(r.object().value(u"sender_id").toInteger(), a.id);
            QVERIFY(r.object().value(u"conversation_id").toInteger() != bc);
            QCOMPARE(env.history(c, a.id, u"?after=0"_s).size(), 1);
            QCOMPARE(env.history(c, a.id, u"?after=0"_s)
                             .first()
                             .toObject()
                             .value(u"sender_id")
                             .toInteger(),
                     a.id);
            cMayGet << u"chat_message"_s << u"user_status"_s;
        } else if (attempt == u"POST /auth/refresh with B's refresh token after B logged out") {
            FC_STATUS(http.post(u"/auth/logout"_s, {}, b2.token), 200);
            r = http.post(u"/auth/refresh"_s, {{u"refresh_token"_s, b2.refreshToken}});
            bLoggedOut = true;
        } else if (attempt == u"POST /auth/logout with A's token") {
            r = http.post(u"/auth/logout"_s, {}, a.token);
            FC_STATUS(http.get(u"/users/me"_s, a.token), 401);
        } else if (attempt == u"GET /users/me with B's token, user_id claim of A") {
            r = http.get(u"/users/me"_s, tamperedToken(b.token, a.id));
        } else if (attempt == u"PUT /users/{C} with B's token, user_id claim of C") {
            r = http.put(c.path(), {{u"profile_image"_s, u"x.png"_s}},
                         tamperedToken(b.token, c.id));
        } else if (attempt == u"GET /chat/history/{B} with B's token, user_id claim of C") {
            r = http.get(u"/chat/history/%1"_s.arg(b.id), tamperedToken(b.token, c.id));
        } else if (attempt == u"GET /files/{F} as A") {
            r = http.get(u"/files/"_s + m_fileF, a.token);
        } else if (attempt == u"GET /files/{F}/content as A") {
            r = http.get(u"/files/%1/content"_s.arg(m_fileF), a.token);
            QVERIFY2(!r.body.contains("B's file"), r.body.constData());
        } else if (attempt == u"GET /files/{U} as A") {
            r = http.get(u"/files/"_s + m_fileU, a.token);
        } else if (attempt == u"PATCH /files/{U} at its offset as A") {
            r = http.send(
                    "PATCH", u"/files/"_s + m_fileU, "A's bytes!",
                    {{"Content-Type", "application/offset+octet-stream"}, {"Upload-Offset", "10"}},
                    a.token);
        } else if (attempt == u"DELETE /files/{U} as A") {
            r = http.del(u"/files/"_s + m_fileU, a.token);
        } else if (attempt == u"POST /chat/message to B with file_id F as A") {
            r = http.post(u"/chat/message"_s,
                          {{u"receiver_id"_s, b.id},
                           {u"content"_s, u"{}"_s},
                           {u"type"_s, u"file"_s},
                           {u"file_id"_s, m_fileF}},
                          a.token);
        } else if (attempt == u"PUT /keys as A with B's published keys") {
            r = http.put(u"/keys"_s, m_bKeys, a.token);
            QCOMPARE(r.object().value(u"one_time_prekeys").toInteger(), 3); // A's own three copies
        } else if (attempt == u"GET /keys as A") {
            r = http.get(u"/keys"_s, a.token);
            QCOMPARE(r.object().value(u"one_time_prekeys").toInteger(), 0); // A's count, not B's
        } else if (attempt == u"ws upgrade with B's token, user_id claim of A") {
            const QString forged = tamperedToken(b.token, a.id);
            const int status = WsClient::upgradeStatus(
                    env.server().baseUrl(), u"/ws"_s,
                    {{"Authorization", "Bearer " + forged.toLatin1()}});
            const int queryStatus = WsClient::upgradeStatus(env.server().baseUrl(),
                                                            u"/ws?token="_s + forged, {});
            QCOMPARE(queryStatus, status);
            frame = u"upgrade %1"_s.arg(status);
        } else {
            QVERIFY(openA());
            if (attempt == u"chat_message to C with sender_id of B") {
                QJsonObject p = chat(c.id, u"forged"_s, u"a-1"_s);
                p.insert(u"sender_id"_s, b.id);
                p.insert(u"user_id"_s, b.id);
                aWs->sendFrame(u"chat_message"_s, p);
                frame = firstOf({u"ack"_s});
                const QJsonObject got = cWs->waitForPayload(u"chat_message"_s);
                QCOMPARE(got.value(u"sender_id").toInteger(), a.id);
                const QJsonArray stored = env.history(c, a.id, u"?after=0"_s);
                QCOMPARE(stored.size(), 1);
                QCOMPARE(stored.first().toObject().value(u"sender_id").toInteger(), a.id);
                cMayGet << u"chat_message"_s << u"user_status"_s;
            } else if (attempt == u"chat_message to B") {
                aWs->sendFrame(u"chat_message"_s, chat(b.id, u"hello B"_s, u"a-2"_s));
                frame = firstOf({u"ack"_s});
                QCOMPARE(bWs->waitForPayload(u"chat_message"_s).value(u"sender_id").toInteger(),
                         a.id);
                // A's message lands in A-B only; B-C and the counts are unchanged below.
                QVERIFY(cWs->expectNoFrame(u"chat_message"_s, 1000));
                bMayGet << u"chat_message"_s << u"user_status"_s;
            } else if (attempt == u"read {peer_id: C} as A") {
                aWs->sendFrame(u"read"_s, {{u"peer_id"_s, c.id}, {u"message_id"_s, newest}});
                frame = firstOf({u"read_receipt"_s});
            } else if (attempt == u"read {peer_id: B, reader_id: C} as A") {
                aWs->sendFrame(u"read"_s,
                               {{u"peer_id"_s, b.id},
                                {u"message_id"_s, newest},
                                {u"reader_id"_s, c.id},
                                {u"user_id"_s, c.id}});
                frame = firstOf({u"read_receipt"_s});
            } else if (attempt == u"resume from 0 as A") {
                aWs->sendFrame(u"resume"_s, {{u"last_message_id"_s, 0}});
                frame = firstOf({u"resume_done"_s});
                QVERIFY2(aWs->queued(u"chat_message"_s).isEmpty(),
                         qPrintable(compact(aWs->queued(u"chat_message"_s).value(0))));
                const QJsonObject done = aWs->waitForPayload(u"resume_done"_s);
                QCOMPARE(done.value(u"count").toInteger(), 0);
            } else if (attempt == u"typing_status to B") {
                aWs->sendFrame(u"typing_status"_s,
                               {{u"receiver_id"_s, b.id}, {u"is_typing"_s, true}});
                const QJsonObject typing = bWs->waitForPayload(u"typing_status"_s);
                QCOMPARE(typing.value(u"sender_id").toInteger(), a.id);
                QCOMPARE(typing.value(u"receiver_id").toInteger(), b.id);
                QVERIFY(cWs->expectNoFrame(u"typing_status"_s, 1500));
                frame = firstOf({u"typing_status"_s});
                bMayGet << u"typing_status"_s;
            } else if (attempt == u"typing_status to C with sender_id of B") {
                aWs->sendFrame(u"typing_status"_s,
                               {{u"receiver_id"_s, c.id},
                                {u"is_typing"_s, true},
                                {u"sender_id"_s, b.id},
                                {u"user_id"_s, b.id}});
                const QJsonObject typing = cWs->waitForPayload(u"typing_status"_s);
                QCOMPARE(typing.value(u"sender_id").toInteger(), a.id);
                QCOMPARE(typing.value(u"user_id").toInteger(), a.id);
                QVERIFY(bWs->expectNoFrame(u"typing_status"_s, 1500));
                frame = firstOf({u"typing_status"_s});
                cMayGet << u"typing_status"_s;
            } else if (attempt == u"ping") {
                aWs->sendFrame(u"ping"_s, {});
                frame = firstOf({u"pong"_s});
            } else if (attempt == u"read_receipt forged as C") {
                const qint64 bc = env.conversationWith(b, c.id).value(u"id").toInteger();
                aWs->sendFrame(u"read_receipt"_s,
                               {{u"conversation_id"_s, bc},
                                {u"reader_id"_s, c.id},
                                {u"peer_id"_s, b.id},
                                {u"message_id"_s, newest},
                                {u"unread_count"_s, 0}});
                frame = firstOf({});
            } else if (attempt == u"user_status forged as B offline") {
                aWs->sendFrame(u"user_status"_s, {{u"user_id"_s, b.id}, {u"is_online"_s, false}});
                frame = firstOf({});
            } else if (attempt == u"ack forged") {
                aWs->sendFrame(u"ack"_s, {{u"client_id"_s, u"x"_s}, {u"id"_s, newest}});
                frame = firstOf({});
            } else if (attempt == u"chat_message to C with file_id F") {
                aWs->sendFrame(u"chat_message"_s,
                               {{u"receiver_id"_s, c.id},
                                {u"content"_s, u"{}"_s},
                                {u"type"_s, u"file"_s},
                                {u"file_id"_s, m_fileF}});
                frame = firstOf({u"ack"_s});
            } else {
                QFAIL(qPrintable(u"no such attempt: "_s + attempt));
            }
            frame = u"frame "_s + frame;
            FC_NO_VIOLATIONS(aWs);
        }

        if (expected.startsWith(u"HTTP "))
            QVERIFY2(r.status == QStringView(expected).mid(5).toInt(),
                     qPrintable(u"expected %1, got %2"_s.arg(expected, r.describe())));
        else
            QCOMPARE(frame, expected);
        if (expected.startsWith(u"HTTP 4"))
            QVERIFY2(r.isErrorBody(), qPrintable(r.describe()));
        if (attempt.contains(u"B's token, user_id claim")) {
            // The untouched token still works: only the forgery was refused.
            FC_STATUS(http.get(u"/users/me"_s, b.token), 200);
        }

        // Nothing of B's changed.
        const Snapshot after = snapshot(env, b, c);
        QVERIFY2(after == before,
                 qPrintable(u"before:\n%1\nafter:\n%2"_s.arg(before.describe(), after.describe())));
        // B and C got no frame about the B-C conversation (no chat_message, no read_receipt)
        // and nothing the attempt did not address to them.
        QTest::qWait(300);
        for (const auto &[ws, name, allowed] :
             {std::tuple{bWs.get(), "B", bMayGet}, std::tuple{cWs.get(), "C", cMayGet}}) {
            for (const QJsonObject &f : ws->allQueued()) {
                const QString type = f.value(u"type").toString();
                const QJsonObject p = f.value(u"payload").toObject();
                // Presence of A (its socket opening or closing) is not B's data.
                if (type == u"user_status" && p.value(u"user_id").toInteger() == a.id)
                    continue;
                QVERIFY2(allowed.contains(type),
                         qPrintable(u"%1 got %2"_s.arg(QString::fromLatin1(name), compact(f))));
                if (type == u"chat_message" || type == u"typing_status")
                    QCOMPARE(p.value(u"sender_id").toInteger(), a.id);
            }
            FC_NO_VIOLATIONS(ws);
        }
        // B's session still works: its token, its socket and its refresh token.
        FC_STATUS(http.get(u"/users/me"_s, b.token), 200);
        QVERIFY2(bWs->pingPong(), "B's socket stopped working");
        QVERIFY2(cWs->pingPong(), "C's socket stopped working");
        const HttpResponse refreshed = http.post(u"/auth/refresh"_s,
                                                 {{u"refresh_token"_s, b.refreshToken}});
        FC_STATUS(refreshed, 200);
        if (!bLoggedOut)
            FC_STATUS(http.post(u"/auth/refresh"_s, {{u"refresh_token"_s, b2.refreshToken}}), 200);
    }
};

QTEST_MAIN(TestAuthorization)
#include "tst_authorization.moc"
