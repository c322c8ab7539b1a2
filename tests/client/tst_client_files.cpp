// SPDX-License-Identifier: MIT
// Files and images between two ChatClient instances through a real fastchat-server, on
// SQLite and on PostgreSQL: what Alice sends (an image and files of 0 B, 1 B and 5 MiB)
// reaches Bob's model as an attachment with its thumbnail, and his download has the same
// SHA-256; an upload cut off by the server going away goes on from the server's offset,
// and so does a download (with a Range); a download whose bytes do not match fails;
// a cancelled upload is gone from the model and from the server. Seed messages of type
// image without a file stay text.
#include "ClientHarness.h"
#include "TestServer.h"

#include <QBuffer>
#include <QCryptographicHash>
#include <QDir>
#include <QImage>
#include <QImageReader>
#include <QJsonObject>
#include <QPainter>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThreadPool>

#include <ChatClient.h>
#include <ConversationListModel.h>
#include <FileTransfers.h>
#include <MessageListModel.h>
#include <SocketClient.h>
#include <fastchat/Attachment.h>

using namespace Qt::StringLiterals;
using namespace fastchat;
using namespace fastchat::client;
using namespace clienttest;

namespace {

constexpr qint64 MiB = 1024 * 1024;

QString sha256Of(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(&file);
    return QString::fromLatin1(hash.result().toHex());
}

// A file of `size` random bytes.
QString makeFile(const QDir &dir, const QString &name, qint64 size)
{
    const QString path = dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return {};
    QByteArray block(64 * 1024, Qt::Uninitialized);
    for (qint64 left = size; left > 0;) {
        auto *words = reinterpret_cast<quint32 *>(block.data());
        QRandomGenerator::global()->fillRange(words, block.size() / 4);
        const qint64 n = std::min<qint64>(left, block.size());
        file.write(block.constData(), n);
        left -= n;
    }
    return path;
}

// A photo-like PNG (gradients and noise: it does not compress to a few bytes).
QString makeImage(const QDir &dir, const QString &name, int width, int height)
{
    QImage image(width, height, QImage::Format_RGB32);
    auto *random = QRandomGenerator::global();
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            const int noise = int(random->bounded(40));
            image.setPixel(x, y,
                           qRgb((x * 255 / width + noise) % 256, (y * 255 / height + noise) % 256,
                                (128 + noise * 2) % 256));
        }
    }
    QPainter p(&image);
    p.setBrush(QColor(0xe0, 0x40, 0x40));
    p.drawEllipse(QRect(width / 4, height / 4, width / 2, height / 2));
    p.end();
    const QString path = dir.filePath(name);
    return image.save(path, "PNG") ? path : QString();
}

int rowOfClientId(const QAbstractItemModel *model, const QString &clientId)
{
    for (int row = 0; model && row < model->rowCount(); ++row) {
        if (model->index(row, 0).data(MessageListModel::ClientIdRole).toString() == clientId)
            return row;
    }
    return -1;
}

int rowOfFileName(const QAbstractItemModel *model, const QString &name)
{
    for (int row = 0; model && row < model->rowCount(); ++row) {
        if (model->index(row, 0).data(MessageListModel::FileNameRole).toString() == name)
            return row;
    }
    return -1;
}

} // namespace

class ClientFilesTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void thumbnailFitsInEightKiB();

    void imageAndFilesReachThePeerIntact_data() { addDriverRows(); }
    void imageAndFilesReachThePeerIntact();
    void interruptedUploadResumesFromTheServersOffset_data() { addDriverRows(); }
    void interruptedUploadResumesFromTheServersOffset();
    void interruptedDownloadGoesOnWithARange_data() { addDriverRows(); }
    void interruptedDownloadGoesOnWithARange();
    void cancelRemovesTheUpload_data() { addDriverRows(); }
    void cancelRemovesTheUpload();

