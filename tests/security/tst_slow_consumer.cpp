// SPDX-License-Identifier: MIT
// Slow consumers (issue 8): user S opens a WebSocket by hand on a raw TCP socket (the HTTP
// upgrade written and the 101 read by the test) and then stops reading. User T sends S
// hundreds of 60 KiB messages through a normal WebSocket. The server must cut S off (it says
// it closes with 1008 "too slow"; the test checks what a client can see: the server ends the
// connection, S went offline for T, and S got less than was sent), its memory must not grow
// without bound (VmRSS of the server process stays under start + 300 MiB), every message of T
// is acknowledged and stored, and meanwhile a normal client N receives every message a fourth
// user F sends it. Only generous time bounds; no assertion about speed.
#include "TestEnv.h"

#include <QDir>
#include <QFile>
#include <QTcpSocket>
#include <QtTest>

#include <optional>

using namespace Qt::StringLiterals;
using namespace fctest;

namespace {

constexpr int messageCount = 400;
constexpr int messageBytes = 60 * 1024;
constexpr qint64 rssCapKiB = 300 * 1024;

// The pid of the fastchat-server whose command line names this data dir; 0 when none.
qint64 serverPid(const QString &dataDir)
{
    const QStringList entries = QDir(u"/proc"_s).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        bool ok = false;
        const qint64 pid = entry.toLongLong(&ok);
        if (!ok)
            continue;
        QFile cmdline(u"/proc/%1/cmdline"_s.arg(pid));
        if (!cmdline.open(QIODevice::ReadOnly))
            continue;
        const QList<QByteArray> args = cmdline.readAll().split('\0');
        if (!args.isEmpty() && args.first().endsWith("fastchat-server") && args.contains(dataDir.toUtf8()))
            return pid;
    }
    return 0;
}

// VmRSS in KiB; -1 when it cannot be read.
qint64 rssKiB(qint64 pid)
{
    QFile status(u"/proc/%1/status"_s.arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    return -1;
}

struct CloseFrame
{
    int code = -1;
    QByteArray reason;
};

// Walks server frames (unmasked) in `data`; returns the close frame if a complete one is there.
std::optional<CloseFrame> findCloseFrame(const QByteArray &data, qint64 *textFrames)
{
    qsizetype pos = 0;
    while (pos + 2 <= data.size()) {
        const quint8 b0 = quint8(data[pos]);
        const quint8 b1 = quint8(data[pos + 1]);
        qsizetype header = 2;
        quint64 length = b1 & 0x7f;
        if (length == 126) {
            if (pos + 4 > data.size())
                break;
            length = (quint64(quint8(data[pos + 2])) << 8) | quint8(data[pos + 3]);
            header = 4;
        } else if (length == 127) {
            if (pos + 10 > data.size())
                break;
            length = 0;
            for (int i = 0; i < 8; ++i)
                length = (length << 8) | quint8(data[pos + 2 + i]);
            header = 10;
        }
        if (pos + header + qsizetype(length) > data.size())
            break;
        const int opcode = b0 & 0x0f;
        if (opcode == 0x1)
            ++*textFrames;
        if (opcode == 0x8) {
            CloseFrame close;
            const QByteArray body = data.mid(pos + header, qsizetype(length));
            if (body.size() >= 2)
                close.code = (quint8(body[0]) << 8) | quint8(body[1]);
            close.reason = body.mid(2);
            return close;
        }
        pos += header + qsizetype(length);
    }
    return std::nullopt;
}

} // namespace

class TestSlowConsumer : public QObject
{
    Q_OBJECT

private slots:
    void slowReaderIsCutOff_data() { addDriverRows(); }
    void slowReaderIsCutOff()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(slow, env, u"slow"_s);
        FC_USER(sender, env, u"sender"_s);
        FC_USER(normal, env, u"normal"_s);
        FC_USER(fourth, env, u"fourth"_s);

