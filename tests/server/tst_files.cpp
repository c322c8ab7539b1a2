// SPDX-License-Identifier: MIT
// The file routes of fastchat-server against docs/protocol.md ("Files"): resumable uploads
// in chunks at explicit offsets, the size cap and the quota, SHA-256 checks, downloads with
// Range, who may read a file (the owner and the users of a message that carries it; anyone
// else gets 404), names that cannot escape the files folder, messages with file_id, and the
// removal of uploads no message used. Every case runs on sqlite and postgres.
#include "TestEnv.h"

#include <QCryptographicHash>
#include <QDirIterator>
#include <QRandomGenerator>
#include <QTcpSocket>
#include <QtTest>

using namespace Qt::StringLiterals;
using namespace fctest;

namespace {

constexpr qsizetype chunkBytes = 1024 * 1024;

QByteArray randomBytes(qsizetype n)
{
    QByteArray bytes(n, Qt::Uninitialized);
    for (qsizetype i = 0; i < n; ++i)
        bytes[i] = char(QRandomGenerator::global()->bounded(256));
    return bytes;
}

QString sha256Of(const QByteArray &bytes)
{
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

// Sets FASTCHAT_<KEY> for the servers this test starts; unset again at the end of the scope.
class ServerSetting
{
public:
    ServerSetting(const char *name, const QByteArray &value)
        : m_name(name)
    {
        qputenv(m_name, value);
    }
    ~ServerSetting() { qunsetenv(m_name); }

private:
    const char *m_name;
};

class Files
{
public:
    explicit Files(TestEnv &env)
        : m_env(env)
    {}

    HttpResponse announce(const TestUser &user, qint64 size, const QString &name = {},
                          const QString &sha256 = {})
    {
        QJsonObject body{{u"size"_s, size}};
        if (!name.isNull())
            body.insert(u"name"_s, name);
        if (!sha256.isEmpty())
            body.insert(u"sha256"_s, sha256);
        return m_env.http().post(u"/files"_s, body, user.token);
    }

    HttpResponse patch(const TestUser &user, const QString &id, qint64 offset,
                       const QByteArray &chunk,
                       const QByteArray &contentType = "application/offset+octet-stream")
    {
        return m_env.http().send(
                "PATCH", u"/files/"_s + id, chunk,
                {{"Content-Type", contentType}, {"Upload-Offset", QByteArray::number(offset)}},
                user.token);
    }

    // Sends `bytes` from `from` in chunks of at most 1 MiB; the last answer.
    HttpResponse sendFrom(const TestUser &user, const QString &id, const QByteArray &bytes,
                          qint64 from = 0)
    {
        HttpResponse last;
        for (qint64 offset = from; offset < bytes.size(); offset += chunkBytes) {
            last = patch(user, id, offset, bytes.mid(offset, chunkBytes));
            if (last.status != 200)
                return last;
        }
        return last;
    }

    // A complete upload of `bytes`; its File object, or empty (with *error).
    QJsonObject upload(const TestUser &user, const QByteArray &bytes, const QString &name,
                       QString *error)
    {
        const HttpResponse created = announce(user, bytes.size(), name, sha256Of(bytes));
        if (created.status != 201) {
            *error = u"POST /files: "_s + created.describe();
            return {};
        }
        const QString id = created.object()[u"id"_s].toString();
        if (bytes.isEmpty())
            return created.object();
        const HttpResponse done = sendFrom(user, id, bytes);
        if (done.status != 200) {
            *error = u"PATCH: "_s + done.describe();
            return {};
        }
        return done.object();
    }

    HttpResponse download(const TestUser &user, const QString &id, const QByteArray &range = {})
    {
        RawHeaders headers;
        if (!range.isEmpty())
            headers.append({"Range", range});
        return m_env.http().send("GET", u"/files/%1/content"_s.arg(id), {}, headers, user.token);
    }

    HttpResponse sendWithFile(const TestUser &from, const TestUser &to, const QString &fileId,
                              const QString &type = u"file"_s)
    {
        return m_env.http().post(u"/chat/message"_s,
                                 {{u"receiver_id"_s, to.id},
                                  {u"content"_s, u"{\"file_id\":\"%1\"}"_s.arg(fileId)},
                                  {u"type"_s, type},
                                  {u"file_id"_s, fileId}},
                                 from.token);
    }

private:
    TestEnv &m_env;
};

#define FC_UPLOAD(var, files, user, bytes, name) \
    QString var##Error; \
    const QJsonObject var = (files).upload(user, bytes, name, &var##Error); \
    QVERIFY2(!var.isEmpty(), qPrintable(var##Error)); \
    const QString var##Id = var[u"id"_s].toString()

// Every regular file below `dir`, relative to it.
QStringList filesBelow(const QString &dir)
{
    QStringList found;
    QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext())
        found << QDir(dir).relativeFilePath(it.next());
    return found;
}

} // namespace

class TestFiles : public QObject
{
    Q_OBJECT

private slots:
    void filesOfSeveralSizesRoundTripWithTheirSha256_data() { addDriverRows(); }
    void filesOfSeveralSizesRoundTripWithTheirSha256()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        FC_USER(bob, env, u"bob"_s);
        Files files(env);
        for (const qsizetype size : {qsizetype(0), qsizetype(1), qsizetype(5 * 1024 * 1024 + 17)}) {
            const QByteArray bytes = randomBytes(size);
            const HttpResponse created = files.announce(alice, size, u"data.bin"_s);
            FC_STATUS(created, 201);
            const QJsonObject announced = created.object();
            const QString id = announced[u"id"_s].toString();
            QVERIFY2(QRegularExpression(u"^[A-Za-z0-9_-]{16,64}$"_s).match(id).hasMatch(),
                     qPrintable(id));
            QCOMPARE(created.header("Location"), QByteArray("/files/") + id.toLatin1());
            QCOMPARE(created.header("Upload-Offset"), QByteArray("0"));
            QCOMPARE(announced[u"size"_s].toInteger(), size);
            QCOMPARE(announced[u"owner_id"_s].toInteger(), alice.id);
            QCOMPARE(announced[u"complete"_s].toBool(), size == 0);
            if (size > 0) {
                const HttpResponse done = files.sendFrom(alice, id, bytes);
                FC_STATUS(done, 200);
                QCOMPARE(done.header("Upload-Offset"), QByteArray::number(size));
            }
            const HttpResponse described = env.http().get(u"/files/"_s + id, alice.token);
            FC_STATUS(described, 200);
            QVERIFY(described.object()[u"complete"_s].toBool());
            QCOMPARE(described.object()[u"offset"_s].toInteger(), size);
            QCOMPARE(described.object()[u"sha256"_s].toString(), sha256Of(bytes));

            const HttpResponse mine = files.download(alice, id);
            FC_STATUS(mine, 200);
            QCOMPARE(mine.body.size(), size);
            QCOMPARE(sha256Of(mine.body), sha256Of(bytes));
            QCOMPARE(mine.header("Content-Type"), QByteArray("application/octet-stream"));
            QCOMPARE(mine.header("X-Content-Type-Options"), QByteArray("nosniff"));
            QVERIFY2(mine.header("Content-Disposition").startsWith("attachment;"),
                     mine.header("Content-Disposition").constData());

            // Bob may read it once a message to him carries it.
            FC_STATUS(files.download(bob, id), 404);
            const HttpResponse message = files.sendWithFile(alice, bob, id);
            FC_STATUS(message, 201);
            QCOMPARE(message.object()[u"file_id"_s].toString(), id);
            const HttpResponse his = files.download(bob, id);
            FC_STATUS(his, 200);
            QCOMPARE(sha256Of(his.body), sha256Of(bytes));
        }
        // The history carries the file ids.
        const QJsonArray history = env.history(bob, alice.id, u"?limit=10"_s);
        QCOMPARE(history.size(), 3);
        for (const QJsonValue &m : history)
            QVERIFY(!m.toObject()[u"file_id"_s].toString().isEmpty());
    }

    void aFileOverTheCapIs413AndAChunkOver1MiBIs413_data() { addDriverRows(); }
    void aFileOverTheCapIs413AndAChunkOver1MiBIs413()
    {
        QFETCH(QString, driver);
        ServerSetting cap("FASTCHAT_MAX_UPLOAD_SIZE", "5M");
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        Files files(env);
        const HttpResponse over = files.announce(alice, 5 * 1024 * 1024 + 1);
        FC_STATUS(over, 413);
        QVERIFY2(over.isErrorBody(), over.body.constData());
        const HttpResponse exact = files.announce(alice, 5 * 1024 * 1024);
        FC_STATUS(exact, 201);
        const QString id = exact.object()[u"id"_s].toString();
        const HttpResponse bigChunk = files.patch(alice, id, 0, QByteArray(chunkBytes + 1, 'x'));
        FC_STATUS(bigChunk, 413);
        const HttpResponse after = env.http().get(u"/files/"_s + id, alice.token);
        QCOMPARE(after.object()[u"offset"_s].toInteger(), 0);
    }

    void anInterruptedUploadGoesOnFromTheServersOffset_data() { addDriverRows(); }
    void anInterruptedUploadGoesOnFromTheServersOffset()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        Files files(env);
        const QByteArray bytes = randomBytes(3 * chunkBytes + 5);
        const HttpResponse created = files.announce(alice, bytes.size(), u"big.bin"_s,
                                                    sha256Of(bytes));
        FC_STATUS(created, 201);
        const QString id = created.object()[u"id"_s].toString();
        FC_STATUS(files.patch(alice, id, 0, bytes.left(chunkBytes)), 200);

        // The connection drops in the middle of the second chunk's body.
        QTcpSocket socket;
        socket.connectToHost(u"127.0.0.1"_s, env.server().port());
        QVERIFY(socket.waitForConnected(5000));
        socket.write("PATCH /files/" + id.toLatin1()
                     + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                       "Authorization: Bearer "
                     + alice.token.toLatin1()
                     + "\r\n"
                       "Content-Type: application/offset+octet-stream\r\n"
                       "Upload-Offset: "
                     + QByteArray::number(chunkBytes)
                     + "\r\n"
                       "Content-Length: "
                     + QByteArray::number(chunkBytes) + "\r\n\r\n");
        socket.write(bytes.mid(chunkBytes, chunkBytes / 2));
        QVERIFY(socket.waitForBytesWritten(5000));
        socket.abort();

        // And the server restarts before the client comes back.
        QVERIFY2(env.restart(), qPrintable(env.error()));
        const HttpResponse where = env.http().get(u"/files/"_s + id, alice.token);
        FC_STATUS(where, 200);
        const qint64 offset = where.object()[u"offset"_s].toInteger();
        QCOMPARE(offset, chunkBytes);
        QCOMPARE(where.header("Upload-Offset"), QByteArray::number(chunkBytes));
        const HttpResponse done = files.sendFrom(alice, id, bytes, offset);
        FC_STATUS(done, 200);
        QVERIFY(done.object()[u"complete"_s].toBool());
        QCOMPARE(done.object()[u"sha256"_s].toString(), sha256Of(bytes));
        QCOMPARE(sha256Of(files.download(alice, id).body), sha256Of(bytes));
    }

    void wrongOffsetsAreRefusedAndChangeNothing_data() { addDriverRows(); }
    void wrongOffsetsAreRefusedAndChangeNothing()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        Files files(env);
        const QByteArray bytes = randomBytes(1000);
        const HttpResponse created = files.announce(alice, bytes.size());
        const QString id = created.object()[u"id"_s].toString();
        FC_STATUS(files.patch(alice, id, 0, bytes.left(400)), 200);

        const HttpResponse ahead = files.patch(alice, id, 600, bytes.mid(600));
        FC_STATUS(ahead, 409);
        QVERIFY(ahead.isErrorBody());
        QCOMPARE(ahead.object()[u"offset"_s].toInteger(), 400);
        QCOMPARE(ahead.header("Upload-Offset"), QByteArray("400"));
        FC_STATUS(files.patch(alice, id, 0, bytes.left(400)), 409); // behind: already there
        FC_STATUS(files.patch(alice, id, 400, bytes.mid(400) + "extra"), 400); // past the size
        const HttpResponse noOffset = env.http().send(
                "PATCH", u"/files/"_s + id, bytes.mid(400),
                {{"Content-Type", "application/offset+octet-stream"}}, alice.token);
        FC_STATUS(noOffset, 400);
        for (const QByteArray &bad : {QByteArray("-1"), QByteArray("4e2"), QByteArray("4 00"),
                                      QByteArray("0x190"), QByteArray("99999999999999999999")}) {
            const HttpResponse r = env.http().send(
                    "PATCH", u"/files/"_s + id, bytes.mid(400),
                    {{"Content-Type", "application/offset+octet-stream"}, {"Upload-Offset", bad}},
                    alice.token);
            QVERIFY2(r.status == 400 || r.status == 409,
                     qPrintable(QString::fromLatin1(bad) + u": "_s + r.describe()));
        }
        FC_STATUS(files.patch(alice, id, 400, bytes.mid(400), "application/json"), 415);

        const HttpResponse still = env.http().get(u"/files/"_s + id, alice.token);
        QCOMPARE(still.object()[u"offset"_s].toInteger(), 400);
        QVERIFY(!still.object()[u"complete"_s].toBool());
        FC_STATUS(files.patch(alice, id, 400, bytes.mid(400)), 200);
        const HttpResponse again = files.patch(alice, id, 1000, "x");
        FC_STATUS(again, 409); // complete: nothing more goes in
        QCOMPARE(sha256Of(files.download(alice, id).body), sha256Of(bytes));
    }