private:
    QString setUp(TestServer &server, TestUser &alice, TestUser &bob);
    // Alice sends the file to Bob and waits until the server has stored the message;
    // returns Alice's row's client id.
    QString sendAndWait(TestUser &alice, TestUser &bob, const QString &path);
    // Bob's download of the row with this file name to `destination`; returns its path.
    QString download(TestUser &bob, const QString &name, const QString &destination);

    QTemporaryDir m_data;
    QTemporaryDir m_files;
};

void ClientFilesTest::initTestCase()
{
    QVERIFY(m_data.isValid());
    QVERIFY(m_files.isValid());
    QVERIFY2(QImageReader::supportedImageFormats().contains("jpeg"),
             "the Qt JPEG image plugin is missing");
}

void ClientFilesTest::cleanupTestCase()
{
    // The hashing and thumbnail workers' threads end before the process does (LeakSanitizer
    // stops the world at exit, and a pool thread still about to exit crashed its tracer).
    QThreadPool::globalInstance()->waitForDone();
}

void ClientFilesTest::thumbnailFitsInEightKiB()
{
    const QString path = makeImage(QDir(m_files.path()), u"big.png"_s, 2400, 1600);
    QVERIFY(!path.isEmpty());
    const PreparedFile file = PreparedFile::inspect(path);
    QVERIFY2(file.error.isEmpty(), qPrintable(file.error));
    QCOMPARE(file.width, 2400);
    QCOMPARE(file.height, 1600);
    QCOMPARE(file.mimeType, u"image/png"_s);
    QCOMPARE(file.sha256, sha256Of(path));
    QVERIFY(!file.thumbnail.isEmpty());
    QVERIFY2(file.thumbnail.size() <= Attachment::maxThumbnailBytes,
             qPrintable(QString::number(file.thumbnail.size())));
    QImage thumb;
    QVERIFY(thumb.loadFromData(file.thumbnail, "JPEG"));
    // The shape is kept.
    QVERIFY(qAbs(double(thumb.width()) / thumb.height() - 1.5) < 0.05);

    // A file that is not an image has no picture size.
    const PreparedFile plain = PreparedFile::inspect(
            makeFile(QDir(m_files.path()), u"plain.bin"_s, 1000));
    QVERIFY(!plain.isImage());
    QVERIFY(plain.thumbnail.isEmpty());
}

QString ClientFilesTest::setUp(TestServer &server, TestUser &alice, TestUser &bob)
{
    QFETCH(QString, driver);
    if (!server.start(driver))
        return server.errorString();
    alice.account = server.registerUser(u"alice"_s);
    bob.account = server.registerUser(u"bob"_s);
    if (!alice.account.id || !bob.account.id)
        return u"cannot register the users"_s;
    signIn(alice, server, m_data.path());
    if (QTest::currentTestFailed())
        return u"alice cannot sign in"_s;
    signIn(bob, server, m_data.path());
    if (QTest::currentTestFailed())
        return u"bob cannot sign in"_s;
    return {};
}

QString ClientFilesTest::sendAndWait(TestUser &alice, TestUser &bob, const QString &path)
{
    MessageListModel *view = alice->messagesWith(bob.account.id);
    UploadJob *job = alice->sendFileTo(bob.account.id, path);
    if (!job) {
        QTest::qFail("sendFileTo refused the file", __FILE__, __LINE__);
        return {};
    }
    const QString clientId = job->clientId();
    // The row is there at once, as an attachment with its name.
    [&] {
        const int row = rowOfClientId(view, clientId);
        QVERIFY(row >= 0);
        QCOMPARE(roleAt(view, row, MessageListModel::HasAttachmentRole).toBool(), true);
        QCOMPARE(roleAt(view, row, MessageListModel::FileNameRole).toString(),
                 QFileInfo(path).fileName());
    }();
    [&] {
        QTRY_VERIFY_WITH_TIMEOUT(
                roleAt(view, rowOfClientId(view, clientId), MessageListModel::MessageIdRole)
                                .toLongLong()
                        > 0,
                waitMs);
        const int row = rowOfClientId(view, clientId);
        QCOMPARE(roleAt(view, row, MessageListModel::StatusRole).toInt() >= MessageStatus::Sent,
                 true);
        QCOMPARE(roleAt(view, row, MessageListModel::TransferStateRole).toInt(),
                 int(TransferState::None)); // the upload is over
        QVERIFY(!roleAt(view, row, MessageListModel::FileIdRole).toString().isEmpty());
    }();
    return clientId;
}

