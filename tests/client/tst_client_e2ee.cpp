// SPDX-License-Identifier: MIT
// End-to-end encryption in the desktop client, for real: two clients with their keys in a
// real Secret Service (run-with-keyring.sh) talk through the real server, on both databases.
// Messages go both ways, also after one client restarts (its sessions come back from the
// encrypted local database); a tampered envelope shows an error and the next message still
// opens; a peer without keys makes the chat "not encrypted" and nothing is sent until the
// user chooses to; a peer whose client starts over with a new identity shows the key-change
// warning. A file and an image go encrypted (the server's blob is not the file, its record
// has no name) and arrive whole; a plaintext message in an encrypted chat is marked; two
// clients that start their session at the same moment settle on one and lose nothing. At the
// end the whole server database (the SQLite file, or every table of the PostgreSQL database
// dumped as text), the server's files folder and the clients' folders are searched for the
// text of every encrypted message, the file's content and name, and the image's: none may be
// there (the image caches are sealed). The plaintext the user chose to send to the peer without
// keys must be found on the server: the scan works.
#include "ClientHarness.h"
#include "TestServer.h"

#include <QDirIterator>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QProcess>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTemporaryFile>
#include <QTest>

#include <ChatClient.h>
#include <FileTransfers.h>
#include <ImageCache.h>
#include <KeyStore.h>
#include <MessageListModel.h>
#include <SocketClient.h>
#include <e2ee/E2ee.h>
#include <fastchat/crypto/Base64Url.h>
#include <fastchat/crypto/Envelope.h>

using namespace Qt::StringLiterals;
using namespace fastchat::client;
using namespace clienttest;

namespace {

QString marker(const QString &what)
{
    return u"%1-%2"_s.arg(what).arg(QRandomGenerator::global()->generate64(), 16, 16,
                                    QLatin1Char('0'));
}

// Files under `dir` whose bytes contain `text`.
QStringList filesContaining(const QString &dir, const QString &text)
{
    QStringList found;
    QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile file(it.next());
        if (file.open(QIODevice::ReadOnly) && file.readAll().contains(text.toUtf8()))
            found << file.fileName();
    }
    return found;
}

// Every table of the PostgreSQL database as text (pg_dump of the data as INSERTs).
QByteArray dumpPostgres(const QString &url, QString *error)
{
    const QString bindir = qEnvironmentVariable("PG_BINDIR", u"/usr/lib/postgresql/15/bin"_s);
    QProcess dump;
    dump.start(bindir + u"/pg_dump"_s, {u"--data-only"_s, u"--inserts"_s, u"--dbname"_s, url});
    if (!dump.waitForFinished(120000) || dump.exitCode() != 0) {
        *error = QString::fromUtf8(dump.readAllStandardError());
        return {};
    }
    return dump.readAllStandardOutput();
}

int rowOfFileName(MessageListModel *view, const QString &name)
{
    for (int row = 0; view && row < view->rowCount(); ++row) {
        if (roleAt(view, row, MessageListModel::FileNameRole).toString() == name)
            return row;
    }
    return -1;
}

int decryptErrors(MessageListModel *view)
{
    int n = 0;
    for (int row = 0; view && row < view->rowCount(); ++row) {
        if (E2ee::isDecryptError(roleAt(view, row, MessageListModel::ContentRole).toString()))
            ++n;
    }
    return n;
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

void waitForKeys(TestUser &user)
{
    QTRY_VERIFY2_WITH_TIMEOUT(user->e2ee()->isEnabled(), qPrintable(user->e2ee()->problem()),
                              waitMs);
    QTRY_VERIFY_WITH_TIMEOUT(user->e2ee()->publishedCount() >= E2ee::refillBelow, waitMs);
}

} // namespace

class ClientE2eeTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void encryptedEndToEnd_data() { addDriverRows(); }
    void encryptedEndToEnd();

private:
    // Sends from `from` to `to` and waits until `to` shows the text.
    void exchange(TestUser &from, TestUser &to, const QString &text);
};

