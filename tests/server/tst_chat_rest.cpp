// SPDX-License-Identifier: MIT
// The REST chat routes of fastchat-server against docs/protocol.md: sending, limits,
// deduplication by client_id, the seed's history (marks read) and the keyset pages (no side
// effect), and conversations with per-user unread counts. Every case runs on sqlite and
// postgres.
#include "TestEnv.h"

#include <QJsonDocument>
#include <QtTest>

using namespace Qt::StringLiterals;
using namespace fctest;

namespace {

constexpr qint64 unknownId = 987654;

QJsonObject messageBody(qint64 receiverId, const QString &content)
{
    return {{u"receiver_id"_s, receiverId}, {u"content"_s, content}, {u"type"_s, u"text"_s}};
}

QList<qint64> slice(const QList<qint64> &ids, qsizetype from, qsizetype to) // [from, to)
{
    return ids.mid(from, to - from);
}

} // namespace

class TestChatRest : public QObject
{
    Q_OBJECT

private slots:
    void postingAMessageAnswers201WithTheStoredMessage_data() { addDriverRows(); }
    void postingAMessageAnswers201WithTheStoredMessage()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        FC_USER(bob, env, u"bob"_s);
        const HttpResponse r = env.http().post(u"/chat/message"_s, messageBody(bob.id, u"hello, bob ✓"_s), alice.token);
        FC_STATUS(r, 201);
        QVERIFY(r.isJsonContentType());
        const QJsonObject m = r.object();
        QVERIFY2(missingKeys(m, messageKeys()).isEmpty(), qPrintable(missingKeys(m, messageKeys())));
        QVERIFY2(nonSnakeCaseKeys(m).isEmpty(), qPrintable(nonSnakeCaseKeys(m)));
        QVERIFY(isPositiveId(m[u"id"]));
        QVERIFY(isPositiveId(m[u"conversation_id"]));
        QCOMPARE(m[u"sender_id"].toInteger(), alice.id);
        QCOMPARE(m[u"receiver_id"].toInteger(), bob.id);
        QCOMPARE(m[u"content"].toString(), u"hello, bob ✓"_s);
        QCOMPARE(m[u"type"].toString(), u"text"_s);
        QVERIFY2(m[u"client_id"].isNull(), r.body.constData());
        QVERIFY2(m[u"read_at"].isNull(), r.body.constData());
        QVERIFY2(isWireTime(m[u"timestamp"]), r.body.constData());
        QVERIFY(isWireTime(m[u"created_at"]));
        QVERIFY(isWireTime(m[u"updated_at"]));