QString ClientFilesTest::download(TestUser &bob, const QString &name, const QString &destination)
{
    MessageListModel *view = bob->messages();
    int row = -1;
    [&] { QTRY_VERIFY_WITH_TIMEOUT((row = rowOfFileName(view, name)) >= 0, waitMs); }();
    if (row < 0)
        return {};
    const QString fileId = roleAt(view, row, MessageListModel::FileIdRole).toString();
    const auto attachment = view->attachmentOfFile(fileId);
    if (!attachment) {
        QTest::qFail("no attachment", __FILE__, __LINE__);
        return {};
    }
    DownloadJob *job = bob->transfers()->download(*attachment, destination);
    QPointer<DownloadJob> guard(job);
    [&] {
        QTRY_VERIFY_WITH_TIMEOUT(!guard || !guard->isActive(), waitMs);
        QVERIFY(guard);
        QVERIFY2(guard->state() == TransferState::Done, qPrintable(guard->errorString()));
        // The message row follows its download.
        QCOMPARE(roleAt(view, rowOfFileName(view, name), MessageListModel::TransferStateRole)
                         .toInt(),
                 int(TransferState::Done));
        QCOMPARE(roleAt(view, rowOfFileName(view, name), MessageListModel::LocalFileRole).toUrl(),
                 QUrl::fromLocalFile(destination));
    }();
    return destination;
}