        const qint64 pid = serverPid(env.dataDir());
        QVERIFY2(pid > 0, "cannot find the server's pid in /proc");
        const qint64 rssStart = rssKiB(pid);
        QVERIFY(rssStart > 0);

        // A conversation between the sender and S first, so that S's presence reaches the
        // sender (user_status goes to users who share a conversation).
        QVERIFY2(!env.sendMessage(sender, slow, u"hello"_s).isEmpty(), qPrintable(env.error()));
        QVERIFY2(!env.sendMessage(fourth, normal, u"hello"_s).isEmpty(), qPrintable(env.error()));

        FC_WS(senderWs, env, sender);
        FC_WS(normalWs, env, normal);
        FC_WS(fourthWs, env, fourth);

        // The slow client: the upgrade by hand, small kernel buffer, then no more reading.
        QTcpSocket raw;
        raw.connectToHost(u"127.0.0.1"_s, env.server().port());
        QVERIFY(raw.waitForConnected(10000));
        raw.setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, 32 * 1024);
        QByteArray request = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(env.server().port()) + "\r\n";
        request += "Upgrade: websocket\r\nConnection: Upgrade\r\n";
        request += "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
        request += "Authorization: Bearer " + slow.token.toLatin1() + "\r\n\r\n";
        raw.write(request);
        QByteArray received;
        QTRY_VERIFY_WITH_TIMEOUT((received += raw.readAll()).contains("\r\n\r\n"), 10000);
        const QByteArray head = received.left(received.indexOf("\r\n\r\n"));
        QVERIFY2(head.startsWith("HTTP/1.1 101"), head.constData());
        QVERIFY2(head.contains("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), head.constData());
        received.remove(0, head.size() + 4);
        raw.setReadBufferSize(16 * 1024); // Qt stops pulling from the kernel past this
        // The sender sees S come online: the server has registered the connection.
        QTRY_VERIFY_WITH_TIMEOUT(std::any_of(senderWs->log().cbegin(), senderWs->log().cend(), [&](const QJsonObject &f) {
            const QJsonObject p = f.value(u"payload").toObject();
            return f.value(u"type").toString() == u"user_status" && p.value(u"user_id").toInteger() == slow.id
                    && p.value(u"is_online").toBool();
        }), 20000);

        // The flood, paced under the rate limit; rate-limited ones are sent again.
        const QString big = QString(messageBytes, u'x');
        QSet<QString> acked;
        QSet<QString> normalExpected;
        qint64 rssMax = rssStart;
        qsizetype seenLog = 0;
        QStringList pending;
        for (int i = 0; i < messageCount; ++i)
            pending << u"big-%1"_s.arg(i);
        QElapsedTimer floodClock;
        floodClock.start();
        int sent = 0;
        while (acked.size() < messageCount && floodClock.elapsed() < 300000) {
            if (!pending.isEmpty()) {
                const QString id = pending.takeFirst();
                senderWs->sendFrame(u"chat_message"_s, {{u"receiver_id"_s, slow.id}, {u"content"_s, big},
                                                        {u"type"_s, u"text"_s}, {u"client_id"_s, id}});
                if (++sent % 8 == 0) {
                    const QString nid = u"n-%1"_s.arg(sent);
                    normalExpected.insert(nid);
                    fourthWs->sendFrame(u"chat_message"_s, {{u"receiver_id"_s, normal.id}, {u"content"_s, nid},
                                                            {u"type"_s, u"text"_s}, {u"client_id"_s, nid}});
                }
            }
            QTest::qWait(pending.isEmpty() ? 100 : 25);
            const QList<QJsonObject> log = senderWs->log();
            for (; seenLog < log.size(); ++seenLog) {
                const QJsonObject f = log.at(seenLog);
                const QJsonObject p = f.value(u"payload").toObject();
                if (f.value(u"type").toString() == u"ack")
                    acked.insert(p.value(u"client_id").toString());
                else if (f.value(u"type").toString() == u"error") {
                    QVERIFY2(p.value(u"code").toString() == u"rate_limited",
                             qPrintable(QString::fromUtf8(QJsonDocument(f).toJson(QJsonDocument::Compact))));
                    pending << p.value(u"client_id").toString();
                }
            }
            senderWs->clearQueue();
            rssMax = std::max(rssMax, rssKiB(pid));
        }
        QVERIFY2(env.server().isRunning(), env.server().standardError().right(2000).constData());
        QCOMPARE(acked.size(), messageCount);

        // S is cut off: the server reports it offline to the sender, within a minute.
        QTRY_VERIFY_WITH_TIMEOUT(std::any_of(senderWs->log().cbegin(), senderWs->log().cend(), [&](const QJsonObject &f) {
            const QJsonObject p = f.value(u"payload").toObject();
            return f.value(u"type").toString() == u"user_status" && p.value(u"user_id").toInteger() == slow.id
                    && !p.value(u"is_online").toBool();
        }), 60000);
        rssMax = std::max(rssMax, rssKiB(pid));

        // Now drain S's socket: the connection ends (the server closed it) before everything
        // that was sent arrived.
        raw.setReadBufferSize(0);
        QTRY_VERIFY_WITH_TIMEOUT(((received += raw.readAll()), raw.state() == QAbstractSocket::UnconnectedState), 60000);
        received += raw.readAll();
        qint64 textFrames = 0;
        const std::optional<CloseFrame> close = findCloseFrame(received, &textFrames);
        qInfo("S received %lld bytes, %lld text frames, of %d messages of %d bytes; close frame: %s",
              qint64(received.size()), textFrames, messageCount, messageBytes,
              close ? qPrintable(u"%1 %2"_s.arg(close->code).arg(QString::fromUtf8(close->reason))) : "none (reset)");
        QVERIFY2(received.size() < qint64(messageCount) * messageBytes / 2, "S got most of the flood: it was not cut off");
        if (close) {
            QCOMPARE(close->code, 1008);
            QVERIFY2(close->reason.contains("too slow"), close->reason.constData());
        }

        // Memory stayed bounded.
        qInfo("server VmRSS: start %lld KiB, max %lld KiB", rssStart, rssMax);
        QVERIFY2(rssMax - rssStart < rssCapKiB,
                 qPrintable(u"VmRSS grew by %1 KiB (start %2, max %3)"_s.arg(rssMax - rssStart).arg(rssStart).arg(rssMax)));

        // The normal client got every message of the fourth user meanwhile.
        const auto normalGot = [&] {
            QSet<QString> got;
            for (const QJsonObject &f : normalWs->log())
                if (f.value(u"type").toString() == u"chat_message")
                    got.insert(f.value(u"payload").toObject().value(u"client_id").toString());
            return got;
        };
        QTRY_VERIFY_WITH_TIMEOUT(normalGot().contains(normalExpected), 60000);
        QVERIFY(!normalExpected.isEmpty());
        QVERIFY(normalWs->violations().isEmpty());
        QVERIFY(normalWs->pingPong());

        // Every message of the flood is stored: S's unread count and the newest page.
        const QJsonObject conversation = env.conversationWith(slow, sender.id);
        QCOMPARE(conversation.value(u"unread_count").toInteger(), qint64(messageCount) + 1);
        const QJsonArray newest = env.history(slow, sender.id, u"?limit=5"_s);
        QCOMPARE(newest.size(), 5);
        for (const QJsonValue &m : newest)
            QCOMPARE(m.toObject().value(u"content").toString().size(), messageBytes);

        // S can come back and resume what it missed.
        FC_WS(again, env, slow);
        QVERIFY(again->pingPong());
    }
};

QTEST_MAIN(TestSlowConsumer)
#include "tst_slow_consumer.moc"