        // Stored: both see it in their history.
        const QJsonArray mine = env.history(alice, bob.id);
        QCOMPARE(idsOf(mine), QList<qint64>{m[u"id"].toInteger()});
        QCOMPARE(mine.first().toObject()[u"content"].toString(), u"hello, bob ✓"_s);
        const QJsonArray his = env.history(bob, alice.id);
        QCOMPARE(idsOf(his), QList<qint64>{m[u"id"].toInteger()});
    }

    void typeDefaultsToText_data() { addDriverRows(); }
    void typeDefaultsToText()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        FC_USER(bob, env, u"bob"_s);
        const HttpResponse r = env.http().post(u"/chat/message"_s, {{u"receiver_id"_s, bob.id}, {u"content"_s, u"hi"_s}}, alice.token);
        FC_STATUS(r, 201);
        QCOMPARE(r.object()[u"type"].toString(), u"text"_s);
        const HttpResponse image = env.http().post(u"/chat/message"_s, {{u"receiver_id"_s, bob.id},
                                                                       {u"content"_s, u"https://example.org/cat.png"_s},
                                                                       {u"type"_s, u"image"_s}},
                                                   alice.token);
        FC_STATUS(image, 201);
        QCOMPARE(image.object()[u"type"].toString(), u"image"_s);
    }

    void anUnknownReceiverIs404AndNothingIsStored_data() { addDriverRows(); }
    void anUnknownReceiverIs404AndNothingIsStored()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        const HttpResponse r = env.http().post(u"/chat/message"_s, messageBody(unknownId, u"anyone?"_s), alice.token);
        FC_STATUS(r, 404);
        QVERIFY(r.isJsonContentType());
        QVERIFY2(r.isErrorBody(), r.body.constData());
        const HttpResponse conversations = env.http().get(u"/chat/conversations"_s, alice.token);
        FC_STATUS(conversations, 200);
        QCOMPARE(conversations.array().size(), 0);
    }

    void contentOver64KiBIs413AndNothingIsStored_data() { addDriverRows(); }
    void contentOver64KiBIs413AndNothingIsStored()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        FC_USER(bob, env, u"bob"_s);
        const HttpResponse tooLarge = env.http().post(u"/chat/message"_s, messageBody(bob.id, QString(65537, u'a')), alice.token);
        FC_STATUS(tooLarge, 413);
        QVERIFY(tooLarge.isJsonContentType());
        QVERIFY2(tooLarge.isErrorBody(), tooLarge.body.left(300).constData());
        // The limit is in UTF-8 bytes: 33000 two-byte characters are 66000 bytes.
        const HttpResponse wide = env.http().post(u"/chat/message"_s, messageBody(bob.id, QString(33000, QChar(0xe9))), alice.token);
        FC_STATUS(wide, 413);
        QCOMPARE(env.conversations(alice).size(), 0);

        const HttpResponse exact = env.http().post(u"/chat/message"_s, messageBody(bob.id, QString(65536, u'a')), alice.token);
        FC_STATUS(exact, 201);
        const QJsonArray history = env.history(alice, bob.id);
        QCOMPARE(history.size(), 1);
        QCOMPARE(history.first().toObject()[u"content"].toString().size(), 65536);
    }

    void invalidMessageBodiesAre400AndNothingIsStored_data()
    {
        QTest::addColumn<QString>("driver");
        QTest::addColumn<QByteArray>("body"); // '@' stands for bob's id
        const QList<std::pair<const char *, QByteArray>> bodies = {
            {"not JSON", "receiver_id=@&content=hi"},
            {"JSON array", R"([{"receiver_id": @, "content": "hi", "type": "text"}])"},
            {"missing receiver_id", R"({"content": "hi", "type": "text"})"},
            {"receiver_id as string", R"({"receiver_id": "@", "content": "hi", "type": "text"})"},
            {"receiver_id zero", R"({"receiver_id": 0, "content": "hi", "type": "text"})"},
            {"receiver_id negative", R"({"receiver_id": -@, "content": "hi", "type": "text"})"},
            {"receiver_id fractional", R"({"receiver_id": @.5, "content": "hi", "type": "text"})"},
            {"missing content", R"({"receiver_id": @, "type": "text"})"},
            {"content number", R"({"receiver_id": @, "content": 42, "type": "text"})"},
            {"empty text content", R"({"receiver_id": @, "content": "", "type": "text"})"},
            {"type number", R"({"receiver_id": @, "content": "hi", "type": 1})"},
            {"type not a lower-case word", R"({"receiver_id": @, "content": "hi", "type": "Rich Text"})"},
            {"client_id number", R"({"receiver_id": @, "content": "hi", "type": "text", "client_id": 5})"},
        };
        for (const QString &driver : drivers())
            for (const auto &[name, body] : bodies)
                QTest::addRow("%s/%s", qPrintable(driver), name) << driver << body;
    }
    void invalidMessageBodiesAre400AndNothingIsStored()
    {
        QFETCH(QString, driver);
        QFETCH(QByteArray, body);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        FC_USER(bob, env, u"bob"_s);
        body.replace("@", QByteArray::number(bob.id));
        const HttpResponse r = env.http().send("POST", u"/chat/message"_s, body, {}, alice.token);
        FC_STATUS(r, 400);
        QVERIFY(r.isJsonContentType());
        QVERIFY2(r.isErrorBody(), r.body.constData());
        QCOMPARE(env.conversations(alice).size(), 0);
        QCOMPARE(env.conversations(bob).size(), 0);
    }

    void messagingYourselfIsRefused_data() { addDriverRows(); }
    void messagingYourselfIsRefused()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        const HttpResponse r = env.http().post(u"/chat/message"_s, messageBody(alice.id, u"note to self"_s), alice.token);
        // The contract names "forbidden" for this on the socket; REST lists 400 and 403 errors.
        QVERIFY2(r.status == 400 || r.status == 403, qPrintable(r.describe()));
        QVERIFY(r.isErrorBody());
        QCOMPARE(env.conversations(alice).size(), 0);
    }

    void theSameClientIdAnswersTheFirstMessageAndStoresNothing_data() { addDriverRows(); }
    void theSameClientIdAnswersTheFirstMessageAndStoresNothing()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        FC_USER(bob, env, u"bob"_s);
        QJsonObject body = messageBody(bob.id, u"only once"_s);
        body.insert(u"client_id"_s, u"alice-local-1"_s);
        const HttpResponse first = env.http().post(u"/chat/message"_s, body, alice.token);
        FC_STATUS(first, 201);
        QCOMPARE(first.object()[u"client_id"].toString(), u"alice-local-1"_s);
        const HttpResponse again = env.http().post(u"/chat/message"_s, body, alice.token);
        FC_STATUS(again, 200);
        QCOMPARE(again.object()[u"id"].toInteger(), first.object()[u"id"].toInteger());
        QCOMPARE(again.object()[u"content"].toString(), u"only once"_s);
        QCOMPARE(env.history(alice, bob.id).size(), 1);
        // A different client_id is a different message.
        body.insert(u"client_id"_s, u"alice-local-2"_s);
        const HttpResponse other = env.http().post(u"/chat/message"_s, body, alice.token);
        FC_STATUS(other, 201);
        QVERIFY(other.object()[u"id"].toInteger() != first.object()[u"id"].toInteger());
        QCOMPARE(env.history(alice, bob.id).size(), 2);
    }

    void seedHistoryIsOldestFirstAndMarksThePeersMessagesRead_data() { addDriverRows(); }
    void seedHistoryIsOldestFirstAndMarksThePeersMessagesRead()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        FC_USER(bob, env, u"bob"_s);
        QList<qint64> aliceToBob;
        for (int i = 1; i <= 3; ++i) {
            const QJsonObject m = env.sendMessage(alice, bob, u"a%1"_s.arg(i));
            QVERIFY2(!m.isEmpty(), qPrintable(env.error()));
            aliceToBob << m[u"id"].toInteger();
        }
        const QJsonObject reply = env.sendMessage(bob, alice, u"b1"_s);
        QVERIFY2(!reply.isEmpty(), qPrintable(env.error()));
        QCOMPARE(env.conversationWith(bob, alice.id)[u"unread_count"].toInteger(), 3);
        QCOMPARE(env.conversationWith(alice, bob.id)[u"unread_count"].toInteger(), 1);

        FC_WS(aliceWs, env, alice);
        const QJsonArray history = env.history(bob, alice.id); // seed mode: no query
        QCOMPARE(idsOf(history), (aliceToBob + QList<qint64>{reply[u"id"].toInteger()}));
        QStringList contents;
        for (const QJsonValue &m : history)
            contents << m.toObject()[u"content"].toString();
        QCOMPARE(contents, (QStringList{u"a1"_s, u"a2"_s, u"a3"_s, u"b1"_s}));

        // Bob's count is zero, Alice's is untouched; the messages to Bob are read.
        QCOMPARE(env.conversationWith(bob, alice.id)[u"unread_count"].toInteger(), 0);
        QCOMPARE(env.conversationWith(alice, bob.id)[u"unread_count"].toInteger(), 1);
        const QJsonArray after = env.history(alice, bob.id, u"?before=%1&limit=200"_s.arg(reply[u"id"].toInteger() + 1));
        QCOMPARE(after.size(), 4);
        for (const QJsonValue &v : after) {
            const QJsonObject m = v.toObject();
            if (m[u"sender_id"].toInteger() == alice.id)
                QVERIFY2(isWireTime(m[u"read_at"]), qPrintable(u"message %1 not marked read"_s.arg(m[u"id"].toInteger())));
            else
                QVERIFY2(m[u"read_at"].isNull(), "bob's own message was marked read by bob's GET");
        }

        // Alice is told by a read_receipt frame.
        const QJsonObject receipt = aliceWs->waitForPayload(u"read_receipt"_s);
        QVERIFY2(!receipt.isEmpty(), "alice got no read_receipt");
        QCOMPARE(receipt[u"reader_id"].toInteger(), bob.id);
        QCOMPARE(receipt[u"peer_id"].toInteger(), alice.id);
        QCOMPARE(receipt[u"message_id"].toInteger(), aliceToBob.last());
        QCOMPARE(receipt[u"unread_count"].toInteger(), 0);
    }

    void pagedHistoryIsAnExactKeysetWithoutSideEffects_data() { addDriverRows(); }
    void pagedHistoryIsAnExactKeysetWithoutSideEffects()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        FC_USER(bob, env, u"bob"_s);
        FC_USER(carol, env, u"carol"_s);
        QList<qint64> ids; // alice <-> bob, in sending order
        int aliceToBob = 0;
        for (int i = 0; i < 120; ++i) {
            const bool fromAlice = i % 3 != 2;
            const QJsonObject m = fromAlice ? env.sendMessage(alice, bob, u"m%1"_s.arg(i))
                                            : env.sendMessage(bob, alice, u"m%1"_s.arg(i));
            QVERIFY2(!m.isEmpty(), qPrintable(env.error()));
            ids << m[u"id"].toInteger();
            aliceToBob += fromAlice ? 1 : 0;
            if (i % 12 == 5) { // other conversations interleave
                QVERIFY2(!env.sendMessage(alice, carol, u"c%1"_s.arg(i)).isEmpty(), qPrintable(env.error()));
                QVERIFY2(!env.sendMessage(carol, bob, u"d%1"_s.arg(i)).isEmpty(), qPrintable(env.error()));
            }
        }
        QList<qint64> sorted = ids;
        std::sort(sorted.begin(), sorted.end());
        QCOMPARE(ids, sorted); // ids grow in the order the server stored them
        const qint64 top = ids.last() + 1;

        // Everything, oldest first.
        QCOMPARE(idsOf(env.history(bob, alice.id, u"?before=%1&limit=200"_s.arg(top))), ids);
        // Default limit 50: the newest 50 before `top`, oldest first.
        QCOMPARE(idsOf(env.history(bob, alice.id, u"?before=%1"_s.arg(top))), slice(ids, 70, 120));
        // before: the newest such; after: the oldest such.
        QCOMPARE(idsOf(env.history(bob, alice.id, u"?before=%1&limit=10"_s.arg(ids[60]))), slice(ids, 50, 60));
        QCOMPARE(idsOf(env.history(bob, alice.id, u"?after=%1&limit=10"_s.arg(ids[60]))), slice(ids, 61, 71));
        QCOMPARE(idsOf(env.history(bob, alice.id, u"?after=%1&limit=10"_s.arg(ids[115]))), slice(ids, 116, 120));
        QCOMPARE(idsOf(env.history(bob, alice.id, u"?before=%1&limit=10"_s.arg(ids[0]))), QList<qint64>());
        QCOMPARE(idsOf(env.history(bob, alice.id, u"?after=%1"_s.arg(ids.last()))), QList<qint64>());

        // Walking back by 25 from the top yields every message once.
        QList<qint64> walkedBack;
        qint64 before = top;
        for (int page = 0; page < 20; ++page) {
            const QJsonArray p = env.history(alice, bob.id, u"?before=%1&limit=25"_s.arg(before));
            QVERIFY2(p.size() <= 25, qPrintable(env.error()));
            if (p.isEmpty())
                break;
            const QList<qint64> pageIds = idsOf(p);
            QVERIFY(std::is_sorted(pageIds.begin(), pageIds.end()));
            walkedBack = pageIds + walkedBack;
            before = pageIds.first();
        }
        QCOMPARE(walkedBack, ids);
        // Walking forward by 33 from the first message yields the rest once.
        QList<qint64> walkedForward;
        qint64 after = ids.first();
        for (int page = 0; page < 20; ++page) {
            const QJsonArray p = env.history(alice, bob.id, u"?after=%1&limit=33"_s.arg(after));
            if (p.isEmpty())
                break;
            walkedForward += idsOf(p);
            after = walkedForward.last();
        }
        QCOMPARE(walkedForward, slice(ids, 1, 120));

        // No read side effect: bob still has everything alice sent unread.
        QCOMPARE(env.conversationWith(bob, alice.id)[u"unread_count"].toInteger(), aliceToBob);
        for (const QJsonValue &m : env.history(alice, bob.id, u"?before=%1&limit=200"_s.arg(top)))
            QVERIFY2(m.toObject()[u"read_at"].isNull(), "paging marked a message read");

        // An unknown peer is 404.
        const HttpResponse unknown = env.http().get(u"/chat/history/987654?before=%1"_s.arg(top), alice.token);
        FC_STATUS(unknown, 404);
        QVERIFY(unknown.isErrorBody());
    }

    void historyPagesCarryTheSameMessagesAsTheWholeHistory_data() { addDriverRows(); }
    void historyPagesCarryTheSameMessagesAsTheWholeHistory()
    {
        // Pages are read by a query of their own (on PostgreSQL one statement through libpq);
        // every field must come out as the seed's whole history gives it.
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        FC_USER(bob, env, u"bob"_s);
        FC_USER(carol, env, u"carol"_s);
        FC_USER(dave, env, u"dave"_s);
        QVERIFY2(!env.sendMessage(alice, bob, u"first, with a client id"_s, u"c-1"_s).isEmpty(), qPrintable(env.error()));
        QVERIFY2(!env.sendMessage(bob, alice, u"zwei: äöü ✓ 😀 \"quoted\" \\ <b>"_s).isEmpty(), qPrintable(env.error()));
        QVERIFY2(!env.sendMessage(alice, bob, u"third\nline"_s).isEmpty(), qPrintable(env.error()));
        QVERIFY2(!env.sendMessage(alice, dave, u"to dave"_s).isEmpty(), qPrintable(env.error()));
        // Read on both sides (the seed's history marks read), so read_at is set on all three.
        QCOMPARE(env.history(bob, alice.id).size(), 3);
        QCOMPARE(env.history(alice, bob.id).size(), 3);
        const QJsonArray whole = env.history(bob, alice.id);
        QCOMPARE(whole.size(), 3);
        for (const QJsonValue &m : whole)
            QVERIFY2(isWireTime(m.toObject()[u"read_at"]), "not marked read");

        // Latest (limit only), before and after: the same objects, field for field.
        QCOMPARE(env.history(alice, bob.id, u"?limit=10"_s), whole);
        QCOMPARE(env.history(bob, alice.id, u"?limit=2"_s), (QJsonArray{whole[1], whole[2]}));
        const qint64 middle = whole[1].toObject()[u"id"].toInteger();
        QCOMPARE(env.history(alice, bob.id, u"?before=%1"_s.arg(middle)), (QJsonArray{whole[0]}));
        QCOMPARE(env.history(alice, bob.id, u"?after=%1"_s.arg(middle)), (QJsonArray{whole[2]}));

        // A peer that exists but shares no conversation, and oneself: an empty page.
        const HttpResponse none = env.http().get(u"/chat/history/%1?limit=10"_s.arg(carol.id), alice.token);
        FC_STATUS(none, 200);
        QCOMPARE(none.array(), QJsonArray());
        const HttpResponse self = env.http().get(u"/chat/history/%1?limit=10"_s.arg(alice.id), alice.token);
        FC_STATUS(self, 200);
        QCOMPARE(self.array(), QJsonArray());

        // A deleted peer is unknown, conversation or not.
        FC_STATUS(env.http().del(dave.path(), dave.token), 200);
        const HttpResponse gone = env.http().get(u"/chat/history/%1?limit=10"_s.arg(dave.id), alice.token);
        FC_STATUS(gone, 404);
        QVERIFY(gone.isErrorBody());
        const HttpResponse unknown = env.http().get(u"/chat/history/%1?after=0"_s.arg(unknownId), alice.token);
        FC_STATUS(unknown, 404);
        QVERIFY(unknown.isErrorBody());
    }

    void conversationsComeByLatestActivityWithPerUserUnreadCounts_data() { addDriverRows(); }
    void conversationsComeByLatestActivityWithPerUserUnreadCounts()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        FC_USER(bob, env, u"bob"_s);
        FC_USER(carol, env, u"carol"_s);
        for (int i = 0; i < 3; ++i)
            QVERIFY2(!env.sendMessage(alice, bob, u"to bob %1"_s.arg(i)).isEmpty(), qPrintable(env.error()));
        QCOMPARE(env.conversationWith(bob, alice.id)[u"unread_count"].toInteger(), 3);
        QCOMPARE(env.conversationWith(alice, bob.id)[u"unread_count"].toInteger(), 0);

        QVERIFY2(!env.sendMessage(alice, carol, u"to carol"_s).isEmpty(), qPrintable(env.error()));
        const QJsonObject fromBob = env.sendMessage(bob, alice, u"from bob"_s);
        QVERIFY2(!fromBob.isEmpty(), qPrintable(env.error()));

        QJsonArray list = env.conversations(alice);
        QCOMPARE(list.size(), 2);
        const QJsonObject withBob = list.at(0).toObject();
        const QJsonObject withCarol = list.at(1).toObject();
        QVERIFY2(missingKeys(withBob, conversationKeys()).isEmpty(), qPrintable(missingKeys(withBob, conversationKeys())));
        QVERIFY2(nonSnakeCaseKeys(withBob).isEmpty(), qPrintable(nonSnakeCaseKeys(withBob)));
        QCOMPARE(withBob[u"peer_id"].toInteger(), bob.id);
        QCOMPARE(withCarol[u"peer_id"].toInteger(), carol.id);
        QVERIFY(withBob[u"user1_id"].toInteger() < withBob[u"user2_id"].toInteger());
        QCOMPARE(QSet<qint64>({withBob[u"user1_id"].toInteger(), withBob[u"user2_id"].toInteger()}),
                 QSet<qint64>({alice.id, bob.id}));
        QCOMPARE(withBob[u"last_message_id"].toInteger(), fromBob[u"id"].toInteger());
        QCOMPARE(withBob[u"last_message"].toObject()[u"id"].toInteger(), fromBob[u"id"].toInteger());
        QCOMPARE(withBob[u"last_message"].toObject()[u"content"].toString(), u"from bob"_s);
        QCOMPARE(withBob[u"id"].toInteger(), fromBob[u"conversation_id"].toInteger());
        QCOMPARE(withBob[u"unread_count"].toInteger(), 1);
        QCOMPARE(withCarol[u"unread_count"].toInteger(), 0);
        const QJsonObject peer = withBob[u"peer"].toObject();
        QCOMPARE(peer[u"id"].toInteger(), bob.id);
        QCOMPARE(peer[u"username"].toString(), u"bob"_s);
        QVERIFY2(!peer.contains(u"email"), "a conversation shows the peer's e-mail");
        QVERIFY(isWireTime(withBob[u"created_at"]));
        QVERIFY(isWireTime(withBob[u"updated_at"]));

        // Bob sees the same conversation with his own count (3) and alice as the peer.
        const QJsonObject bobsView = env.conversationWith(bob, alice.id);
        QCOMPARE(bobsView[u"id"].toInteger(), withBob[u"id"].toInteger());
        QCOMPARE(bobsView[u"unread_count"].toInteger(), 3);
        QCOMPARE(bobsView[u"peer_id"].toInteger(), alice.id);
        QCOMPARE(env.conversationWith(carol, alice.id)[u"unread_count"].toInteger(), 1);
        QCOMPARE(env.conversations(carol).size(), 1);

        // New activity moves a conversation to the top, however close together the messages
        // come (several rounds: messages stored within the same millisecond must still order).
        for (int round = 0; round < 8; ++round) {
            const TestUser &peer = round % 2 == 0 ? carol : bob;
            const TestUser &other = round % 2 == 0 ? bob : carol;
            const QJsonObject latest = env.sendMessage(peer, alice, u"round %1"_s.arg(round));
            QVERIFY2(!latest.isEmpty(), qPrintable(env.error()));
            list = env.conversations(alice);
            QCOMPARE(list.size(), 2);
            QVERIFY2(list.at(0).toObject()[u"peer_id"].toInteger() == peer.id,
                     qPrintable(u"round %1: the conversation with the newest message (%2) is not first: %3"_s
                                        .arg(round).arg(latest[u"id"].toInteger())
                                        .arg(QString::fromUtf8(QJsonDocument(list).toJson(QJsonDocument::Compact)))));
            QCOMPARE(list.at(0).toObject()[u"last_message_id"].toInteger(), latest[u"id"].toInteger());
            QCOMPARE(list.at(1).toObject()[u"peer_id"].toInteger(), other.id);
        }
    }

    void conversationOrderFollowsTheNewestMessageEvenInABurst_data() { addDriverRows(); }
    void conversationOrderFollowsTheNewestMessageEvenInABurst()
    {
        // Messages stored together (same millisecond, same commit) must still order the list
        // by which conversation has the newest message.
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        FC_USER(bob, env, u"bob"_s);
        FC_USER(carol, env, u"carol"_s);
        QVERIFY2(!env.sendMessage(alice, bob, u"first with bob"_s).isEmpty(), qPrintable(env.error()));
        QVERIFY2(!env.sendMessage(alice, carol, u"first with carol"_s).isEmpty(), qPrintable(env.error()));
        FC_WS(ws, env, alice);
        const int count = 20;
        for (int i = 0; i < count; ++i) { // carol, bob, carol, bob, ...: bob's conversation is newest
            const TestUser &to = i % 2 == 0 ? carol : bob;
            ws->sendFrame(u"chat_message"_s, {{u"receiver_id"_s, to.id}, {u"content"_s, u"burst %1"_s.arg(i)},
                                              {u"client_id"_s, u"burst-%1"_s.arg(i)}});
        }
        qint64 newest = 0;
        for (int i = 0; i < count; ++i) {
            const QJsonObject ack = ws->waitForPayload(u"ack"_s);
            QVERIFY2(!ack.isEmpty(), qPrintable(u"ack %1 missing"_s.arg(i)));
            newest = std::max(newest, ack[u"id"].toInteger());
        }
        const QJsonArray list = env.conversations(alice);
        QCOMPARE(list.size(), 2);
        QVERIFY2(list.at(0).toObject()[u"peer_id"].toInteger() == bob.id,
                 qPrintable(u"the conversation with the newest message (%1) is not first: %2"_s.arg(newest).arg(
                         QString::fromUtf8(QJsonDocument(list).toJson(QJsonDocument::Compact)))));
        QCOMPARE(list.at(0).toObject()[u"last_message_id"].toInteger(), newest);
    }
};

QTEST_GUILESS_MAIN(TestChatRest)
#include "tst_chat_rest.moc"
