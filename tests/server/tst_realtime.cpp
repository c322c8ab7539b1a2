// SPDX-License-Identifier: MIT
// The /ws real-time protocol of fastchat-server against docs/protocol.md: delivery only to
// the two users, ack after commit, deduplication, exact resume, typing, presence, read
// receipts, error frames for bad input, and the close codes. Every case runs on sqlite and
// postgres. No assertion is about speed: waits are generous and only bound the test.
#include "TestEnv.h"

#include <QtTest>

using namespace Qt::StringLiterals;
using namespace fctest;

namespace {

QJsonObject chat(qint64 receiverId, const QString &content, const QString &clientId = {})
{
    QJsonObject p{{u"receiver_id"_s, receiverId}, {u"content"_s, content}, {u"type"_s, u"text"_s}};
    if (!clientId.isEmpty())
        p.insert(u"client_id"_s, clientId);
    return p;
}

QStringList typesOf(const QList<QJsonObject> &frames)
{
    QStringList types;
    for (const QJsonObject &f : frames)
        types << f.value(u"type").toString();
    return types;
}

QList<qint64> chatIdsOf(const QList<QJsonObject> &frames)
{
    QList<qint64> ids;
    for (const QJsonObject &f : frames)
        if (f.value(u"type").toString() == u"chat_message")
            ids << f.value(u"payload").toObject().value(u"id").toInteger();
    return ids;
}

QStringList keyList(std::initializer_list<QString> keys)
{
    return QStringList(keys);
}

} // namespace

// Fails the test when a socket received anything that was not exactly one JSON envelope.
#define FC_NO_VIOLATIONS(ws) QVERIFY2((ws)->violations().isEmpty(), qPrintable((ws)->violations().join(u'\n')))

class TestRealtime : public QObject
{
    Q_OBJECT

private slots:
    void liveMessagesReachOnlyTheSenderAndTheReceiver_data() { addDriverRows(); }
    void liveMessagesReachOnlyTheSenderAndTheReceiver()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        FC_USER(bob, env, u"bob"_s);
        FC_USER(carol, env, u"carol"_s);
        FC_WS(aliceWs, env, alice);
        FC_WS(aliceOther, env, alice);
        FC_WS(bobWs, env, bob);
        FC_WS(carolWs, env, carol);
        for (WsClient *ws : {aliceWs.get(), aliceOther.get(), bobWs.get(), carolWs.get()})
            QVERIFY(ws->pingPong());

        aliceWs->sendFrame(u"chat_message"_s, chat(bob.id, u"hi bob"_s, u"a-1"_s));
        const QJsonObject ack = aliceWs->waitForPayload(u"ack"_s);
        QVERIFY2(!ack.isEmpty(), "no ack");
        // The message is committed when the ack arrives: it is in the history at once.
        const QJsonArray stored = env.history(bob, alice.id, u"?before=%1&limit=10"_s.arg(ack[u"id"].toInteger() + 1));
        QCOMPARE(idsOf(stored), QList<qint64>{ack[u"id"].toInteger()});

        const QStringList ackKeys = keyList({u"client_id"_s, u"id"_s, u"conversation_id"_s, u"timestamp"_s});
        QVERIFY2(missingKeys(ack, ackKeys).isEmpty(), qPrintable(missingKeys(ack, ackKeys)));
        QVERIFY2(nonSnakeCaseKeys(ack).isEmpty(), qPrintable(nonSnakeCaseKeys(ack)));
        QCOMPARE(ack[u"client_id"].toString(), u"a-1"_s);
        QVERIFY(isPositiveId(ack[u"id"]));
        QVERIFY(isPositiveId(ack[u"conversation_id"]));
        QVERIFY(isWireTime(ack[u"timestamp"]));

        const QJsonObject received = bobWs->waitForPayload(u"chat_message"_s);
        QVERIFY2(!received.isEmpty(), "bob got no chat_message");
        QVERIFY2(missingKeys(received, messageKeys()).isEmpty(), qPrintable(missingKeys(received, messageKeys())));
        QVERIFY2(nonSnakeCaseKeys(received).isEmpty(), qPrintable(nonSnakeCaseKeys(received)));
        QCOMPARE(received[u"id"].toInteger(), ack[u"id"].toInteger());
        QCOMPARE(received[u"conversation_id"].toInteger(), ack[u"conversation_id"].toInteger());
        QCOMPARE(received[u"sender_id"].toInteger(), alice.id);
        QCOMPARE(received[u"receiver_id"].toInteger(), bob.id);
        QCOMPARE(received[u"content"].toString(), u"hi bob"_s);
        QCOMPARE(received[u"type"].toString(), u"text"_s);
        QVERIFY(received[u"read_at"].isNull());
        QVERIFY(isWireTime(received[u"timestamp"]));

        // The sender's other socket gets the message.
        const QJsonObject echoed = aliceOther->waitForPayload(u"chat_message"_s);
        QCOMPARE(echoed[u"id"].toInteger(), ack[u"id"].toInteger());
        QCOMPARE(aliceWs->waitForPayload(u"chat_message"_s)[u"id"].toInteger(), ack[u"id"].toInteger()); // its copy

        // Bob answers; alice's sockets both get it.
        bobWs->sendFrame(u"chat_message"_s, chat(alice.id, u"hi alice"_s, u"b-1"_s));
        const QJsonObject bobAck = bobWs->waitForPayload(u"ack"_s);
        QVERIFY(!bobAck.isEmpty());
        QCOMPARE(aliceWs->waitForPayload(u"chat_message"_s)[u"id"].toInteger(), bobAck[u"id"].toInteger());
        QCOMPARE(aliceOther->waitForPayload(u"chat_message"_s)[u"id"].toInteger(), bobAck[u"id"].toInteger());
        QCOMPARE(bobAck[u"conversation_id"].toInteger(), ack[u"conversation_id"].toInteger());

        // Typing goes to bob only.
        aliceWs->sendFrame(u"typing_status"_s, {{u"receiver_id"_s, bob.id}, {u"is_typing"_s, true}});
        QVERIFY(!bobWs->waitForPayload(u"typing_status"_s).isEmpty());

