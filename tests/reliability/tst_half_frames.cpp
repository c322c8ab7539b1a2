// SPDX-License-Identifier: MIT
// Client sockets that break mid-frame (issue 8). carol opens raw TCP connections to
// fastchat-server on PostgreSQL and leaves each one in the middle of something: half an
// upgrade request, one byte of a frame header, half of a 64-bit length, a chat_message frame
// cut inside its payload, an acknowledged message followed by half of the next, a first
// fragment without its continuation, a large frame cut off after 100 KB, half of a REST body.
// Each connection then ends with a FIN (close) or a RST (SO_LINGER 0), many at once. All the
// while alice and bob chat over WebSocket. Then:
//   - the server is still running and alice's and bob's traffic was never disturbed (every
//     message acknowledged and delivered once, no error);
//   - no half-sent message is stored; each acknowledged one is stored exactly once;
//   - carol's presence is consistent (offline for bob once every socket is gone) and she can
//     connect and chat normally afterwards.
#include "ChatLoad.h"
#include "ServerRun.h"
#include "TestDatabase.h"

#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/socket.h>

using namespace Qt::StringLiterals;

namespace {

// A masked client frame (RFC 6455 5.2).
QByteArray wsFrame(int opcode, const QByteArray &payload, bool fin = true)
{
    QByteArray out;
    out += char((fin ? 0x80 : 0) | opcode);
    const qsizetype n = payload.size();
    if (n < 126) {
        out += char(0x80 | n);
    } else if (n <= 0xFFFF) {
        out += char(0x80 | 126);
        out += char(n >> 8);
        out += char(n & 0xFF);
    } else {
        out += char(0x80 | 127);
        for (int shift = 56; shift >= 0; shift -= 8)
            out += char((quint64(n) >> shift) & 0xFF);
    }
    const quint32 mask = QRandomGenerator::global()->generate();
    const char key[4] = {char(mask >> 24), char(mask >> 16), char(mask >> 8), char(mask)};
    out.append(key, 4);
    for (qsizetype i = 0; i < n; ++i)
        out += char(payload.at(i) ^ key[i % 4]);
    return out;
}

QByteArray chatFrameText(qint64 receiverId, const QString &content, const QString &clientId)
{
    const QJsonObject frame{{u"type"_s, u"chat_message"_s},
                            {u"payload"_s,
                             QJsonObject{{u"receiver_id"_s, receiverId},
                                         {u"content"_s, content},
                                         {u"client_id"_s, clientId}}}};
    return QJsonDocument(frame).toJson(QJsonDocument::Compact);
}

QByteArray upgradeRequest(quint16 port, const QString &token)
{
    return "GET /ws?token=" + token.toUtf8()
            + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port)
            + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
}

enum class Cut {
    HalfUpgrade,
    OneHeaderByte,
    HalfLength,
    HalfPayload,
    AckedThenHalf,
    FragmentOnly,
    LargeFrameCut,
    HalfRestBody,
};
constexpr int cutCount = 8;

QString cutName(Cut cut)
{
    switch (cut) {
    case Cut::HalfUpgrade:
        return u"half an upgrade request"_s;
    case Cut::OneHeaderByte:
        return u"one byte of a frame header"_s;
    case Cut::HalfLength:
        return u"half of a 64-bit length"_s;
    case Cut::HalfPayload:
        return u"a chat_message cut in its payload"_s;
    case Cut::AckedThenHalf:
        return u"an acknowledged message, then half of the next"_s;
    case Cut::FragmentOnly:
        return u"a first fragment without continuation"_s;
    case Cut::LargeFrameCut:
        return u"a large frame cut after 100 KB"_s;
    case Cut::HalfRestBody:
        return u"half of a POST /chat/message body"_s;
    }
    return {};
}

// One of carol's connections that ends mid-frame.
struct Breaker
{
    Cut cut;
    bool reset = false; // RST instead of FIN
    QString halfId;     // the client id of the message that must never be stored
    QString wholeId;    // AckedThenHalf: the message acknowledged before the cut
    std::unique_ptr<QTcpSocket> socket;
    QByteArray answer;
    bool upgraded = false;
};

} // namespace