void ClientFilesTest::imageAndFilesReachThePeerIntact()
{
    TestServer server;
    TestUser alice, bob;
    const QString problem = setUp(server, alice, bob);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QTemporaryDir dir;
    const QDir here(dir.path());
    const QString image = makeImage(here, u"sunset.png"_s, 1600, 1000);
    const QString empty = makeFile(here, u"empty.txt"_s, 0);
    const QString one = makeFile(here, u"one.bin"_s, 1);
    const QString big = makeFile(here, u"five-mebibytes.dat"_s, 5 * MiB);
    QVERIFY(!image.isEmpty() && !empty.isEmpty() && !one.isEmpty() && !big.isEmpty());

    alice.open(bob.account.id);
    MessageListModel *bobView = bob.open(alice.account.id);
    for (const QString &path : {image, empty, one, big}) {
        sendAndWait(alice, bob, path);
        if (QTest::currentTestFailed())
            return;
    }

    // Bob has all four, with what the cards show before anything is downloaded.
    QTRY_COMPARE_WITH_TIMEOUT(bobView->rowCount(), 4, waitMs);
    const int imageRow = rowOfFileName(bobView, u"sunset.png"_s);
    QVERIFY(imageRow >= 0);
    QCOMPARE(roleAt(bobView, imageRow, MessageListModel::TypeRole).toString(), u"image"_s);
    QCOMPARE(roleAt(bobView, imageRow, MessageListModel::IsImageRole).toBool(), true);
    QCOMPARE(roleAt(bobView, imageRow, MessageListModel::ImageWidthRole).toInt(), 1600);
    QCOMPARE(roleAt(bobView, imageRow, MessageListModel::ImageHeightRole).toInt(), 1000);
    const QString thumbnail = roleAt(bobView, imageRow, MessageListModel::ThumbnailRole).toString();
    QVERIFY2(thumbnail.startsWith(u"data:image/jpeg;base64,"_s), qPrintable(thumbnail.left(40)));
    const QByteArray thumbBytes = QByteArray::fromBase64(thumbnail.section(u',', 1).toLatin1());
    QVERIFY(thumbBytes.size() <= Attachment::maxThumbnailBytes);
    QImage thumb;
    QVERIFY(thumb.loadFromData(thumbBytes, "JPEG"));
    QVERIFY(thumb.width() > 0);
    for (const auto &[name, size] :
         {std::pair{u"empty.txt"_s, u"0 bytes"_s}, std::pair{u"one.bin"_s, u"1 byte"_s}}) {
        const int row = rowOfFileName(bobView, name);
        QVERIFY(row >= 0);
        QCOMPARE(roleAt(bobView, row, MessageListModel::TypeRole).toString(), u"file"_s);
        QCOMPARE(roleAt(bobView, row, MessageListModel::IsImageRole).toBool(), false);
        QCOMPARE(roleAt(bobView, row, MessageListModel::FileSizeTextRole).toString(), size);
    }
    // The conversation list does not show JSON.
    QTRY_COMPARE_WITH_TIMEOUT(conversationRole(bob.client.get(), alice.account.id,
                                               ConversationListModel::LastMessageRole)
                                      .toString(),
                              u"File: five-mebibytes.dat"_s, waitMs);

    // Bob downloads each; the bytes are Alice's.
    QTemporaryDir downloads;
    for (const QString &path : {image, empty, one, big}) {
        const QString name = QFileInfo(path).fileName();
        const QString saved = download(bob, name, QDir(downloads.path()).filePath(name));
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(QFileInfo(saved).size(), QFileInfo(path).size());
        QCOMPARE(sha256Of(saved), sha256Of(path));
    }

    // Bytes that are not what the attachment promised never reach their place.
    {
        const int row = rowOfFileName(bobView, u"one.bin"_s);
        auto wrong = bobView->attachmentOfFile(
                roleAt(bobView, row, MessageListModel::FileIdRole).toString());
        QVERIFY(wrong);
        wrong->sha256 = QString(64, u'0');
        const QString target = QDir(downloads.path()).filePath(u"wrong.bin"_s);
        QPointer<DownloadJob> job = bob->transfers()->download(*wrong, target);
        QTRY_VERIFY_WITH_TIMEOUT(job && job->state() == TransferState::Failed, waitMs);
        QVERIFY2(job->errorString().contains(u"damaged"_s), qPrintable(job->errorString()));
        QVERIFY(!QFile::exists(target));
    }

    // The full image for the viewer: downloaded into the cache, named by its SHA-256, and
    // loaded from there by the window's image provider. (Encryption is off here: the cache
    // keeps the picture as it is; client.e2ee checks the sealed one.)
    QSignalSpy ready(bob.client.get(), &ChatClient::imageReady);
    bob->openImage(roleAt(bobView, imageRow, MessageListModel::FileIdRole).toString());
    QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 1, waitMs);
    const ImageCache cache = bob->transfers()->imageCache();
    const QString imageSha256 = sha256Of(image);
    QCOMPARE(ready.at(0).at(1).toUrl(), ImageCache::urlOf(imageSha256));
    QVERIFY(!cache.isSealed());
    const QString cached = cache.pathOf(imageSha256);
    QVERIFY(QFileInfo(cached).fileName().startsWith(imageSha256));
    QCOMPARE(sha256Of(cached), imageSha256);
    QCOMPARE(QString::fromLatin1(
                     QCryptographicHash::hash(cache.read(imageSha256), QCryptographicHash::Sha256)
                             .toHex()),
             imageSha256);
    // A second time it comes from the cache at once.
    bob->openImage(roleAt(bobView, imageRow, MessageListModel::FileIdRole).toString());
    QCOMPARE(ready.count(), 2);

    // A seed client's image message (a URL, no file) is text.
    int status = 0;
    server.request("POST", u"/chat/message"_s,
                   QJsonObject{{u"receiver_id"_s, bob.account.id},
                               {u"type"_s, u"image"_s},
                               {u"content"_s, u"https://example.org/cat.png"_s}},
                   server.accessToken(alice.account), &status);
    QCOMPARE(status, 201);
    QTRY_COMPARE_WITH_TIMEOUT(countContent(bobView, u"https://example.org/cat.png"_s), 1, waitMs);
    const int seedRow = rowOfContent(bobView, u"https://example.org/cat.png"_s);
    QCOMPARE(roleAt(bobView, seedRow, MessageListModel::TypeRole).toString(), u"image"_s);
    QCOMPARE(roleAt(bobView, seedRow, MessageListModel::HasAttachmentRole).toBool(), false);
    QCOMPARE(roleAt(bobView, seedRow, MessageListModel::IsImageRole).toBool(), false);
}