void ClientE2eeTest::exchange(TestUser &from, TestUser &to, const QString &text)
{
    from.open(to.account.id);
    QVERIFY(from->sendMessage(text));
    MessageListModel *theirs = to->messagesWith(from.account.id);
    QTRY_COMPARE_WITH_TIMEOUT(countContent(theirs, text), 1, waitMs);
    QTRY_COMPARE_WITH_TIMEOUT(roleAt(from->messagesWith(to.account.id),
                                     rowOfContent(from->messagesWith(to.account.id), text),
                                     MessageListModel::StatusRole)
                                      .toInt(),
                              int(MessageStatus::Sent), waitMs);
}

void ClientE2eeTest::encryptedEndToEnd()
{
    QFETCH(QString, driver);
    TestServer server;
    QVERIFY2(server.start(driver), qPrintable(server.errorString()));
    TestUser alice{server.registerUser(u"alice"_s), {}, {}};
    TestUser bob{server.registerUser(u"bob"_s), {}, {}};
    // Carol's app has no end-to-end encryption: she never publishes keys.
    const Account carol = server.registerUser(u"carol"_s);
    QVERIFY(alice.account.id && bob.account.id && carol.id);
    QTemporaryDir aliceData;
    QTemporaryDir bobData;
    signIn(alice, server, aliceData.path(), true);
    signIn(bob, server, bobData.path(), true);
    if (QTest::currentTestFailed())
        return;
    waitForKeys(alice);
    waitForKeys(bob);
    if (QTest::currentTestFailed())
        return;

    // The stock is refilled when the server has fewer than refillBelow one-time prekeys left.
    {
        const QString carolToken = server.accessToken(carol);
        const int take = E2ee::stockTarget - E2ee::refillBelow + 5;
        for (int i = 0; i < take; ++i) {
            int status = 0;
            server.request("POST", u"/users/%1/bundle"_s.arg(bob.account.id), QJsonObject{},
                           carolToken, &status);
            QCOMPARE(status, 200);
        }
        const QString bobToken = server.accessToken(bob.account);
        auto stock = [&] {
            return server.request("GET", u"/keys"_s, {}, bobToken)
                    .toObject()
                    .value(u"one_time_prekeys"_s)
                    .toInt();
        };
        QCOMPARE(stock(), E2ee::refillBelow - 5);
        bob->e2ee()->refreshKeys();
        QTRY_COMPARE_WITH_TIMEOUT(stock(), E2ee::stockTarget, waitMs);
        QCOMPARE(bob->e2ee()->publishedCount(), E2ee::stockTarget);
    }

    QStringList secrets;
    auto say = [&](TestUser &from, TestUser &to, const QString &what) {
        const QString text = marker(what);
        secrets << text;
        exchange(from, to, text);
    };

    // Both ways; the chat says it is encrypted.
    alice.open(bob.account.id);
    QTRY_COMPARE_WITH_TIMEOUT(alice->e2ee()->currentState(), E2ee::Encrypted, waitMs);
    say(alice, bob, u"alice-first"_s);
    if (QTest::currentTestFailed())
        return;
    say(bob, alice, u"bob-reply"_s);
    say(alice, bob, u"alice-second"_s);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(bob->e2ee()->state(alice.account.id), E2ee::Encrypted);
    // The server stored envelopes only.
    const QString aliceToken = server.accessToken(alice.account);
    for (const QString &text : std::as_const(secrets))
        QCOMPARE(server.countStored(aliceToken, bob.account.id, text), 0);
    // Both see the same safety number.
    bob.open(alice.account.id);
    QVERIFY(!alice->e2ee()->safetyNumber(bob.account.id).isEmpty());
    QCOMPARE(alice->e2ee()->safetyNumber(bob.account.id),
             bob->e2ee()->safetyNumber(alice.account.id));

    // A file and an image, end to end encrypted. What the users pick and save lives outside
    // the app's folders; the image is also in both image caches, sealed.
    QTemporaryDir outside;
    const QString fileSecret = marker(u"file-content"_s);
    const QString fileName = marker(u"secret-name"_s) + u".txt"_s;
    const QString imageSecret = marker(u"image-content"_s);
    const QString imageName = marker(u"secret-photo"_s) + u".png"_s;
    secrets << fileSecret << fileName << imageSecret << imageName;
    {
        // Several 64 KiB chunks and a partial last one, with the marker in the middle.
        QByteArray content(150 * 1024, 'x');
        for (int i = 0; i < content.size(); ++i)
            content[i] = char('a' + QRandomGenerator::global()->bounded(26));
        content.replace(70 * 1024, fileSecret.size(), fileSecret.toUtf8());
        const QString path = QDir(outside.path()).filePath(fileName);
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(content);
        file.close();

        QImage picture(300, 200, QImage::Format_RGB32);
        picture.fill(QColor(30, 120, 200));
        picture.setText(u"Comment"_s, imageSecret); // a PNG text chunk: the marker, as is
        const QString imagePath = QDir(outside.path()).filePath(imageName);
        QVERIFY(picture.save(imagePath, "PNG"));
        QVERIFY(readAll(imagePath).contains(imageSecret.toUtf8()));

        alice.open(bob.account.id);
        QVERIFY(alice->sendFileTo(bob.account.id, path));
        QVERIFY(alice->sendFileTo(bob.account.id, imagePath));
        MessageListModel *bobsChat = bob.open(alice.account.id);
        QTRY_VERIFY_WITH_TIMEOUT(rowOfFileName(bobsChat, fileName) >= 0, waitMs);
        QTRY_VERIFY_WITH_TIMEOUT(rowOfFileName(bobsChat, imageName) >= 0, waitMs);
        const int imageRow = rowOfFileName(bobsChat, imageName);
        QVERIFY(roleAt(bobsChat, imageRow, MessageListModel::IsImageRole).toBool());
        QVERIFY(roleAt(bobsChat, imageRow, MessageListModel::ThumbnailRole)
                        .toString()
                        .startsWith(u"data:image/"_s));

        const QString fileId = roleAt(bobsChat, rowOfFileName(bobsChat, fileName),
                                      MessageListModel::FileIdRole)
                                       .toString();
        const auto attachment = bobsChat->attachmentOfFile(fileId);
        QVERIFY(attachment && attachment->isEncrypted());
        QCOMPARE(attachment->size, qint64(content.size()));
        // The server's record: a blob of another size, without a name or a type.
        const QJsonObject record
                = server.request("GET", u"/files/%1"_s.arg(fileId), {}, aliceToken).toObject();
        QCOMPARE(record.value(u"size"_s).toInteger(), attachment->blobSize);
        QVERIFY(attachment->blobSize > qint64(content.size()));
        QVERIFY2(!record.value(u"name"_s).toString().contains(u"secret"_s),
                 qPrintable(record.value(u"name"_s).toString()));
        QCOMPARE(record.value(u"mime_type"_s).toString(), u"application/octet-stream"_s);
        QVERIFY(record.value(u"sha256"_s).toString() != attachment->sha256);

        const QString saved = QDir(outside.path()).filePath(u"saved.txt"_s);
        QPointer<DownloadJob> job = bob->transfers()->download(*attachment, saved);
        QTRY_VERIFY_WITH_TIMEOUT(!job || !job->isActive(), waitMs);
        QVERIFY(job);
        QVERIFY2(job->state() == TransferState::Done, qPrintable(job->errorString()));
        QCOMPARE(readAll(saved), content);

        // The full image, through the cache: sealed on disk, whole when read.
        const QString imageId = roleAt(bobsChat, imageRow, MessageListModel::FileIdRole).toString();
        QSignalSpy ready(bob.client.get(), &ChatClient::imageReady);
        bob->openImage(imageId);
        QTRY_COMPARE_WITH_TIMEOUT(ready.size(), 1, waitMs);
        const auto image = bobsChat->attachmentOfFile(imageId);
        QVERIFY(image);
        QCOMPARE(ready.at(0).at(1).toUrl(), ImageCache::urlOf(image->sha256));
        const ImageCache cache = bob->transfers()->imageCache();
        QVERIFY(cache.isSealed());
        QVERIFY(QFileInfo::exists(cache.pathOf(image->sha256)));
        QVERIFY(!readAll(cache.pathOf(image->sha256)).contains(imageSecret.toUtf8()));
        QCOMPARE(cache.read(image->sha256), readAll(imagePath));

        // A blob swapped on the server does not open: a file Alice sends in plaintext
        // elsewhere is no substitute for the encrypted one.
        fastchat::Attachment swapped = *attachment;
        swapped.blobSha256 = QString(64, u'0');
        QPointer<DownloadJob> bad = bob->transfers()->download(
                swapped, QDir(outside.path()).filePath(u"swapped.txt"_s));
        QTRY_VERIFY_WITH_TIMEOUT(!bad || !bad->isActive(), waitMs);
        QVERIFY(bad && bad->state() == TransferState::Failed);
        QVERIFY(!QFile::exists(QDir(outside.path()).filePath(u"swapped.txt"_s)));
    }

    // A plaintext message in the encrypted chat (a client without encryption, or anyone with
    // Alice's password) is shown, and marked; the encrypted ones are not.
    {
        const QString injected = marker(u"plaintext-injected"_s);
        QVERIFY(server.postMessage(aliceToken, bob.account.id, injected) > 0);
        MessageListModel *bobsChat = bob->messagesWith(alice.account.id);
        QTRY_VERIFY_WITH_TIMEOUT(rowOfContent(bobsChat, injected) >= 0, waitMs);
        QCOMPARE(roleAt(bobsChat, rowOfContent(bobsChat, injected),
                        MessageListModel::NotEncryptedRole)
                         .toBool(),
                 true);
        QCOMPARE(roleAt(bobsChat, rowOfContent(bobsChat, secrets.at(0)),
                        MessageListModel::NotEncryptedRole)
                         .toBool(),
                 false);
        QCOMPARE(roleAt(bobsChat, rowOfFileName(bobsChat, fileName),
                        MessageListModel::NotEncryptedRole)
                         .toBool(),
                 false);
    }

    // Dave and Alice open their chat and write at the same moment: each starts a session with
    // the other's prekeys. They settle on one, and every message opens.
    {
        TestUser dave{server.registerUser(u"dave"_s), {}, {}};
        QTemporaryDir daveData;
        signIn(dave, server, daveData.path(), true);
        if (QTest::currentTestFailed())
            return;
        waitForKeys(dave);
        alice.open(dave.account.id);
        dave.open(alice.account.id);
        QTRY_COMPARE_WITH_TIMEOUT(alice->e2ee()->state(dave.account.id), E2ee::Encrypted, waitMs);
        QTRY_COMPARE_WITH_TIMEOUT(dave->e2ee()->state(alice.account.id), E2ee::Encrypted, waitMs);
        const QString fromAlice = marker(u"alice-at-once"_s);
        const QString fromDave = marker(u"dave-at-once"_s);
        QVERIFY(alice->sendMessage(fromAlice));
        QVERIFY(dave->sendMessage(fromDave));
        MessageListModel *alicesView = alice->messagesWith(dave.account.id);
        MessageListModel *davesView = dave->messagesWith(alice.account.id);
        QTRY_COMPARE_WITH_TIMEOUT(countContent(davesView, fromAlice), 1, waitMs);
        QTRY_COMPARE_WITH_TIMEOUT(countContent(alicesView, fromDave), 1, waitMs);
        for (int round = 0; round < 3; ++round) {
            say(alice, dave, u"alice-round"_s);
            say(dave, alice, u"dave-round"_s);
            if (QTest::currentTestFailed())
                return;
        }
        // Both at once again, now on the settled session.
        const QString again1 = marker(u"alice-again"_s);
        const QString again2 = marker(u"dave-again"_s);
        QVERIFY(alice->sendMessage(again1));
        QVERIFY(dave->sendMessage(again2));
        QTRY_COMPARE_WITH_TIMEOUT(countContent(davesView, again1), 1, waitMs);
        QTRY_COMPARE_WITH_TIMEOUT(countContent(alicesView, again2), 1, waitMs);
        say(dave, alice, u"dave-last"_s);
        QCOMPARE(decryptErrors(alicesView), 0);
        QCOMPARE(decryptErrors(davesView), 0);
        secrets << fromAlice << fromDave << again1 << again2;
        QTRY_VERIFY_WITH_TIMEOUT(dave->keyStore()->isIdle(), waitMs);
        dave.reset();
    }

    // Bob restarts: his sessions come back from the encrypted database, and his history
    // (envelopes on the server) shows its text from the local store.
    QTRY_VERIFY_WITH_TIMEOUT(bob->keyStore()->isIdle(), waitMs);
    bob.reset();
    signIn(bob, server, bobData.path(), true);
    if (QTest::currentTestFailed())
        return;
    QTRY_VERIFY_WITH_TIMEOUT(bob->e2ee()->isEnabled(), waitMs);
    MessageListModel *bobsView = bob.open(alice.account.id);
    QTRY_COMPARE_WITH_TIMEOUT(countContent(bobsView, secrets.at(0)), 1, waitMs);
    QTRY_COMPARE_WITH_TIMEOUT(countContent(bobsView, secrets.at(1)), 1, waitMs);
    say(alice, bob, u"after-restart"_s);
    say(bob, alice, u"bob-after-restart"_s);
    if (QTest::currentTestFailed())
        return;

    // A tampered envelope (one byte of Alice's last ciphertext changed, posted as Alice):
    // Bob's view shows an error on it, and the next message still opens.
    {
        const QString bobToken = server.accessToken(bob.account);
        const QJsonArray page = server.request("GET",
                                               u"/chat/history/%1?limit=5"_s.arg(alice.account.id),
                                               {}, bobToken)
                                        .toArray();
        QString envelope;
        for (const QJsonValue &m : page) {
            if (m.toObject().value(u"sender_id"_s).toInteger() == alice.account.id)
                envelope = m.toObject().value(u"content"_s).toString();
        }
        QVERIFY2(fastchat::crypto::Envelope::isEncrypted(envelope), qPrintable(envelope));
        QJsonObject o = QJsonDocument::fromJson(envelope.toUtf8()).object();
        QString ciphertext = o.value(u"ciphertext"_s).toString();
        ciphertext[5] = ciphertext.at(5) == u'A' ? u'B' : u'A';
        o.insert(u"ciphertext"_s, ciphertext);
        const QString tampered = QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
        QVERIFY(server.postMessage(aliceToken, bob.account.id, tampered) > 0);
        // And one whose header claims a later message number (n + 5): the keys it would skip
        // must not be kept when it fails to authenticate.
        QJsonObject later = QJsonDocument::fromJson(envelope.toUtf8()).object();
        const auto header = fastchat::crypto::fromBase64Url(later.value(u"header"_s).toString());
        QVERIFY(header && header->size() == 40);
        QByteArray moved = *header;
        moved[39] = char(quint8(moved.at(39)) + 5);
        later.insert(u"header"_s, fastchat::crypto::toBase64Url(moved));
        QVERIFY(server.postMessage(
                        aliceToken, bob.account.id,
                        QString::fromUtf8(QJsonDocument(later).toJson(QJsonDocument::Compact)))
                > 0);
        auto errors = [&] {
            int n = 0;
            for (int row = 0; row < bobsView->rowCount(); ++row) {
                if (E2ee::isDecryptError(
                            roleAt(bobsView, row, MessageListModel::ContentRole).toString()))
                    ++n;
            }
            return n;
        };
        QTRY_COMPARE_WITH_TIMEOUT(errors(), 2, waitMs);
        say(alice, bob, u"after-tampering"_s);
        if (QTest::currentTestFailed())
            return;
    }

    // A peer without keys: "not encrypted", and nothing goes until Alice chooses.
    alice.open(carol.id);
    QTRY_COMPARE_WITH_TIMEOUT(alice->e2ee()->currentState(), E2ee::NotEncrypted, waitMs);
    QVERIFY(alice->e2ee()->currentStateText().startsWith(u"Not encrypted"_s));
    const QString plain = marker(u"plaintext-to-carol"_s);
    QVERIFY(alice->sendMessage(plain));
    MessageListModel *toCarol = alice->messagesWith(carol.id);
    QTRY_COMPARE_WITH_TIMEOUT(
            roleAt(toCarol, rowOfContent(toCarol, plain), MessageListModel::StatusRole).toInt(),
            int(MessageStatus::Failed), waitMs);
    QCOMPARE(server.countStored(aliceToken, carol.id, plain), 0);
    alice->e2ee()->allowUnencrypted();
    alice->retryMessage(
            roleAt(toCarol, rowOfContent(toCarol, plain), MessageListModel::ClientIdRole)
                    .toString());
    QTRY_COMPARE_WITH_TIMEOUT(server.countStored(aliceToken, carol.id, plain), 1, waitMs);
    QCOMPARE(alice->e2ee()->filePolicy(carol.id).kind, FilePolicy::Plain);
    QCOMPARE(alice->e2ee()->filePolicy(bob.account.id).kind, FilePolicy::Encrypt);

    // Alice verifies Bob; then Bob's client starts over with a new identity (keychain entry
    // gone): Alice sees the warning, the mark is gone, and his message still opens.
    alice.open(bob.account.id);
    alice->e2ee()->markVerified();
    QVERIFY(alice->e2ee()->currentVerified());
    const QString bobE2eeKey = bob->e2eeKeychainKey(bob.account.id);
    QTRY_VERIFY_WITH_TIMEOUT(bob->keyStore()->isIdle(), waitMs);
    bob.reset();
    {
        KeyStore keys;
        bool removed = false;
        QObject context;
        keys.remove(bobE2eeKey, &context, [&](const QString &error) {
            QVERIFY2(error.isEmpty(), qPrintable(error));
            removed = true;
        });
        QTRY_VERIFY_WITH_TIMEOUT(removed, waitMs);
    }
    signIn(bob, server, bobData.path(), true);
    if (QTest::currentTestFailed())
        return;
    waitForKeys(bob);
    QVERIFY(!alice->e2ee()->keyChanged(bob.account.id));
    say(bob, alice, u"bob-new-identity"_s);
    if (QTest::currentTestFailed())
        return;
    QTRY_VERIFY_WITH_TIMEOUT(alice->e2ee()->currentKeyChanged(), waitMs);
    QVERIFY(!alice->e2ee()->currentVerified());
    // A contact that was verified: nothing goes to the new key until Alice acknowledges it.
    alice->e2ee()->acknowledgeKeyChange();
    QVERIFY(!alice->e2ee()->currentKeyChanged());
    say(alice, bob, u"alice-to-new-identity"_s);
    if (QTest::currentTestFailed())
        return;

    // The scans. Quiet first: the clients' writes are in their files.
    QTRY_VERIFY_WITH_TIMEOUT(alice->keyStore()->isIdle() && bob->keyStore()->isIdle(), waitMs);
    const QString aliceCache = alice->cache()->filePath();
    alice.reset();
    bob.reset();
    server.stop();
    QString dump;
    if (driver == u"postgres"_s) {
        QString error;
        dump = QString::fromUtf8(dumpPostgres(server.databaseUrl(), &error));
        QVERIFY2(!dump.isEmpty(), qPrintable(error));
        QVERIFY(dump.contains(u"INSERT INTO"_s));
    }
    // The scan finds what is there: the plaintext Alice chose to send to Carol.
    if (driver == u"postgres"_s)
        QVERIFY(dump.contains(plain));
    else
        QVERIFY(!filesContaining(server.dataDir(), plain).isEmpty());
    // And the clients' files hold no plaintext at all, that one included.
    QVERIFY(QFileInfo::exists(aliceCache));
    QVERIFY2(filesContaining(aliceData.path(), plain).isEmpty(),
             qPrintable(filesContaining(aliceData.path(), plain).join(u", "_s)));
    for (const QString &text : std::as_const(secrets)) {
        QVERIFY2(filesContaining(server.dataDir(), text).isEmpty(),
                 qPrintable(text + u" in "_s
                            + filesContaining(server.dataDir(), text).join(u", "_s)));
        QVERIFY2(!dump.contains(text), qPrintable(text + u" in the database dump"_s));
        for (const QString &dir : {aliceData.path(), bobData.path()})
            QVERIFY2(filesContaining(dir, text).isEmpty(),
                     qPrintable(text + u" in "_s + filesContaining(dir, text).join(u", "_s)));
    }
}

QTEST_GUILESS_MAIN(ClientE2eeTest)
#include "tst_client_e2ee.moc"