    void aCompleteFileThatDiffersFromTheAnnouncedSha256StartsOver_data() { addDriverRows(); }
    void aCompleteFileThatDiffersFromTheAnnouncedSha256StartsOver()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        Files files(env);
        const QByteArray bytes = randomBytes(2000);
        const HttpResponse created = files.announce(alice, bytes.size(), {}, sha256Of(bytes));
        const QString id = created.object()[u"id"_s].toString();
        QByteArray damaged = bytes;
        damaged[1500] = char(damaged[1500] ^ 0x01);
        const HttpResponse r = files.patch(alice, id, 0, damaged);
        FC_STATUS(r, 422);
        QVERIFY(r.isErrorBody());
        const HttpResponse where = env.http().get(u"/files/"_s + id, alice.token);
        QCOMPARE(where.object()[u"offset"_s].toInteger(), 0);
        QVERIFY(!where.object()[u"complete"_s].toBool());
        FC_STATUS(files.download(alice, id), 409);
        FC_STATUS(files.patch(alice, id, 0, bytes), 200);
        QCOMPARE(sha256Of(files.download(alice, id).body), sha256Of(bytes));
    }

    void onlyTheOwnerAndTheUsersOfItsMessagesMayReadAFile_data() { addDriverRows(); }
    void onlyTheOwnerAndTheUsersOfItsMessagesMayReadAFile()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        FC_USER(bob, env, u"bob"_s);
        FC_USER(carol, env, u"carol"_s);
        Files files(env);
        const QByteArray bytes = randomBytes(3000);
        FC_UPLOAD(file, files, alice, bytes, u"secret.txt"_s);
        FC_STATUS(files.sendWithFile(alice, bob, fileId), 201);

        // Carol: every route says "no such file", and nothing changes.
        FC_STATUS(files.download(carol, fileId), 404);
        FC_STATUS(env.http().get(u"/files/"_s + fileId, carol.token), 404);
        FC_STATUS(files.patch(carol, fileId, 3000, "x"), 404);
        FC_STATUS(env.http().del(u"/files/"_s + fileId, carol.token), 404);
        FC_STATUS(files.sendWithFile(carol, alice, fileId), 404);
        // Bob may read it, but it is not his to change or remove.
        FC_STATUS(files.download(bob, fileId), 200);
        FC_STATUS(env.http().del(u"/files/"_s + fileId, bob.token), 404);
        // Without a token: 401.
        FC_STATUS(env.http().get(u"/files/%1/content"_s.arg(fileId)), 401);
        // An id that was never made: 404 (and a malformed one matches no route).
        FC_STATUS(files.download(alice, u"AAAAAAAAAAAAAAAAAAAAAA"_s), 404);
        FC_STATUS(files.download(alice, u"..%2F..%2Fetc%2Fpasswd"_s), 404);

        // Bob got it: he may forward it to Carol, who may then read it.
        FC_STATUS(files.sendWithFile(bob, carol, fileId), 201);
        const HttpResponse carols = files.download(carol, fileId);
        FC_STATUS(carols, 200);
        QCOMPARE(carols.body, bytes);
        QCOMPARE(sha256Of(files.download(alice, fileId).body), sha256Of(bytes));
    }

    void messagesWithAFileIdFollowTheRules_data() { addDriverRows(); }
    void messagesWithAFileIdFollowTheRules()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        FC_USER(bob, env, u"bob"_s);
        Files files(env);
        FC_STATUS(files.sendWithFile(alice, bob, fileIdOf(files, alice, 10, false), u"text"_s),
                  400);
        // An upload that is not complete cannot be sent.
        FC_STATUS(files.sendWithFile(alice, bob, fileIdOf(files, alice, 10, false)), 404);
        FC_STATUS(files.sendWithFile(alice, bob, fileIdOf(files, alice, 10, true), u"image"_s),
                  201);
        QCOMPARE(env.history(bob, alice.id, u"?limit=10"_s).size(), 1);

        // Over the WebSocket too: the ack, and the receiver's chat_message with the file_id.
        const QString id = fileIdOf(files, alice, 20, true);
        FC_WS(aliceWs, env, alice);
        FC_WS(bobWs, env, bob);
        aliceWs->sendJson({{u"type"_s, u"chat_message"_s},
                           {u"payload"_s,
                            QJsonObject{{u"receiver_id"_s, bob.id},
                                        {u"content"_s, u"{}"_s},
                                        {u"type"_s, u"file"_s},
                                        {u"client_id"_s, u"f1"_s},
                                        {u"file_id"_s, id}}}});
        const QJsonObject ack = aliceWs->waitForFrame(u"ack"_s);
        QVERIFY2(!ack.isEmpty(), "no ack");
        const QJsonObject received = bobWs->waitForFrame(u"chat_message"_s);
        QCOMPARE(received[u"payload"_s].toObject()[u"file_id"_s].toString(), id);
        // A file id nobody made: an error frame, nothing stored.
        aliceWs->sendJson({{u"type"_s, u"chat_message"_s},
                           {u"payload"_s,
                            QJsonObject{{u"receiver_id"_s, bob.id},
                                        {u"content"_s, u"{}"_s},
                                        {u"type"_s, u"file"_s},
                                        {u"file_id"_s, u"nope-nope-nope"_s}}}});
        const QJsonObject error = aliceWs->waitForFrame(u"error"_s);
        QCOMPARE(error[u"payload"_s].toObject()[u"code"_s].toString(), u"not_found"_s);
        QCOMPARE(env.history(bob, alice.id, u"?limit=10"_s).size(), 2);
    }

    void hostileNamesNeverReachTheDisk_data() { addDriverRows(); }
    void hostileNamesNeverReachTheDisk()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        Files files(env);
        const QByteArray bytes = randomBytes(100);
        FC_UPLOAD(traversal, files, alice, bytes, u"../../etc/passwd"_s);
        FC_UPLOAD(quoted, files, alice, bytes, u"a\"b\\c;d é.txt"_s);
        FC_STATUS(files.announce(alice, 10, QString(256, u'a')), 400);
        FC_STATUS(files.announce(alice, 10, u"a\u0000b"_s), 400);
        FC_STATUS(files.announce(alice, 10, u"a\r\nX-Evil: 1"_s), 400);

        const HttpResponse r = files.download(alice, traversalId);
        FC_STATUS(r, 200);
        QCOMPARE(r.header("Content-Disposition"),
                 QByteArray("attachment; filename=\"passwd\"; filename*=UTF-8''passwd"));
        const QByteArray disposition
                = files.download(alice, quotedId).header("Content-Disposition");
        QVERIFY2(disposition.startsWith(
                         "attachment; filename=\"c_d _.txt\"; filename*=UTF-8''c%3Bd%20%C3%A9.txt"),
                 disposition.constData());

        // On disk: only blobs named by their ids, below the files folder.
        const QStringList onDisk = filesBelow(env.dataDir() + u"/files"_s);
        QCOMPARE(onDisk.size(), 2);
        QVERIFY2(onDisk.contains(traversalId.left(2) + u'/' + traversalId),
                 qPrintable(onDisk.join(u", ")));
        QVERIFY2(onDisk.contains(quotedId.left(2) + u'/' + quotedId),
                 qPrintable(onDisk.join(u", ")));
        for (const QString &path : filesBelow(env.dataDir()))
            QVERIFY2(!path.contains(u"passwd"_s), qPrintable(path));
    }

    void rangesGiveThePartAskedFor_data() { addDriverRows(); }
    void rangesGiveThePartAskedFor()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        Files files(env);
        const QByteArray bytes = randomBytes(2 * chunkBytes);
        FC_UPLOAD(file, files, alice, bytes, u"r.bin"_s);
        const HttpResponse middle = files.download(alice, fileId, "bytes=1000-1999");
        FC_STATUS(middle, 206);
        QCOMPARE(middle.body, bytes.mid(1000, 1000));
        QCOMPARE(middle.header("Content-Range"), QByteArray("bytes 1000-1999/2097152"));
        const HttpResponse rest = files.download(alice, fileId, "bytes=2000000-");
        FC_STATUS(rest, 206);
        QCOMPARE(rest.body, bytes.mid(2000000));
        const HttpResponse tail = files.download(alice, fileId, "bytes=-10");
        FC_STATUS(tail, 206);
        QCOMPARE(tail.body, bytes.right(10));
        const HttpResponse past = files.download(alice, fileId, "bytes=3000000-");
        FC_STATUS(past, 416);
        QCOMPARE(past.header("Content-Range"), QByteArray("bytes */2097152"));
        // Several ranges or nonsense: the whole file, as RFC 9110 allows.
        const HttpResponse several = files.download(alice, fileId, "bytes=0-1,5-6");
        FC_STATUS(several, 200);
        QCOMPARE(several.body.size(), bytes.size());
        FC_STATUS(files.download(alice, fileId, "lines=1-2"), 200);
    }

    void theQuotaCountsEveryFileAUserKeeps_data() { addDriverRows(); }
    void theQuotaCountsEveryFileAUserKeeps()
    {
        QFETCH(QString, driver);
        ServerSetting quota("FASTCHAT_UPLOAD_QUOTA", "3M");
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        FC_USER(bob, env, u"bob"_s);
        Files files(env);
        const HttpResponse first = files.announce(alice, 2 * chunkBytes);
        FC_STATUS(first, 201);
        const HttpResponse second = files.announce(alice, 2 * chunkBytes);
        FC_STATUS(second, 413);
        QVERIFY(second.isErrorBody());
        FC_STATUS(files.announce(bob, 2 * chunkBytes), 201); // each user has their own
        // Cancelling the first upload frees its room.
        FC_STATUS(env.http().del(u"/files/"_s + first.object()[u"id"_s].toString(), alice.token),
                  204);
        FC_STATUS(files.announce(alice, 2 * chunkBytes), 201);
    }

    void deletingRemovesOnlyUploadsNoMessageCarries_data() { addDriverRows(); }
    void deletingRemovesOnlyUploadsNoMessageCarries()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        FC_USER(bob, env, u"bob"_s);
        Files files(env);
        FC_UPLOAD(sent, files, alice, randomBytes(10), u"a"_s);
        FC_UPLOAD(unsent, files, alice, randomBytes(10), u"b"_s);
        FC_STATUS(files.sendWithFile(alice, bob, sentId), 201);
        FC_STATUS(env.http().del(u"/files/"_s + sentId, alice.token), 409);
        FC_STATUS(files.download(bob, sentId), 200);
        FC_STATUS(env.http().del(u"/files/"_s + unsentId, alice.token), 204);
        FC_STATUS(files.download(alice, unsentId), 404);
        QCOMPARE(filesBelow(env.dataDir() + u"/files"_s),
                 QStringList{sentId.left(2) + u'/' + sentId});
    }

    void uploadsNoMessageUsedAreRemovedAfterTheExpiry_data() { addDriverRows(); }
    void uploadsNoMessageUsedAreRemovedAfterTheExpiry()
    {
        QFETCH(QString, driver);
        ServerSetting expiry("FASTCHAT_UPLOAD_EXPIRY", "1");
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        FC_USER(bob, env, u"bob"_s);
        Files files(env);
        FC_UPLOAD(sent, files, alice, randomBytes(10), u"a"_s);
        FC_UPLOAD(orphan, files, alice, randomBytes(10), u"b"_s);
        FC_STATUS(files.sendWithFile(alice, bob, sentId), 201);
        QTRY_COMPARE_WITH_TIMEOUT(env.http().get(u"/files/"_s + orphanId, alice.token).status, 404,
                                  15000);
        QTRY_COMPARE_WITH_TIMEOUT(filesBelow(env.dataDir() + u"/files"_s),
                                  QStringList{sentId.left(2) + u'/' + sentId}, 5000);
        FC_STATUS(files.download(bob, sentId), 200);
    }

private:
    // A new upload of `size` random bytes by `user`, complete or not; its id.
    static QString fileIdOf(Files &files, const TestUser &user, qint64 size, bool complete)
    {
        const QByteArray bytes = randomBytes(size);
        const HttpResponse created = files.announce(user, size);
        const QString id = created.object()[u"id"_s].toString();
        if (complete)
            files.sendFrom(user, id, bytes);
        else
            files.patch(user, id, 0, bytes.left(size / 2));
        return id;
    }
};

QTEST_GUILESS_MAIN(TestFiles)
#include "tst_files.moc"