class TestHalfFrames : public QObject
{
    Q_OBJECT

private slots:
    void socketsDroppedMidFrame()
    {
        fctest::TestDatabase database;
        QVERIFY2(database.create(u"postgres"_s), qPrintable(database.errorString()));
        QTemporaryDir dataDir;
        QVERIFY(dataDir.isValid());
        fcadmin::ServerRun server;
        QVERIFY2(
                server.start({u"serve"_s, u"--listen"_s, u"127.0.0.1:0"_s, u"--data-dir"_s,
                              dataDir.path(), u"--database"_s, database.url(), u"--password-cost"_s,
                              u"min"_s, u"--messages-per-second"_s, u"1000000"_s}),
                qPrintable(server.errorString()));

        // alice and bob (a pair), carol and dave (a pair: dave is carol's contact).
        fcrel::ChatLoad load;
        QVERIFY2(load.createUsers(server.baseUrl(), 2, u"h"_s), qPrintable(load.error()));
        fcrel::ChatUser &alice = load.user(0);
        fcrel::ChatUser &bob = load.user(1);
        fcrel::ChatUser &carol = load.user(2);
        fcrel::ChatUser &dave = load.user(3);
        load.setServer(server.wsUrl());
        QVERIFY2(load.connectAll(30000), "not every user's socket opened");
        // Only alice and bob keep sending; carol's regular socket stays quiet and dave listens.
        carol.sends = dave.sends = false;
        load.setWindow(4);
        load.setSending(true);
        load.start();
        // A conversation between carol and dave, so that dave hears of carol's presence.
        carol.sendNext();
        dave.sendNext();
        QTRY_VERIFY_WITH_TIMEOUT(carol.acks().size() == 1 && dave.acks().size() == 1, 10000);
        carol.abort();
        dave.abort();
        QTRY_VERIFY_WITH_TIMEOUT(carol.state() == fcrel::ChatUser::State::Closed, 10000);
        dave.open(server.wsUrl(), dave.highestSeen());
        QTRY_VERIFY_WITH_TIMEOUT(dave.resumedOnCurrentSocket(), 10000);
        // Everyone but alice and bob stops sending new messages.
        const auto quiet = [&](fcrel::ChatUser &u) { return u.pending().isEmpty(); };
        QVERIFY(quiet(carol) && quiet(dave));

        const quint16 port = server.port();
        const QString token = carol.account.token;
        const qint64 to = dave.account.id;
        int serial = 0;
        QStringList halfIds, wholeIds;
        constexpr int rounds = 6;
        for (int round = 0; round < rounds; ++round) {
            // Every kind of cut, with FIN and with RST, all at once.
            std::vector<std::unique_ptr<Breaker>> breakers;
            for (int c = 0; c < cutCount; ++c) {
                for (bool reset : {false, true}) {
                    auto b = std::make_unique<Breaker>();
                    b->cut = Cut(c);
                    b->reset = reset;
                    b->halfId = u"half-%1"_s.arg(serial);
                    b->wholeId = u"whole-%1"_s.arg(serial);
                    ++serial;
                    b->socket = std::make_unique<QTcpSocket>();
                    b->socket->connectToHost(u"127.0.0.1"_s, port);
                    breakers.push_back(std::move(b));
                }
            }
            QTRY_VERIFY_WITH_TIMEOUT(std::all_of(breakers.begin(), breakers.end(),
                                                 [](const auto &b) {
                                                     return b->socket->state()
                                                             == QAbstractSocket::ConnectedState;
                                                 }),
                                     10000);
            // Upgrade every connection that needs a WebSocket.
            for (auto &b : breakers) {
                const QByteArray upgrade = upgradeRequest(port, token);
                if (b->cut == Cut::HalfUpgrade) {
                    b->socket->write(upgrade.left(upgrade.size() / 2));
                } else if (b->cut == Cut::HalfRestBody) {
                    const QByteArray body = "{\"receiver_id\":" + QByteArray::number(to)
                            + ",\"content\":\"" + b->halfId.toUtf8()
                            + " over REST\",\"client_id\":\"" + b->halfId.toUtf8() + "\"}";
                    b->socket->write("POST /chat/message HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                     "Authorization: Bearer "
                                     + token.toUtf8()
                                     + "\r\nContent-Type: application/json\r\nContent-Length: "
                                     + QByteArray::number(body.size()) + "\r\n\r\n"
                                     + body.left(body.size() / 2));
                } else {
                    b->socket->write(upgrade);
                }
                b->socket->flush();
            }
            for (auto &b : breakers) {
                if (b->cut == Cut::HalfUpgrade || b->cut == Cut::HalfRestBody)
                    continue;
                QTRY_VERIFY2_WITH_TIMEOUT(
                        (b->answer += b->socket->readAll()).contains("\r\n\r\n"),
                        qPrintable(u"no answer to the upgrade before %1: %2"_s.arg(
                                cutName(b->cut), QString::fromLatin1(b->answer.left(200)))),
                        10000);
                QVERIFY2(b->answer.startsWith("HTTP/1.1 101"),
                         qPrintable(QString::fromLatin1(b->answer.left(200))));
                b->answer = b->answer.mid(b->answer.indexOf("\r\n\r\n") + 4);
            }
            // Send the first part of each.
            for (auto &b : breakers) {
                const QByteArray half = wsFrame(
                        0x1,
                        chatFrameText(to, u"%1 must never be stored"_s.arg(b->halfId), b->halfId));
                switch (b->cut) {
                case Cut::HalfUpgrade:
                case Cut::HalfRestBody:
                    break;
                case Cut::OneHeaderByte:
                    b->socket->write(half.left(1));
                    break;
                case Cut::HalfLength: {
                    QByteArray big = wsFrame(0x1, QByteArray(70000, 'x'));
                    b->socket->write(big.left(6)); // 2 header bytes, 4 of the 8 length bytes
                    break;
                }
                case Cut::HalfPayload:
                    b->socket->write(half.left(half.size() - 10));
                    break;
                case Cut::AckedThenHalf:
                    b->socket->write(wsFrame(
                            0x1, chatFrameText(to, u"%1 is whole"_s.arg(b->wholeId), b->wholeId)));
                    break;
                case Cut::FragmentOnly: {
                    const QByteArray text = chatFrameText(
                            to, u"%1 must never be stored"_s.arg(b->halfId), b->halfId);
                    b->socket->write(wsFrame(0x1, text.left(text.size() / 2), false));
                    break;
                }
                case Cut::LargeFrameCut: {
                    const QByteArray text = chatFrameText(
                            to, u"%1 "_s.arg(b->halfId) + QString(60000, u'y'), b->halfId);
                    const QByteArray frame = wsFrame(0x1, text);
                    b->socket->write(frame.left(frame.size() - 2000));
                    break;
                }
                }
                b->socket->flush();
                if (b->cut != Cut::AckedThenHalf)
                    halfIds << b->halfId;
            }
            // The acknowledged ones: wait for the ack, then the half of the next message.
            for (auto &b : breakers) {
                if (b->cut != Cut::AckedThenHalf)
                    continue;
                QTRY_VERIFY2_WITH_TIMEOUT(
                        (b->answer += b->socket->readAll())
                                .contains(QByteArray("\"" + b->wholeId.toUtf8() + "\"")),
                        "no ack on a raw socket", 10000);
                wholeIds << b->wholeId;
                halfIds << b->halfId;
                const QByteArray half = wsFrame(
                        0x1,
                        chatFrameText(to, u"%1 must never be stored"_s.arg(b->halfId), b->halfId));
                b->socket->write(half.left(half.size() / 2));
                b->socket->flush();
            }
            QTest::qWait(50); // let the server read what it got so far
            // Break them all at once.
            for (auto &b : breakers) {
                if (b->reset) {
                    const linger hard{1, 0};
                    setsockopt(int(b->socket->socketDescriptor()), SOL_SOCKET, SO_LINGER, &hard,
                               sizeof hard);
                    b->socket->abort();
                } else {
                    b->socket->disconnectFromHost();
                }
            }
            // alice and bob are undisturbed: their traffic goes on.
            const int acks = load.totalAcks();
            QTRY_VERIFY2_WITH_TIMEOUT(load.totalAcks() >= acks + 100,
                                      "alice's and bob's traffic stalled", 30000);
            QVERIFY2(server.isRunning(), "the server exited");
            for (auto &b : breakers)
                if (b->socket->state() != QAbstractSocket::UnconnectedState)
                    b->socket->abort();
        }
        qInfo().noquote()
                << u"%1 connections broken mid-frame (%2 kinds, FIN and RST)"_s.arg(serial).arg(
                           cutCount);

        // Everything settles: alice's and bob's traffic is complete and clean.
        load.setSending(false);
        QTRY_VERIFY2_WITH_TIMEOUT(load.allAcked(), "not every message was acknowledged", 30000);
        QTRY_VERIFY2_WITH_TIMEOUT(alice.received().size() == bob.received().size()
                                          && load.allDelivered(),
                                  "not every message was delivered", 30000);
        QVERIFY2(load.totalErrors() == 0,
                 qPrintable(load.unexpectedErrors({}).mid(0, 10).join(u"\n"_s)));
        QVERIFY2(alice.sockets() == 1 && bob.sockets() == 1 && alice.isOpen() && bob.isOpen(),
                 "alice's or bob's socket closed");

        // carol is offline for dave once every socket of hers is gone.
        fctest::HttpClient http(server.baseUrl());
        QTRY_VERIFY2_WITH_TIMEOUT(
                !http.get(u"/users/%1"_s.arg(carol.account.id), dave.account.token)
                         .object()
                         .value(u"is_online")
                         .toBool(),
                "carol still shows online after all her sockets broke", 15000);

        // Nothing half-sent is stored; every acknowledged raw message is stored once.
        QJsonArray history;
        QString error;
        QVERIFY2(fcrel::wholeHistory(http, carol.account.token, dave.account.id, &history, &error),
                 qPrintable(error));
        QHash<QString, int> stored;
        for (const QJsonValue &v : std::as_const(history))
            ++stored[v.toObject().value(u"client_id").toString()];
        for (const QString &id : std::as_const(halfIds))
            QVERIFY2(!stored.contains(id),
                     qPrintable(u"half-sent message %1 was stored"_s.arg(id)));
        for (const QString &id : std::as_const(wholeIds))
            QVERIFY2(stored.value(id) == 1,
                     qPrintable(u"acknowledged message %1 stored %2 times"_s.arg(id).arg(
                             stored.value(id))));
        QCOMPARE(history.size(), wholeIds.size() + 2); // and the two first messages

        // carol connects and chats normally again.
        carol.open(server.wsUrl(), carol.highestSeen());
        QTRY_VERIFY_WITH_TIMEOUT(carol.resumedOnCurrentSocket(), 10000);
        const QString id = carol.sendNext();
        QTRY_VERIFY2_WITH_TIMEOUT(carol.acks().contains(id),
                                  qPrintable(u"carol's message after the breaks got no ack"_s),
                                  10000);
        const qint64 messageId = carol.acks().value(id);
        QTRY_VERIFY_WITH_TIMEOUT(
                std::any_of(dave.received().begin(), dave.received().end(),
                            [&](const fcrel::Received &r) { return r.id == messageId; }),
                10000);
        load.stop();

        // The pair that chatted throughout (alice and bob): the full check.
        QString summary;
        const QStringList problems = load.verify(server.baseUrl(), true, &summary, 1);
        qInfo().noquote() << summary;
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u"\n"_s)));
    }
};

QTEST_GUILESS_MAIN(TestHalfFrames)
#include "tst_half_frames.moc"