void ClientFilesTest::interruptedUploadResumesFromTheServersOffset()
{
    TestServer server;
    TestUser alice, bob;
    const QString problem = setUp(server, alice, bob);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QTemporaryDir dir;
    const qint64 size = 6 * MiB + 123;
    const QString path = makeFile(QDir(dir.path()), u"resumed.dat"_s, size);
    MessageListModel *aliceView = alice.open(bob.account.id);

    UploadJob *job = alice->sendFileTo(bob.account.id, path);
    QVERIFY(job);
    const QString clientId = job->clientId();
    // The job goes away once its message is on its way: what it did, as it finishes.
    int resumes = -1;
    qint64 sent = -1;
    connect(job, &FileTransfer::finished, this, [&] {
        resumes = job->resumes();
        sent = job->bytesSent();
    });
    // Once the first chunk is on the server, the server goes away.
    bool stopped = false;
    connect(job, &FileTransfer::changed, this, [&] {
        if (!stopped && job->bytesDone() >= MiB && job->state() == TransferState::Running) {
            stopped = true;
            server.stop();
        }
    });
    QTRY_VERIFY_WITH_TIMEOUT(stopped, waitMs);
    QTRY_COMPARE_WITH_TIMEOUT(int(job->state()), int(TransferState::Waiting), waitMs);
    QVERIFY(!job->errorString().isEmpty());
    // The row shows it.
    QCOMPARE(roleAt(aliceView, rowOfClientId(aliceView, clientId),
                    MessageListModel::TransferStateRole)
                     .toInt(),
             int(TransferState::Waiting));
    const qint64 sentBefore = job->bytesSent();
    QVERIFY(sentBefore < size);

    QVERIFY2(server.restart(), qPrintable(server.errorString()));
    alice->reconnectNow();
    bob->reconnectNow();
    QTRY_VERIFY_WITH_TIMEOUT(
            roleAt(aliceView, rowOfClientId(aliceView, clientId), MessageListModel::MessageIdRole)
                            .toLongLong()
                    > 0,
            60000);
    // It asked the server where to go on and did not send the file again from the start.
    QVERIFY(resumes >= 1);
    QVERIFY2(sent >= size && sent <= size + MiB,
             qPrintable(u"sent %1 of %2"_s.arg(sent).arg(size)));

    // Bob gets it whole.
    QTRY_COMPARE_WITH_TIMEOUT(bob->connectionState(), ChatClient::Online, 60000);
    bob.open(alice.account.id);
    QTemporaryDir downloads;
    const QString saved = download(bob, u"resumed.dat"_s,
                                   QDir(downloads.path()).filePath(u"resumed.dat"_s));
    QVERIFY(!saved.isEmpty());
    QCOMPARE(sha256Of(saved), sha256Of(path));
}