        // Carol saw none of it.
        QVERIFY2(carolWs->expectNoFrame(u"chat_message"_s, 1500), "carol received someone else's message");
        QVERIFY2(carolWs->queued(u"typing_status"_s).isEmpty(), "carol received someone else's typing");
        QVERIFY2(carolWs->queued(u"ack"_s).isEmpty(), "carol received someone else's ack");
        QVERIFY(carolWs->pingPong());
        for (WsClient *ws : {aliceWs.get(), aliceOther.get(), bobWs.get(), carolWs.get()})
            FC_NO_VIOLATIONS(ws);
    }

    void theSendingSocketGetsTheAckThenOneCopyOfItsMessage_data() { addDriverRows(); }
    void theSendingSocketGetsTheAckThenOneCopyOfItsMessage()
    {
        // protocol.md: "the sending socket gets ack, then the stored message goes as
        // chat_message ... to all the sender's sockets (the sending one included ...)".
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        FC_USER(bob, env, u"bob"_s);
        FC_WS(aliceWs, env, alice);
        FC_WS(bobWs, env, bob);
        QVERIFY(bobWs->pingPong());
        aliceWs->sendFrame(u"chat_message"_s, chat(bob.id, u"hi bob"_s, u"a-1"_s));
        const QJsonObject ack = aliceWs->waitForPayload(u"ack"_s);
        QVERIFY2(!ack.isEmpty(), "no ack");
        const QJsonObject copy = aliceWs->waitForPayload(u"chat_message"_s);
        QVERIFY2(!copy.isEmpty(), "the sending socket got no copy of its message");
        QCOMPARE(copy[u"id"].toInteger(), ack[u"id"].toInteger());
        QCOMPARE(copy[u"client_id"].toString(), u"a-1"_s);
        const QStringList order = typesOf(aliceWs->log());
        QVERIFY2(order.indexOf(u"ack"_s) < order.indexOf(u"chat_message"_s), qPrintable(order.join(u", "_s)));
        QVERIFY2(aliceWs->expectNoFrame(u"chat_message"_s, 1000), "the sending socket got its message twice");
        QVERIFY(!bobWs->waitForPayload(u"chat_message"_s).isEmpty());
    }

    void pongAnswersPingWithAnEmptyPayload_data() { addDriverRows(); }
    void pongAnswersPingWithAnEmptyPayload()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        FC_WS(ws, env, alice);
        ws->sendText(R"({"type":"ping","payload":{}})");
        const QJsonObject pong = ws->waitForFrame(u"pong"_s);
        QVERIFY2(!pong.isEmpty(), "no pong");
        QCOMPARE(pong[u"type"].toString(), u"pong"_s);
        QVERIFY(pong[u"payload"].isObject());
        FC_NO_VIOLATIONS(ws);
    }

    void restMessagesArePushedToBothUsersSockets_data() { addDriverRows(); }
    void restMessagesArePushedToBothUsersSockets()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        FC_USER(bob, env, u"bob"_s);
        FC_USER(carol, env, u"carol"_s);
        FC_WS(aliceWs, env, alice);
        FC_WS(bobWs, env, bob);
        FC_WS(carolWs, env, carol);
        for (WsClient *ws : {aliceWs.get(), bobWs.get(), carolWs.get()})
            QVERIFY(ws->pingPong());
        const QJsonObject m = env.sendMessage(alice, bob, u"over REST"_s);
        QVERIFY2(!m.isEmpty(), qPrintable(env.error()));
        QCOMPARE(bobWs->waitForPayload(u"chat_message"_s)[u"id"].toInteger(), m[u"id"].toInteger());
        QCOMPARE(aliceWs->waitForPayload(u"chat_message"_s)[u"id"].toInteger(), m[u"id"].toInteger());
        QVERIFY2(carolWs->expectNoFrame(u"chat_message"_s, 1500), "carol received someone else's message");
    }

    void aBurstArrivesInOrderOneObjectPerFrame_data() { addDriverRows(); }
    void aBurstArrivesInOrderOneObjectPerFrame()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        FC_USER(bob, env, u"bob"_s);
        FC_WS(aliceWs, env, alice);
        FC_WS(bobWs, env, bob);
        QVERIFY(bobWs->pingPong());
        const int count = 30;
        for (int i = 0; i < count; ++i)
            aliceWs->sendFrame(u"chat_message"_s, chat(bob.id, u"burst %1"_s.arg(i), u"burst-%1"_s.arg(i)));
        QList<qint64> acked;
        for (int i = 0; i < count; ++i) {
            const QJsonObject ack = aliceWs->waitForPayload(u"ack"_s);
            QVERIFY2(!ack.isEmpty(), qPrintable(u"ack %1 missing"_s.arg(i)));
            acked << ack[u"id"].toInteger();
        }
        QStringList contents;
        QList<qint64> received;
        for (int i = 0; i < count; ++i) {
            const QJsonObject m = bobWs->waitForPayload(u"chat_message"_s);
            QVERIFY2(!m.isEmpty(), qPrintable(u"message %1 missing"_s.arg(i)));
            received << m[u"id"].toInteger();
            contents << m[u"content"].toString();
        }
        QStringList expected;
        for (int i = 0; i < count; ++i)
            expected << u"burst %1"_s.arg(i);
        QCOMPARE(contents, expected); // one sender, one socket: stored and delivered in order
        QVERIFY(std::is_sorted(received.begin(), received.end()));
        QCOMPARE(QSet<qint64>(received.begin(), received.end()), QSet<qint64>(acked.begin(), acked.end()));
        FC_NO_VIOLATIONS(bobWs);
        FC_NO_VIOLATIONS(aliceWs);
    }

    void aRepeatedClientIdIsAcknowledgedAgainAndStoredOnce_data() { addDriverRows(); }
    void aRepeatedClientIdIsAcknowledgedAgainAndStoredOnce()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        FC_USER(bob, env, u"bob"_s);
        FC_WS(aliceWs, env, alice);
        FC_WS(bobWs, env, bob);
        QVERIFY(bobWs->pingPong());
        aliceWs->sendFrame(u"chat_message"_s, chat(bob.id, u"exactly once"_s, u"dup-1"_s));
        const QJsonObject first = aliceWs->waitForPayload(u"ack"_s);
        QVERIFY2(!first.isEmpty(), "no first ack");
        aliceWs->sendFrame(u"chat_message"_s, chat(bob.id, u"exactly once"_s, u"dup-1"_s));
        const QJsonObject second = aliceWs->waitForPayload(u"ack"_s);
        QVERIFY2(!second.isEmpty(), "no ack for the repeated client_id");
        QCOMPARE(second[u"id"].toInteger(), first[u"id"].toInteger());
        QCOMPARE(second[u"client_id"].toString(), u"dup-1"_s);
        QCOMPARE(second[u"conversation_id"].toInteger(), first[u"conversation_id"].toInteger());

        // Also after reconnecting (a client retrying after a drop).
        aliceWs->close();
        FC_WS(again, env, alice);
        again->sendFrame(u"chat_message"_s, chat(bob.id, u"exactly once"_s, u"dup-1"_s));
        QCOMPARE(again->waitForPayload(u"ack"_s)[u"id"].toInteger(), first[u"id"].toInteger());

        const QJsonArray history = env.history(alice, bob.id, u"?before=%1&limit=200"_s.arg(first[u"id"].toInteger() + 100));
        QCOMPARE(history.size(), 1);
        QCOMPARE(history.first().toObject()[u"client_id"].toString(), u"dup-1"_s);
        QVERIFY(!bobWs->waitForPayload(u"chat_message"_s).isEmpty());
    }

    void repeatedClientIdsInsideABurstAreStoredOnce_data() { addDriverRows(); }
    void repeatedClientIdsInsideABurstAreStoredOnce()
    {
        // Messages that arrive together are stored together (one transaction on the
        // server); a repeated client_id among them, of a stored message or of another one
        // in the same burst, must not cost the others anything.
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        FC_USER(bob, env, u"bob"_s);
        FC_WS(aliceWs, env, alice);
        FC_WS(bobWs, env, bob);
        QVERIFY(bobWs->pingPong());
        aliceWs->sendFrame(u"chat_message"_s, chat(bob.id, u"stored before"_s, u"before"_s));
        const qint64 storedBefore = aliceWs->waitForPayload(u"ack"_s)[u"id"].toInteger();
        QVERIFY(storedBefore > 0);
        QVERIFY(!bobWs->waitForPayload(u"chat_message"_s).isEmpty());

        QStringList clientIds;
        for (int i = 0; i < 40; ++i)
            clientIds << u"burst-%1"_s.arg(i);
        clientIds[10] = u"before"_s; // stored already
        clientIds[21] = clientIds[20]; // twice in the burst
        for (const QString &clientId : clientIds)
            aliceWs->sendFrame(u"chat_message"_s, chat(bob.id, u"text of "_s + clientId, clientId));
        QHash<QString, QList<qint64>> ackedIds;
        for (int i = 0; i < clientIds.size(); ++i) {
            const QJsonObject ack = aliceWs->waitForPayload(u"ack"_s);
            QVERIFY2(!ack.isEmpty(), qPrintable(u"ack %1 missing"_s.arg(i)));
            ackedIds[ack[u"client_id"].toString()] << ack[u"id"].toInteger();
        }
        QCOMPARE(ackedIds.size(), 39);
        QCOMPARE(ackedIds.value(u"before"_s), QList<qint64>{storedBefore});
        QCOMPARE(ackedIds.value(u"burst-20"_s).size(), 2);
        QCOMPARE(ackedIds.value(u"burst-20"_s).at(0), ackedIds.value(u"burst-20"_s).at(1));
        QVERIFY(aliceWs->queued(u"error"_s).isEmpty());

        // Bob gets each new message once: 38 of them.
        QSet<qint64> received;
        for (int i = 0; i < 38; ++i) {
            const QJsonObject m = bobWs->waitForPayload(u"chat_message"_s);
            QVERIFY2(!m.isEmpty(), qPrintable(u"message %1 missing"_s.arg(i)));
            QVERIFY2(m[u"client_id"].toString() != u"before"_s, "the repeat was delivered again");
            received << m[u"id"].toInteger();
        }
        QCOMPARE(received.size(), 38);
        QVERIFY2(bobWs->expectNoFrame(u"chat_message"_s, 1000), "a repeat was delivered");

        QMap<QString, int> stored;
        const QJsonArray history = env.history(alice, bob.id, u"?limit=100"_s);
        for (const QJsonValue &v : history)
            ++stored[v.toObject()[u"client_id"].toString()];
        QCOMPARE(history.size(), 39);
        for (auto it = stored.cbegin(); it != stored.cend(); ++it)
            QVERIFY2(it.value() == 1, qPrintable(it.key() + u" stored more than once"_s));
        FC_NO_VIOLATIONS(aliceWs);
        FC_NO_VIOLATIONS(bobWs);
    }

    void resumeSendsExactlyWhatWasMissedInOrderThenResumeDone_data() { addDriverRows(); }
    void resumeSendsExactlyWhatWasMissedInOrderThenResumeDone()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        FC_USER(bob, env, u"bob"_s);
        FC_USER(carol, env, u"carol"_s);
        // Bob is offline while these are sent.
        QList<qint64> missed;
        for (int i = 1; i <= 3; ++i) {
            const QJsonObject m = env.sendMessage(alice, bob, u"missed %1"_s.arg(i));
            QVERIFY2(!m.isEmpty(), qPrintable(env.error()));
            missed << m[u"id"].toInteger();
            // Not bob's: must never reach him.
            QVERIFY2(!env.sendMessage(carol, alice, u"not for bob %1"_s.arg(i)).isEmpty(), qPrintable(env.error()));
        }

        FC_WS(bobWs, env, bob);
        bobWs->sendFrame(u"resume"_s, {{u"last_message_id"_s, 0}});
        const QJsonObject done = bobWs->waitForFrame(u"resume_done"_s);
        QVERIFY2(!done.isEmpty(), "no resume_done");
        const QJsonObject donePayload = done[u"payload"].toObject();
        QVERIFY2(missingKeys(donePayload, {u"last_message_id"_s, u"count"_s}).isEmpty(), QJsonDocument(done).toJson().constData());
        QVERIFY2(nonSnakeCaseKeys(donePayload).isEmpty(), qPrintable(nonSnakeCaseKeys(donePayload)));
        QCOMPARE(donePayload[u"count"].toInteger(), 3);
        QCOMPARE(donePayload[u"last_message_id"].toInteger(), missed.last());
        // The three messages in id order, then resume_done.
        QCOMPARE(typesOf(bobWs->log()),
                 (QStringList{u"chat_message"_s, u"chat_message"_s, u"chat_message"_s, u"resume_done"_s}));
        QCOMPARE(chatIdsOf(bobWs->log()), missed);
        QVERIFY2(bobWs->expectNoFrame(u"resume_done"_s, 1000) && bobWs->queued(u"chat_message"_s).size() == 3,
                 qPrintable(typesOf(bobWs->allQueued()).join(u", "_s)));
        for (const QJsonObject &f : bobWs->queued(u"chat_message"_s))
            QCOMPARE(f[u"payload"].toObject()[u"receiver_id"].toInteger(), bob.id);
        bobWs->clearQueue();

        // From an id: only what came after it.
        FC_WS(second, env, bob);
        second->sendFrame(u"resume"_s, {{u"last_message_id"_s, missed.first()}});
        const QJsonObject done2 = second->waitForPayload(u"resume_done"_s);
        QCOMPARE(done2[u"count"].toInteger(), 2);
        QCOMPARE(done2[u"last_message_id"].toInteger(), missed.last());
        QCOMPARE(typesOf(second->log()), (QStringList{u"chat_message"_s, u"chat_message"_s, u"resume_done"_s}));
        QCOMPARE(chatIdsOf(second->log()), missed.mid(1));
        second->clearQueue();

        // The caller's own messages count too; nothing new: count 0.
        const QJsonObject own = env.sendMessage(bob, alice, u"bob's own"_s);
        QVERIFY2(!own.isEmpty(), qPrintable(env.error()));
        QCOMPARE(second->waitForPayload(u"chat_message"_s)[u"id"].toInteger(), own[u"id"].toInteger()); // live copy
        FC_WS(third, env, bob);
        third->sendFrame(u"resume"_s, {{u"last_message_id"_s, missed.last()}});
        const QJsonObject done3 = third->waitForPayload(u"resume_done"_s);
        QCOMPARE(done3[u"count"].toInteger(), 1);
        QCOMPARE(chatIdsOf(third->allQueued()), QList<qint64>{own[u"id"].toInteger()});
        third->clearQueue();
        third->sendFrame(u"resume"_s, {{u"last_message_id"_s, own[u"id"].toInteger()}});
        const QJsonObject done4 = third->waitForPayload(u"resume_done"_s);
        QCOMPARE(done4[u"count"].toInteger(), 0);
        QCOMPARE(done4[u"last_message_id"].toInteger(), own[u"id"].toInteger());
        QVERIFY(third->queued(u"chat_message"_s).isEmpty());

        // Live traffic after resume_done arrives once.
        const QJsonObject live = env.sendMessage(alice, bob, u"live"_s);
        QVERIFY2(!live.isEmpty(), qPrintable(env.error()));
        QCOMPARE(third->waitForPayload(u"chat_message"_s)[u"id"].toInteger(), live[u"id"].toInteger());
        QVERIFY2(third->expectNoFrame(u"chat_message"_s, 1000), "a live message arrived twice");
        FC_NO_VIOLATIONS(bobWs);
        FC_NO_VIOLATIONS(third);
    }

    void resumeDuringLiveTrafficDeliversEveryMessageOnce_data() { addDriverRows(); }
    void resumeDuringLiveTrafficDeliversEveryMessageOnce()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        FC_USER(bob, env, u"bob"_s);
        for (int i = 0; i < 5; ++i)
            QVERIFY2(!env.sendMessage(alice, bob, u"before %1"_s.arg(i)).isEmpty(), qPrintable(env.error()));
        FC_WS(aliceWs, env, alice);
        const int live = 40;
        for (int i = 0; i < live; ++i)
            aliceWs->sendFrame(u"chat_message"_s, chat(bob.id, u"during %1"_s.arg(i), u"during-%1"_s.arg(i)));
        // Bob resumes from 0 while alice's messages are being stored.
        FC_WS(bobWs, env, bob, WsClient::Auth::Header, u"last_message_id=0"_s);
        for (int i = 0; i < live; ++i)
            QVERIFY2(!aliceWs->waitForPayload(u"ack"_s).isEmpty(), qPrintable(u"ack %1 missing"_s.arg(i)));
        QTRY_VERIFY_WITH_TIMEOUT(chatIdsOf(bobWs->log()).size() >= 5 + live, 10000);
        QTest::qWait(1000); // let any duplicate arrive

        const QList<QJsonObject> log = bobWs->log();
        const QList<qint64> ids = chatIdsOf(log);
        QCOMPARE(ids.size(), 5 + live);
        QCOMPARE(QSet<qint64>(ids.begin(), ids.end()).size(), ids.size()); // none twice
        const QStringList types = typesOf(log);
        QCOMPARE(types.count(u"resume_done"_s), 1);
        const qsizetype doneAt = types.indexOf(u"resume_done"_s);
        const qint64 doneId = log.at(doneAt)[u"payload"].toObject()[u"last_message_id"].toInteger();
        const QList<qint64> before = chatIdsOf(log.mid(0, doneAt));
        const QList<qint64> after = chatIdsOf(log.mid(doneAt + 1));
        QCOMPARE(log.at(doneAt)[u"payload"].toObject()[u"count"].toInteger(), before.size());
        QVERIFY(std::is_sorted(before.begin(), before.end()));
        QVERIFY(before.isEmpty() || before.last() == doneId);
        for (qint64 id : after)
            QVERIFY2(id > doneId, "a live message after resume_done was already part of the resume");
        QVERIFY(std::is_sorted(after.begin(), after.end()));
    }

    // A client that reconnects re-sends what it has no ack for and resumes at once. The
    // resume reads what is committed, which includes re-sent messages whose (repeated) acks
    // are still on their way: the socket still gets every ack before the message it names
    // (docs/protocol.md), and every message once. Three reconnects, each on a new
    // socket that re-sends 10 of the previous socket's messages, sends 30 new ones and
    // resumes from 0.
    void resumingSenderGetsAcksBeforeItsMessages_data() { addDriverRows(); }
    void resumingSenderGetsAcksBeforeItsMessages()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        FC_USER(bob, env, u"bob"_s);
        const int perRound = 30;
        const int resent = 10;
        for (int round = 1; round <= 3; ++round) {
            FC_WS(ws, env, alice);
            QSet<QString> sentHere;
            const auto send = [&](int r, int i) {
                const QString clientId = u"r%1-%2"_s.arg(r).arg(i);
                ws->sendFrame(u"chat_message"_s,
                              chat(bob.id, u"m %1 %2"_s.arg(r).arg(i), clientId));
                sentHere.insert(clientId);
            };
            for (int i = 0; round > 1 && i < resent; ++i)
                send(round - 1, i);
            for (int i = 0; i < perRound; ++i)
                send(round, i);
            ws->sendFrame(u"resume"_s, {{u"last_message_id"_s, 0}});
            QVERIFY(!ws->waitForPayload(u"resume_done"_s).isEmpty());
            QTRY_VERIFY_WITH_TIMEOUT(ws->queued(u"ack"_s).size() == sentHere.size(), 10000);
            QTRY_VERIFY_WITH_TIMEOUT(chatIdsOf(ws->log()).size() >= round * perRound, 10000);
            QTest::qWait(300); // let any duplicate arrive

            QSet<QString> acked;
            QList<qint64> ids;
            int checked = 0;
            for (const QJsonObject &frame : ws->log()) {
                const QJsonObject p = frame[u"payload"].toObject();
                const QString clientId = p[u"client_id"].toString();
                if (frame[u"type"].toString() == u"ack") {
                    acked.insert(clientId);
                } else if (frame[u"type"].toString() == u"chat_message") {
                    ids << p[u"id"].toInteger();
                    if (!sentHere.contains(clientId))
                        continue;
                    ++checked;
                    QVERIFY2(acked.contains(clientId),
                             qPrintable(u"round %1: message %2 before its ack"_s.arg(round).arg(
                                     clientId)));
                }
            }
            QCOMPARE(checked, sentHere.size());
            QCOMPARE(ids.size(), round * perRound);
            QCOMPARE(QSet<qint64>(ids.begin(), ids.end()).size(), ids.size()); // none twice
            FC_NO_VIOLATIONS(ws);
        }
    }

    void lastMessageIdOnConnectResumesAtOnce_data()
    {
        QTest::addColumn<QString>("driver");
        QTest::addColumn<bool>("tokenInQuery");
        for (const QString &driver : drivers()) {
            QTest::addRow("%s/bearer header", qPrintable(driver)) << driver << false;
            QTest::addRow("%s/token in query", qPrintable(driver)) << driver << true;
        }
    }
    void lastMessageIdOnConnectResumesAtOnce()
    {
        QFETCH(QString, driver);
        QFETCH(bool, tokenInQuery);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        FC_USER(bob, env, u"bob"_s);
        QList<qint64> ids;
        for (int i = 1; i <= 4; ++i) {
            const QJsonObject m = env.sendMessage(alice, bob, u"m%1"_s.arg(i));
            QVERIFY2(!m.isEmpty(), qPrintable(env.error()));
            ids << m[u"id"].toInteger();
        }
        FC_WS(bobWs, env, bob, tokenInQuery ? WsClient::Auth::Query : WsClient::Auth::Header,
              u"last_message_id=%1"_s.arg(ids[1]));
        const QJsonObject done = bobWs->waitForPayload(u"resume_done"_s);
        QVERIFY2(!done.isEmpty(), "no resume_done after connecting with last_message_id");
        QCOMPARE(done[u"count"].toInteger(), 2);
        QCOMPARE(done[u"last_message_id"].toInteger(), ids[3]);
        QCOMPARE(typesOf(bobWs->log()), (QStringList{u"chat_message"_s, u"chat_message"_s, u"resume_done"_s}));
        QCOMPARE(chatIdsOf(bobWs->log()), ids.mid(2));
        QVERIFY(bobWs->expectNoFrame(u"resume_done"_s, 1000));
        QCOMPARE(bobWs->queued(u"chat_message"_s).size(), 2);
    }

    void typingReachesOnlyThePeerAndExpiresByItself_data() { addDriverRows(); }
    void typingReachesOnlyThePeerAndExpiresByItself()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        FC_USER(bob, env, u"bob"_s);
        FC_USER(carol, env, u"carol"_s);
        FC_WS(aliceWs, env, alice);
        FC_WS(aliceOther, env, alice);
        FC_WS(bobWs, env, bob);
        FC_WS(carolWs, env, carol);
        for (WsClient *ws : {aliceOther.get(), bobWs.get(), carolWs.get()})
            QVERIFY(ws->pingPong());

        aliceWs->sendFrame(u"typing_status"_s, {{u"receiver_id"_s, bob.id}, {u"is_typing"_s, true}});
        const QJsonObject typing = bobWs->waitForPayload(u"typing_status"_s);
        QVERIFY2(!typing.isEmpty(), "bob got no typing_status");
        const QStringList keys{u"sender_id"_s, u"user_id"_s, u"receiver_id"_s, u"is_typing"_s, u"timestamp"_s};
        QVERIFY2(missingKeys(typing, keys).isEmpty(), qPrintable(missingKeys(typing, keys)));
        QVERIFY2(nonSnakeCaseKeys(typing).isEmpty(), qPrintable(nonSnakeCaseKeys(typing)));
        QCOMPARE(typing[u"sender_id"].toInteger(), alice.id);
        QCOMPARE(typing[u"user_id"].toInteger(), alice.id);
        QCOMPARE(typing[u"receiver_id"].toInteger(), bob.id);
        QCOMPARE(typing[u"is_typing"], QJsonValue(true));
        QVERIFY(isWireTime(typing[u"timestamp"]));

        // No refresh: the server sends is_typing false by itself (documented: after 6 s).
        const QJsonObject stopped = bobWs->waitForPayload(u"typing_status"_s, 10000);
        QVERIFY2(!stopped.isEmpty(), "no is_typing:false within 10 s");
        QCOMPARE(stopped[u"is_typing"], QJsonValue(false));
        QCOMPARE(stopped[u"sender_id"].toInteger(), alice.id);

        QVERIFY2(carolWs->queued(u"typing_status"_s).isEmpty(), "carol received someone else's typing");
        QVERIFY2(aliceOther->queued(u"typing_status"_s).isEmpty(), "the typist's other socket got the typing");
        QVERIFY2(aliceWs->queued(u"typing_status"_s).isEmpty(), "the typist got its own typing back");
    }

    void typingStopsWhenTheTypistSendsAMessage_data() { addDriverRows(); }
    void typingStopsWhenTheTypistSendsAMessage()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        FC_USER(bob, env, u"bob"_s);
        FC_WS(aliceWs, env, alice);
        FC_WS(bobWs, env, bob);
        QVERIFY(bobWs->pingPong());
        aliceWs->sendFrame(u"typing_status"_s, {{u"receiver_id"_s, bob.id}, {u"is_typing"_s, true}});
        QCOMPARE(bobWs->waitForPayload(u"typing_status"_s)[u"is_typing"], QJsonValue(true));
        aliceWs->sendFrame(u"chat_message"_s, chat(bob.id, u"done typing"_s, u"t-1"_s));
        QVERIFY(!bobWs->waitForPayload(u"chat_message"_s).isEmpty());
        const QJsonObject stopped = bobWs->waitForPayload(u"typing_status"_s, 10000);
        QVERIFY2(!stopped.isEmpty(), "no is_typing:false after the typist's message");
        QCOMPARE(stopped[u"is_typing"], QJsonValue(false));
        QCOMPARE(stopped[u"sender_id"].toInteger(), alice.id);
    }

    void typingStopsWhenTheTypistsLastSocketCloses_data() { addDriverRows(); }
    void typingStopsWhenTheTypistsLastSocketCloses()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        FC_USER(bob, env, u"bob"_s);
        FC_WS(aliceWs, env, alice);
        FC_WS(bobWs, env, bob);
        QVERIFY(bobWs->pingPong());
        aliceWs->sendFrame(u"typing_status"_s, {{u"receiver_id"_s, bob.id}, {u"is_typing"_s, true}});
        QCOMPARE(bobWs->waitForPayload(u"typing_status"_s)[u"is_typing"], QJsonValue(true));
        aliceWs->close();
        const QJsonObject stopped = bobWs->waitForPayload(u"typing_status"_s, 10000);
        QVERIFY2(!stopped.isEmpty(), "no is_typing:false after the typist left");
        QCOMPARE(stopped[u"is_typing"], QJsonValue(false));
        QCOMPARE(stopped[u"sender_id"].toInteger(), alice.id);
    }

    void presenceCountsConnections_data() { addDriverRows(); }
    void presenceCountsConnections()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        FC_USER(bob, env, u"bob"_s);
        FC_USER(carol, env, u"carol"_s);
        QVERIFY2(!env.sendMessage(alice, bob, u"we share a conversation"_s).isEmpty(), qPrintable(env.error()));
        FC_WS(bobWs, env, bob);
        FC_WS(carolWs, env, carol);
        QVERIFY(bobWs->pingPong());
        QVERIFY(carolWs->pingPong());
        bobWs->clearQueue();

        FC_WS(first, env, alice);
        const QJsonObject online = bobWs->waitForPayload(u"user_status"_s);
        QVERIFY2(!online.isEmpty(), "bob was not told that alice came online");
        const QStringList keys{u"user_id"_s, u"is_online"_s, u"last_seen"_s};
        QVERIFY2(missingKeys(online, keys).isEmpty(), qPrintable(missingKeys(online, keys)));
        QVERIFY2(nonSnakeCaseKeys(online).isEmpty(), qPrintable(nonSnakeCaseKeys(online)));
        QCOMPARE(online[u"user_id"].toInteger(), alice.id);
        QCOMPARE(online[u"is_online"], QJsonValue(true));
        QTRY_VERIFY_WITH_TIMEOUT(env.http().get(alice.path(), bob.token).object()[u"is_online"] == QJsonValue(true), 5000);

        // A second socket is not news; closing one of two is not either.
        FC_WS(second, env, alice);
        QVERIFY(second->pingPong());
        QVERIFY2(bobWs->expectNoFrame(u"user_status"_s, 1500), "a second socket announced alice again");
        first->close();
        QVERIFY2(bobWs->expectNoFrame(u"user_status"_s, 1500), "alice went offline with a socket still open");
        const HttpResponse seen = env.http().get(alice.path(), bob.token);
        QCOMPARE(seen.object()[u"is_online"], QJsonValue(true));

        second->close();
        const QJsonObject offline = bobWs->waitForPayload(u"user_status"_s);
        QVERIFY2(!offline.isEmpty(), "bob was not told that alice went offline");
        QCOMPARE(offline[u"user_id"].toInteger(), alice.id);
        QCOMPARE(offline[u"is_online"], QJsonValue(false));
        QVERIFY2(isWireTime(offline[u"last_seen"]), qPrintable(offline[u"last_seen"].toString()));
        // The user record agrees (allowing the store a moment to catch up).
        QTRY_VERIFY_WITH_TIMEOUT(env.http().get(alice.path(), bob.token).object()[u"is_online"] == QJsonValue(false), 5000);
        QTRY_VERIFY2_WITH_TIMEOUT(isWireTime(env.http().get(alice.path(), bob.token).object()[u"last_seen"]),
                                  qPrintable(u"GET /users/{alice} after she left: "_s
                                             + QString::fromUtf8(env.http().get(alice.path(), bob.token).body)),
                                  5000);

        // Carol shares no conversation with alice: she hears nothing of it.
        QVERIFY2(carolWs->queued(u"user_status"_s).isEmpty(), "carol was told about alice's presence");
    }

    void readFrameMarksReadAndTellsBothUsers_data() { addDriverRows(); }
    void readFrameMarksReadAndTellsBothUsers()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        FC_USER(bob, env, u"bob"_s);
        QList<qint64> ids;
        for (int i = 1; i <= 3; ++i) {
            const QJsonObject m = env.sendMessage(alice, bob, u"unread %1"_s.arg(i));
            QVERIFY2(!m.isEmpty(), qPrintable(env.error()));
            ids << m[u"id"].toInteger();
        }
        const qint64 conversationId = env.conversationWith(bob, alice.id)[u"id"].toInteger();
        QCOMPARE(env.conversationWith(bob, alice.id)[u"unread_count"].toInteger(), 3);
        FC_WS(aliceWs, env, alice);
        FC_WS(bobWs, env, bob);
        QVERIFY(aliceWs->pingPong());

        bobWs->sendFrame(u"read"_s, {{u"peer_id"_s, alice.id}, {u"message_id"_s, ids[1]}});
        const QJsonObject receipt = aliceWs->waitForPayload(u"read_receipt"_s);
        QVERIFY2(!receipt.isEmpty(), "alice got no read_receipt");
        const QStringList keys{u"conversation_id"_s, u"reader_id"_s, u"peer_id"_s, u"message_id"_s, u"unread_count"_s, u"read_at"_s};
        QVERIFY2(missingKeys(receipt, keys).isEmpty(), qPrintable(missingKeys(receipt, keys)));
        QVERIFY2(nonSnakeCaseKeys(receipt).isEmpty(), qPrintable(nonSnakeCaseKeys(receipt)));
        QCOMPARE(receipt[u"conversation_id"].toInteger(), conversationId);
        QCOMPARE(receipt[u"reader_id"].toInteger(), bob.id);
        QCOMPARE(receipt[u"peer_id"].toInteger(), alice.id);
        QCOMPARE(receipt[u"message_id"].toInteger(), ids[1]);
        QCOMPARE(receipt[u"unread_count"].toInteger(), 1);
        QVERIFY(isWireTime(receipt[u"read_at"]));
        const QJsonObject own = bobWs->waitForPayload(u"read_receipt"_s);
        QVERIFY2(!own.isEmpty(), "the reader's sockets got no read_receipt");
        QCOMPARE(own[u"message_id"].toInteger(), ids[1]);

        QCOMPARE(env.conversationWith(bob, alice.id)[u"unread_count"].toInteger(), 1);
        QJsonArray history = env.history(alice, bob.id, u"?before=%1&limit=10"_s.arg(ids.last() + 1));
        QCOMPARE(history.size(), 3);
        QVERIFY(isWireTime(history[0].toObject()[u"read_at"]));
        QVERIFY(isWireTime(history[1].toObject()[u"read_at"]));
        QVERIFY2(history[2].toObject()[u"read_at"].isNull(), "a message after message_id was marked read");

        bobWs->sendFrame(u"read"_s, {{u"peer_id"_s, alice.id}, {u"message_id"_s, ids[2]}});
        QCOMPARE(aliceWs->waitForPayload(u"read_receipt"_s)[u"unread_count"].toInteger(), 0);
        QCOMPARE(env.conversationWith(bob, alice.id)[u"unread_count"].toInteger(), 0);
        history = env.history(alice, bob.id, u"?before=%1&limit=10"_s.arg(ids.last() + 1));
        for (const QJsonValue &m : history)
            QVERIFY(isWireTime(m.toObject()[u"read_at"]));
        // Alice's own count was never touched.
        QCOMPARE(env.conversationWith(alice, bob.id)[u"unread_count"].toInteger(), 0);
    }

    void postChatReadIsTheSameAsTheReadFrame_data() { addDriverRows(); }
    void postChatReadIsTheSameAsTheReadFrame()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        FC_USER(bob, env, u"bob"_s);
        const QJsonObject m1 = env.sendMessage(alice, bob, u"one"_s);
        const QJsonObject m2 = env.sendMessage(alice, bob, u"two"_s);
        QVERIFY2(!m1.isEmpty() && !m2.isEmpty(), qPrintable(env.error()));
        FC_WS(aliceWs, env, alice);
        QVERIFY(aliceWs->pingPong());
        const HttpResponse r = env.http().post(u"/chat/read"_s, {{u"peer_id"_s, alice.id}, {u"message_id"_s, m2[u"id"].toInteger()}},
                                               bob.token);
        FC_STATUS(r, 200);
        QVERIFY(r.isJsonContentType());
        QCOMPARE(r.object()[u"reader_id"].toInteger(), bob.id);
        QCOMPARE(r.object()[u"peer_id"].toInteger(), alice.id);
        QCOMPARE(r.object()[u"message_id"].toInteger(), m2[u"id"].toInteger());
        QCOMPARE(r.object()[u"unread_count"].toInteger(), 0);
        QVERIFY(isWireTime(r.object()[u"read_at"]));
        const QJsonObject receipt = aliceWs->waitForPayload(u"read_receipt"_s);
        QCOMPARE(receipt[u"reader_id"].toInteger(), bob.id);
        QCOMPARE(receipt[u"message_id"].toInteger(), m2[u"id"].toInteger());
        QCOMPARE(env.conversationWith(bob, alice.id)[u"unread_count"].toInteger(), 0);
    }

    void badFramesGetAnErrorFrameAndTheConnectionStays_data()
    {
        QTest::addColumn<QString>("driver");
        QTest::addColumn<QByteArray>("frame"); // '@' stands for bob's id, '#' for alice's
        QTest::addColumn<QString>("code");
        const QByteArray big = QByteArray(70 * 1024, 'x');
        const QList<std::tuple<const char *, QByteArray, const char *>> rows = {
            {"not JSON", "hello, server", "bad_json"},
            {"truncated JSON", R"({"type":"chat_message","payload":{"receiver_id":@,)", "bad_json"},
            {"JSON array", R"([{"type":"ping","payload":{}}])", "bad_json"},
            {"JSON number", "42", "bad_json"},
            {"missing type", R"({"payload":{"receiver_id":@,"content":"hi"}})", "invalid_envelope"},
            {"type not a string", R"({"type":7,"payload":{}})", "invalid_envelope"},
            {"payload not an object", R"({"type":"chat_message","payload":"hi"})", "invalid_envelope"},
            {"payload an array", R"({"type":"chat_message","payload":[@,"hi"]})", "invalid_envelope"},
            {"unknown type", R"({"type":"launch_missiles","payload":{}})", "unknown_type"},
            {"missing receiver_id", R"({"type":"chat_message","payload":{"content":"hi","client_id":"bad-1"}})", "invalid_payload"},
            {"receiver_id as string", R"({"type":"chat_message","payload":{"receiver_id":"@","content":"hi","client_id":"bad-1"}})", "invalid_payload"},
            {"receiver_id fractional", R"({"type":"chat_message","payload":{"receiver_id":@.5,"content":"hi"}})", "invalid_payload"},
            {"missing content", R"({"type":"chat_message","payload":{"receiver_id":@}})", "invalid_payload"},
            {"NUL in content", R"({"type":"chat_message","payload":{"receiver_id":@,"content":"a\u0000b","client_id":"bad-1"}})", "invalid_payload"},
            {"empty text content", R"({"type":"chat_message","payload":{"receiver_id":@,"content":"","type":"text"}})", "invalid_payload"},
            {"content over 64 KiB", QByteArray("{\"type\":\"chat_message\",\"payload\":{\"receiver_id\":@,\"content\":\"" + big
                                                   + "\",\"client_id\":\"bad-1\"}}"), "too_large"},
            {"unknown receiver", R"({"type":"chat_message","payload":{"receiver_id":987654,"content":"hi"}})", "not_found"},
            {"messaging yourself", R"({"type":"chat_message","payload":{"receiver_id":#,"content":"hi"}})", "forbidden"},
            {"typing without is_typing", R"({"type":"typing_status","payload":{"receiver_id":@}})", "invalid_payload"},
            {"typing is_typing as string", R"({"type":"typing_status","payload":{"receiver_id":@,"is_typing":"yes"}})", "invalid_payload"},
            {"read with message_id as string", R"({"type":"read","payload":{"peer_id":@,"message_id":"1"}})", "invalid_payload"},
            {"resume from a negative id", R"({"type":"resume","payload":{"last_message_id":-1}})", "invalid_payload"},
        };
        for (const QString &driver : drivers())
            for (const auto &[name, frame, code] : rows)
                QTest::addRow("%s/%s", qPrintable(driver), name) << driver << frame << QString::fromLatin1(code);
    }
    void badFramesGetAnErrorFrameAndTheConnectionStays()
    {
        QFETCH(QString, driver);
        QFETCH(QByteArray, frame);
        QFETCH(QString, code);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        FC_USER(bob, env, u"bob"_s);
        FC_WS(aliceWs, env, alice);
        FC_WS(bobWs, env, bob);
        QVERIFY(bobWs->pingPong());
        frame.replace("@", QByteArray::number(bob.id)).replace("#", QByteArray::number(alice.id));
        aliceWs->sendText(frame);

        const QJsonObject error = aliceWs->waitForPayload(u"error"_s);
        QVERIFY2(!error.isEmpty(), qPrintable(u"no error frame; the socket is "_s
                                              + (aliceWs->isOpen() ? u"open"_s : u"closed with %1"_s.arg(aliceWs->closeCode()))));
        QVERIFY2(missingKeys(error, {u"code"_s, u"message"_s}).isEmpty(), QJsonDocument(error).toJson().constData());
        QVERIFY2(nonSnakeCaseKeys(error).isEmpty(), qPrintable(nonSnakeCaseKeys(error)));
        QCOMPARE(error[u"code"].toString(), code);
        QVERIFY2(error[u"message"].isString() && !error[u"message"].toString().isEmpty(), "the error says nothing");
        if (error.contains(u"client_id") && !error[u"client_id"].isNull())
            QCOMPARE(error[u"client_id"].toString(), u"bad-1"_s);

        // The connection stays, nothing was stored, nobody else heard of it.
        QVERIFY2(aliceWs->pingPong(), "the connection did not survive a bad frame");
        QVERIFY(aliceWs->queued(u"ack"_s).isEmpty());
        QCOMPARE(env.conversations(alice).size(), 0);
        QCOMPARE(env.conversations(bob).size(), 0);
        QVERIFY(bobWs->queued(u"chat_message"_s).isEmpty());
        QVERIFY(bobWs->queued(u"error"_s).isEmpty());
        FC_NO_VIOLATIONS(aliceWs);
    }

    void aMessageOver1MiBClosesTheSocketWith1009_data() { addDriverRows(); }
    void aMessageOver1MiBClosesTheSocketWith1009()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        FC_USER(bob, env, u"bob"_s);
        FC_WS(aliceWs, env, alice);
        FC_WS(bobWs, env, bob);
        QVERIFY(bobWs->pingPong());
        const QByteArray content(1536 * 1024, 'x');
        const QJsonObject payload{{u"receiver_id"_s, bob.id}, {u"type"_s, u"file"_s},
                                  {u"content"_s, QString::fromLatin1(content)}};
        aliceWs->sendFrame(u"chat_message"_s, payload);
        QVERIFY2(aliceWs->waitForClosed(10000), "the socket stayed open after a 1.5 MiB message");
        QCOMPARE(aliceWs->closeCode(), 1009);
        QCOMPARE(env.conversations(bob).size(), 0);
        QVERIFY(bobWs->pingPong());
        QVERIFY(bobWs->queued(u"chat_message"_s).isEmpty());
    }

    void deletingTheUserClosesTheirSocketsWith1008_data() { addDriverRows(); }
    void deletingTheUserClosesTheirSocketsWith1008()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        FC_USER(bob, env, u"bob"_s);
        FC_WS(aliceWs, env, alice);
        FC_WS(aliceOther, env, alice, WsClient::Auth::Query);
        FC_WS(bobWs, env, bob);
        QVERIFY(aliceWs->pingPong());
        QVERIFY(aliceOther->pingPong());
        const HttpResponse del = env.http().del(alice.path(), alice.token);
        FC_STATUS(del, 200);
        QVERIFY2(aliceWs->waitForClosed(10000), "the deleted user's socket stayed open");
        QCOMPARE(aliceWs->closeCode(), 1008);
        QVERIFY2(aliceOther->waitForClosed(10000), "the deleted user's second socket stayed open");
        QCOMPARE(aliceOther->closeCode(), 1008);
        QVERIFY(bobWs->pingPong());
    }

    void sigtermClosesSocketsWith1001AndTheServerExits_data() { addDriverRows(); }
    void sigtermClosesSocketsWith1001AndTheServerExits()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        FC_WS(ws, env, alice);
        QVERIFY(ws->pingPong());
        QVERIFY2(env.server().stop(), "fastchat-server did not exit within 10 s of SIGTERM");
        QVERIFY2(ws->waitForClosed(10000), "the socket did not close when the server stopped");
        QCOMPARE(ws->closeCode(), 1001);
    }

    void logoutClosesThatSessionsSocketsWith1008_data() { addDriverRows(); }
    void logoutClosesThatSessionsSocketsWith1008()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        TestUser otherSession = alice;
        QVERIFY2(env.login(otherSession), qPrintable(env.error()));
        FC_WS(loggedOut, env, alice);
        FC_WS(staying, env, otherSession);
        QVERIFY(loggedOut->pingPong());
        QVERIFY(staying->pingPong());
        const HttpResponse out = env.http().post(u"/auth/logout"_s, {}, alice.token);
        FC_STATUS(out, 200);
        QVERIFY2(loggedOut->waitForClosed(10000), "the session's socket stayed open after logout");
        QCOMPARE(loggedOut->closeCode(), 1008);
        QVERIFY2(staying->pingPong(), "logout closed another session's socket");
    }
};

QTEST_GUILESS_MAIN(TestRealtime)
#include "tst_realtime.moc"
