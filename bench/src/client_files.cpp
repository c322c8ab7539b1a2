// SPDX-License-Identifier: MIT
// fastchat-client-files-bench: two desktop clients (the real client core, ChatClient, the
// same code as the app) exchange one large file through a running server: Alice sends it
// with sendFileTo() (end-to-end encrypted when the keychain is there: run it under
// tests/client/run-with-keyring.sh), Bob downloads it from his message row, and the SHA-256
// of what he gets is compared with the file's. Progress is printed as the transfer list
// reports it. One JSON line at the end (bench/run-client-files.sh makes the table).
//
//   fastchat-client-files-bench --server URL --mib N --work DIR [--no-keychain]
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QRandomGenerator>
#include <QTimer>

#include <ChatClient.h>
#include <FileTransfers.h>
#include <MessageListModel.h>
#include <e2ee/E2ee.h>

#include <cstdio>
#include <functional>
#include <memory>

using namespace Qt::StringLiterals;
using namespace fastchat::client;

namespace {

constexpr int waitMs = 60 * 60 * 1000;

// Runs the event loop until `done()` or the time is up.
bool waitFor(const std::function<bool()> &done, int timeoutMs = waitMs)
{
    QElapsedTimer timer;
    timer.start();
    while (!done()) {
        if (timer.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    }
    return true;
}

void progress(const char *what, const FileTransfer *job)
{
    std::fprintf(stderr, "%s: %.0f%% (%lld of %lld bytes)\n", what,
                 job->bytesTotal() > 0
                         ? 100.0 * double(job->bytesDone()) / double(job->bytesTotal())
                         : 0.0,
                 qlonglong(job->bytesDone()), qlonglong(job->bytesTotal()));
}

QByteArray sha256Of(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(&file);
    return hash.result().toHex();
}

// Registers a user over REST; returns the id (0 on failure).
qint64 registerUser(QNetworkAccessManager &net, const QUrl &server, const QString &name,
                    const QString &password)
{
    QNetworkRequest request(server.resolved(QUrl(u"/auth/register"_s)));
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    const QJsonObject body{{u"username"_s, name},
                           {u"email"_s, QString(name + u"@example.org"_s)},
                           {u"password"_s, password}};
    std::unique_ptr<QNetworkReply> reply(
            net.post(request, QJsonDocument(body).toJson(QJsonDocument::Compact)));
    waitFor([&] { return reply->isFinished(); }, 30000);
    return QJsonDocument::fromJson(reply->readAll()).object().value(u"id"_s).toInteger();
}

struct Result
{
    QString error;
    double prepareSeconds = 0; // reading, hashing, encrypting
    double uploadSeconds = 0;
    double downloadSeconds = 0; // downloading, checking, decrypting
    bool equal = false;
    bool encrypted = false;
};

Result fail(const QString &error)
{
    Result r;
    r.error = error;
    return r;
}

Result run(const QUrl &server, qint64 mib, const QString &work, bool keychain)
{
    Result r;
    QNetworkAccessManager net;
    const QString tag = QString::number(QRandomGenerator::global()->generate(), 36);
    const QString password = u"bench-password-1"_s;
    const QString aliceName = u"cfa"_s + tag;
    const QString bobName = u"cfb"_s + tag;
    const qint64 aliceId = registerUser(net, server, aliceName, password);
    const qint64 bobId = registerUser(net, server, bobName, password);
    if (!aliceId || !bobId)
        return fail(u"cannot register the users"_s);

    // The file: pseudo-random bytes, written a MiB at a time.
    const QString source = QDir(work).filePath(u"source.bin"_s);
    {
        QFile file(source);
        if (!file.open(QIODevice::WriteOnly))
            return fail(u"cannot write "_s + source);
        QByteArray chunk(1024 * 1024, Qt::Uninitialized);
        for (qint64 i = 0; i < mib; ++i) {
            QRandomGenerator::global()->fillRange(reinterpret_cast<quint32 *>(chunk.data()),
                                                  chunk.size() / 4);
            file.write(chunk);
        }
    }

    auto client = [&](const QString &name) {
        ChatClientOptions options;
        options.serverUrl = server;
        options.dataDir = QDir(work).filePath(name);
        options.profile = name;
        options.useKeychain = keychain;
        auto c = std::make_unique<ChatClient>(options);
        c->start();
        c->signIn(server.toString(), name, password);
        return c;
    };
    auto alice = client(aliceName);
    auto bob = client(bobName);
    if (!waitFor([&] { return alice->isSignedIn() && bob->isSignedIn(); }, 60000))
        return fail(u"cannot sign in"_s);
    if (keychain
        && !waitFor(
                [&] {
                    return alice->e2ee()->publishedCount() > 0 && bob->e2ee()->publishedCount() > 0;
                },
                60000))
        return fail(u"no keys: "_s + alice->e2ee()->problem());
    alice->openConversation(bobId);
    if (keychain && !waitFor([&] { return alice->e2ee()->state(bobId) == E2ee::Encrypted; }, 60000))
        return fail(u"no session with the peer"_s);

    QElapsedTimer clock;
    clock.start();
    QPointer<UploadJob> upload = alice->sendFileTo(bobId, source);
    if (!upload)
        return fail(u"the upload was refused: "_s + alice->notice());
    QTimer ticker;
    QObject::connect(&ticker, &QTimer::timeout, [&] {
        if (upload)
            progress("upload", upload);
    });
    ticker.start(5000);
    if (!waitFor([&] { return !upload || upload->state() != TransferState::Preparing; }))
        return fail(u"preparing took too long"_s);
    r.prepareSeconds = clock.nsecsElapsed() / 1e9;
    r.encrypted = upload && upload->file().isEncrypted();
    clock.restart();
    if (!waitFor([&] { return !upload || !upload->isActive(); }))
        return fail(u"the upload took too long"_s);
    if (upload && upload->state() == TransferState::Failed)
        return fail(u"upload failed: "_s + upload->errorString());
    r.uploadSeconds = clock.nsecsElapsed() / 1e9;

    // Bob's row, then his download of it.
    MessageListModel *view = bob->messagesWith(aliceId);
    std::optional<fastchat::Attachment> attachment;
    const bool arrived = waitFor(
            [&] {
                for (int row = 0; row < view->rowCount(); ++row) {
                    const QString fileId
                            = view->data(view->index(row), MessageListModel::FileIdRole).toString();
                    if (!fileId.isEmpty() && (attachment = view->attachmentOfFile(fileId)))
                        return true;
                }
                return false;
            },
            120000);
    if (!arrived)
        return fail(u"the message did not arrive"_s);
    const QString target = QDir(work).filePath(u"received.bin"_s);
    clock.restart();
    QPointer<DownloadJob> download = bob->transfers()->download(*attachment, target);
    ticker.disconnect();
    QObject::connect(&ticker, &QTimer::timeout, [&] {
        if (download)
            progress("download", download);
    });
    if (!waitFor([&] { return !download || !download->isActive(); }))
        return fail(u"the download took too long"_s);
    if (!download || download->state() != TransferState::Done)
        return fail(u"download failed: "_s + (download ? download->errorString() : QString()));
    r.downloadSeconds = clock.nsecsElapsed() / 1e9;
    r.equal = sha256Of(target) == sha256Of(source);
    QFile::remove(target);
    QFile::remove(source);
    return r;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Two desktop clients exchange one file."_s);
    parser.addHelpOption();
    parser.addOption({u"server"_s, u"The server's URL."_s, u"url"_s});
    parser.addOption({u"mib"_s, u"The file's size in MiB."_s, u"n"_s, u"64"_s});
    parser.addOption({u"work"_s, u"A folder for the file and the clients' data."_s, u"dir"_s});
    parser.addOption({u"no-keychain"_s, u"Without the keychain: no end-to-end encryption."_s});
    parser.process(app);
    const QUrl server(parser.value(u"server"_s));
    const QString work = parser.value(u"work"_s);
    const qint64 mib = parser.value(u"mib"_s).toLongLong();
    if (!server.isValid() || work.isEmpty() || mib <= 0)
        parser.showHelp(2);
    QDir().mkpath(work);

    const Result r = run(server, mib, work, !parser.isSet(u"no-keychain"_s));
    QJsonObject out{{u"mib"_s, mib}};
    if (!r.error.isEmpty()) {
        out.insert(u"error"_s, r.error);
    } else {
        out.insert(u"encrypted"_s, r.encrypted);
        out.insert(u"prepare_s"_s, r.prepareSeconds);
        out.insert(u"upload_mib_per_s"_s, double(mib) / r.uploadSeconds);
        out.insert(u"download_mib_per_s"_s, double(mib) / r.downloadSeconds);
        out.insert(u"sha256_matches"_s, r.equal);
    }
    std::printf("%s\n", QJsonDocument(out).toJson(QJsonDocument::Compact).constData());
    return r.error.isEmpty() && r.equal ? 0 : 1;
}