void ClientFilesTest::interruptedDownloadGoesOnWithARange()
{
    TestServer server;
    TestUser alice, bob;
    const QString problem = setUp(server, alice, bob);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QTemporaryDir dir;
    // Larger than what the socket buffers on both sides hold, so that the server's going
    // away cuts the download short.
    const qint64 size = 24 * MiB + 7;
    const QString path = makeFile(QDir(dir.path()), u"large.dat"_s, size);
    alice.open(bob.account.id);
    sendAndWait(alice, bob, path);
    if (QTest::currentTestFailed())
        return;

    MessageListModel *bobView = bob.open(alice.account.id);
    int row = -1;
    QTRY_VERIFY_WITH_TIMEOUT((row = rowOfFileName(bobView, u"large.dat"_s)) >= 0, waitMs);
    const auto attachment = bobView->attachmentOfFile(
            roleAt(bobView, row, MessageListModel::FileIdRole).toString());
    QVERIFY(attachment);
    QTemporaryDir downloads;
    const QString target = QDir(downloads.path()).filePath(u"large.dat"_s);
    DownloadJob *job = bob->transfers()->download(*attachment, target);
    bool stopped = false;
    connect(job, &FileTransfer::changed, this, [&] {
        if (!stopped && job->bytesDone() >= MiB && job->state() == TransferState::Running) {
            stopped = true;
            server.stop();
        }
    });
    QTRY_VERIFY_WITH_TIMEOUT(stopped, waitMs);
    QTRY_COMPARE_WITH_TIMEOUT(int(job->state()), int(TransferState::Waiting), waitMs);
    const qint64 partial = job->bytesDone();
    QVERIFY2(partial > 0 && partial < size, qPrintable(QString::number(partial)));
    QVERIFY(!QFile::exists(target)); // nothing in place before it is whole and checked
    QCOMPARE(roleAt(bobView, row, MessageListModel::TransferStateRole).toInt(),
             int(TransferState::Waiting));

    QVERIFY2(server.restart(), qPrintable(server.errorString()));
    bob->retryTransfer(job->id()); // now, not after the backoff
    QTRY_VERIFY_WITH_TIMEOUT(!job->isActive(), 60000);
    QVERIFY2(job->state() == TransferState::Done, qPrintable(job->errorString()));
    // It asked for the rest only.
    QVERIFY2(job->lastRequestFrom() >= partial,
             qPrintable(u"%1 < %2"_s.arg(job->lastRequestFrom()).arg(partial)));
    QCOMPARE(QFileInfo(target).size(), size);
    QCOMPARE(sha256Of(target), sha256Of(path));
}

void ClientFilesTest::cancelRemovesTheUpload()
{
    TestServer server;
    TestUser alice, bob;
    const QString problem = setUp(server, alice, bob);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QTemporaryDir dir;
    const QString path = makeFile(QDir(dir.path()), u"cancelled.dat"_s, 5 * MiB);
    MessageListModel *aliceView = alice.open(bob.account.id);

    UploadJob *job = alice->sendFileTo(bob.account.id, path);
    QVERIFY(job);
    const QString clientId = job->clientId();
    const QString transferId = job->id();
    QCOMPARE(alice->transfers()->rowCount(), 1);
    QString fileId;
    bool cancelled = false;
    connect(job, &FileTransfer::changed, this, [&] {
        if (!cancelled && job->bytesDone() >= MiB) {
            cancelled = true;
            fileId = job->fileId();
            alice->cancelTransfer(transferId);
        }
    });
    QTRY_VERIFY_WITH_TIMEOUT(cancelled, waitMs);
    QVERIFY(!fileId.isEmpty());
    // Gone from the views at once...
    QCOMPARE(rowOfClientId(aliceView, clientId), -1);
    QCOMPARE(alice->transfers()->rowCount(), 0);
    // ... and from the server soon after.
    const QString token = server.accessToken(alice.account);
    int status = 0;
    QTRY_VERIFY_WITH_TIMEOUT(
            (server.request("GET", u"/files/"_s + fileId, {}, token, &status), status == 404),
            waitMs);
    // Nothing reached Bob.
    QTest::qWait(300);
    QCOMPARE(bob->conversations()->rowCount(), 0);
}

QTEST_GUILESS_MAIN(ClientFilesTest)
#include "tst_client_files.moc"
