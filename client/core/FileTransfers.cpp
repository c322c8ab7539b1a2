// SPDX-License-Identifier: MIT
#include "FileTransfers.h"

#include "ApiClient.h"
#include "Format.h"
#include "Logging.h"

#include <QBuffer>
#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QImage>
#include <QImageReader>
#include <QMimeDatabase>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QSaveFile>
#include <QStandardPaths>
#include <QUrl>
#include <QtConcurrent/QtConcurrentRun>

#include <fastchat/crypto/AttachmentCipher.h>

using namespace Qt::StringLiterals;

namespace fastchat::client {

namespace {

constexpr qint64 chunkBytes = 1024 * 1024;
constexpr int maxBackoffMs = 30000;
constexpr int thumbnailSide = 320; // the first try; smaller ones follow when it is too big

bool stopped(const std::atomic_bool *flag)
{
    return flag && flag->load();
}

// Runs `work` on the thread pool and `done` with its result on `context`'s thread, unless
// `context` is gone by then.
template<typename T>
void runInBackground(QObject *context, std::function<T()> work, std::function<void(T)> done)
{
    auto *watcher = new QFutureWatcher<T>(context);
    QObject::connect(watcher, &QFutureWatcher<T>::finished, context, [watcher, done] {
        watcher->deleteLater();
        done(watcher->result());
    });
    watcher->setFuture(QtConcurrent::run(std::move(work)));
}

// Moves a file over another (rename; across file systems, copy and remove).
bool moveInto(const QString &from, const QString &to, QString *error)
{
    QDir().mkpath(QFileInfo(to).absolutePath());
    if (QFile::exists(to) && !QFile::remove(to)) {
        *error = u"Cannot replace %1."_s.arg(QDir::toNativeSeparators(to));
        return false;
    }
    if (QFile::rename(from, to))
        return true;
    if (QFile::copy(from, to)) {
        QFile::remove(from);
        return true;
    }
    *error = u"Cannot write %1."_s.arg(QDir::toNativeSeparators(to));
    return false;
}

// A name the server and every receiver accept: no control characters, at most
// FileUpload::maxNameBytes of UTF-8 (cut at a character, keeping the suffix when it can).
QString safeName(const QString &fileName)
{
    QString name;
    for (const QChar c : fileName)
        name += c.category() == QChar::Other_Control ? u'_' : c;
    if (name.toUtf8().size() <= FileUpload::maxNameBytes)
        return name;
    const QString suffix = QFileInfo(name).suffix().left(16);
    QString base = suffix.isEmpty() ? name : name.left(name.size() - suffix.size() - 1);
    const auto bytes = [&] { return (base + u'.' + suffix).toUtf8().size(); };
    while (!base.isEmpty() && bytes() > FileUpload::maxNameBytes) {
        base.chop(1);
        if (!base.isEmpty() && base.back().isHighSurrogate())
            base.chop(1);
    }
    return suffix.isEmpty() ? base : base + u'.' + suffix;
}

} // namespace

// ---- reading files ----------------------------------------------------------------------

QString sha256OfFile(const QString &path, const std::atomic_bool *cancelled)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    QByteArray buffer(chunkBytes, Qt::Uninitialized);
    while (!file.atEnd()) {
        if (stopped(cancelled))
            return {};
        const qint64 n = file.read(buffer.data(), buffer.size());
        if (n < 0)
            return {};
        hash.addData(QByteArrayView(buffer.constData(), n));
    }
    return QString::fromLatin1(hash.result().toHex());
}

QByteArray PreparedFile::thumbnailOf(const QImage &image, qsizetype maxBytes)
{
    if (image.isNull())
        return {};
    QImage source = image.hasAlphaChannel()
            ? [&] {
                  // JPEG has no alpha: put the picture on white first.
                  QImage flat(image.size(), QImage::Format_RGB32);
                  flat.fill(Qt::white);
                  QImage argb = image.convertToFormat(QImage::Format_ARGB32_Premultiplied);
                  for (int y = 0; y < flat.height(); ++y) {
                      auto *dst = reinterpret_cast<QRgb *>(flat.scanLine(y));
                      const auto *src = reinterpret_cast<const QRgb *>(argb.constScanLine(y));
                      for (int x = 0; x < flat.width(); ++x) {
                          const int a = qAlpha(src[x]);
                          dst[x] = qRgb(qRed(src[x]) + (255 - a), qGreen(src[x]) + (255 - a),
                                        qBlue(src[x]) + (255 - a));
                      }
                  }
                  return flat;
              }()
            : image;
    int side = thumbnailSide;
    while (side >= 8) {
        const QImage scaled = std::max(source.width(), source.height()) > side
                ? source.scaled(side, side, Qt::KeepAspectRatio, Qt::SmoothTransformation)
                : source;
        for (int quality : {75, 60, 45, 30}) {
            QByteArray bytes;
            QBuffer buffer(&bytes);
            buffer.open(QIODevice::WriteOnly);
            if (!scaled.save(&buffer, "JPEG", quality))
                return {};
            if (bytes.size() <= maxBytes)
                return bytes;
        }
        side = side * 3 / 4;
    }
    return {};
}

PreparedFile PreparedFile::inspect(const QString &path, const std::atomic_bool *cancelled,
                                   bool hash)
{
    PreparedFile f;
    f.path = path;
    const QFileInfo info(path);
    f.name = safeName(info.fileName());
    if (!info.exists() || !info.isFile()) {
        f.error = u"%1 is not a file."_s.arg(QDir::toNativeSeparators(path));
        return f;
    }
    f.size = info.size();
    f.mimeType = QMimeDatabase().mimeTypeForFile(info).name();
    if (hash) {
        f.sha256 = sha256OfFile(path, cancelled);
        if (f.sha256.isEmpty()) {
            if (!stopped(cancelled))
                f.error = u"Cannot read %1."_s.arg(QDir::toNativeSeparators(path));
            return f;
        }
    }
    if (!f.mimeType.startsWith(u"image/"))
        return f;
    QImageReader reader(path);
    reader.setAutoTransform(true);
    QSize size = reader.size();
    if (!reader.canRead() || !size.isValid())
        return f; // not a picture this app can show: sent as a file
    if (reader.transformation() & QImageIOHandler::TransformationRotate90)
        size.transpose();
    // Decode no more than needed for the thumbnail (a 50-megapixel photo stays on disk).
    const QSize decoded = size.scaled(thumbnailSide * 2, thumbnailSide * 2, Qt::KeepAspectRatio);
    if (decoded.width() < size.width() && reader.supportsOption(QImageIOHandler::ScaledSize)
        && !(reader.transformation() & QImageIOHandler::TransformationRotate90))
        reader.setScaledSize(decoded);
    const QImage image = reader.read();
    if (image.isNull())
        return f;
    f.width = size.width();
    f.height = size.height();
    f.thumbnail = thumbnailOf(image, Attachment::maxThumbnailBytes);
    return f;
}

void PreparedFile::encryptInto(const QString &blob)
{
    QFile source(path);
    if (!source.open(QIODevice::ReadOnly)) {
        error = u"Cannot read %1."_s.arg(QDir::toNativeSeparators(path));
        return;
    }
    QDir().mkpath(QFileInfo(blob).absolutePath());
    QSaveFile target(blob);
    if (!target.open(QIODevice::WriteOnly)) {
        error = u"Cannot write %1: %2"_s.arg(QDir::toNativeSeparators(blob), target.errorString());
        return;
    }
    auto encrypted = crypto::AttachmentCipher::encrypt(source, target);
    if (!encrypted) {
        target.cancelWriting();
        error = u"The file could not be encrypted: %1"_s.arg(encrypted.error());
        return;
    }
    if (!target.commit()) {
        error = u"Cannot write %1: %2"_s.arg(QDir::toNativeSeparators(blob), target.errorString());
        return;
    }
    // What was read is what the receiver gets: the size and hash of this very pass.
    size = encrypted->plaintextSize;
    sha256 = QString::fromLatin1(encrypted->plaintextSha256.toHex());
    blobPath = blob;
    key = encrypted->key.toByteArray();
    blobSize = encrypted->ciphertextSize;
    blobSha256 = QString::fromLatin1(encrypted->ciphertextSha256.toHex());
}

// ---- FileTransfer -----------------------------------------------------------------------

FileTransfer::FileTransfer(Kind kind, ApiClient *api, QObject *parent)
    : QObject(parent)
    , m_api(api)
    , m_kind(kind)
    , m_stop(std::make_shared<std::atomic_bool>(false))
{
    m_backoff.setSingleShot(true);
}

FileTransfer::~FileTransfer()
{
    m_stop->store(true);
}

bool FileTransfer::isActive() const
{
    return m_state == TransferState::Preparing || m_state == TransferState::Running
            || m_state == TransferState::Waiting || m_state == TransferState::Verifying;
}

int FileTransfer::backoffMs(int failures)
{
    return std::min(maxBackoffMs, 1000 << std::clamp(failures - 1, 0, 5));
}

void FileTransfer::setState(TransferState::State state, const QString &error)
{
    if (state == m_state && error == m_error)
        return;
    m_state = state;
    m_error = error;
    if (state == TransferState::Failed)
        qCInfo(lcTransfers) << (m_kind == Kind::Upload ? "upload" : "download") << m_name
                            << "failed:" << error;
    Q_EMIT changed();
}

void FileTransfer::setProgress(qint64 done, qint64 total)
{
    if (done == m_done && total == m_total)
        return;
    m_done = done;
    m_total = total;
    Q_EMIT changed();
}

QObject *FileTransfer::newAttempt()
{
    abortAttempt();
    m_attempt = new QObject(this);
    return m_attempt;
}

void FileTransfer::abortAttempt()
{
    delete m_attempt.data();
    m_backoff.stop();
    m_backoff.disconnect(this);
}

void FileTransfer::networkTrouble(const ApiError &error, std::function<void()> again)
{
    ++m_failures;
    if (m_failures >= maxAttempts) {
        setState(TransferState::Failed, error.message);
        return;
    }
    const int delay = backoffMs(m_failures);
    qCInfo(lcTransfers) << m_name << "network trouble:" << error.message << "; again in" << delay
                        << "ms";
    setState(TransferState::Waiting, error.message);
    m_backoff.disconnect(this);
    connect(&m_backoff, &QTimer::timeout, this, std::move(again));
    m_backoff.start(delay);
}

// ---- UploadJob --------------------------------------------------------------------------

UploadJob::UploadJob(ApiClient *api, const QString &path, qint64 peerId, const QString &clientId,
                     const QString &blobPath, QObject *parent)
    : FileTransfer(Kind::Upload, api, parent)
    , m_blobPath(blobPath)
{
    m_id = u"up:"_s + clientId;
    m_clientId = clientId;
    m_peerId = peerId;
    m_localPath = path;
    m_name = QFileInfo(path).fileName();
    m_total = QFileInfo(path).size();
}

UploadJob::~UploadJob()
{
    // The blob is only for this upload: done, cancelled or abandoned, it goes.
    m_source.close();
    if (!m_blobPath.isEmpty())
        QFile::remove(m_blobPath);
}

Attachment UploadJob::attachment() const
{
    Attachment a;
    a.fileId = m_upload.id;
    a.name = m_file.name;
    a.size = m_file.size;
    a.mimeType = m_file.mimeType;
    a.sha256 = m_file.isEncrypted() || m_upload.sha256.isEmpty() ? m_file.sha256 : m_upload.sha256;
    a.width = m_file.width;
    a.height = m_file.height;
    a.thumbnail = m_file.thumbnail;
    if (m_file.isEncrypted()) {
        a.key = m_file.key;
        a.blobSize = m_file.blobSize;
        a.blobSha256 = m_file.blobSha256;
    }
    return a;
}

void UploadJob::start()
{
    prepare();
}

void UploadJob::prepare()
{
    if (m_stop->load())
        return; // cancelled
    setState(TransferState::Preparing);
    const QString path = m_localPath;
    const QString blob = m_blobPath;
    const auto stop = m_stop;
    runInBackground<PreparedFile>(
            newAttempt(),
            [path, blob, stop] {
                PreparedFile file = PreparedFile::inspect(path, stop.get(), blob.isEmpty());
                if (file.error.isEmpty() && !blob.isEmpty() && !stopped(stop.get()))
                    file.encryptInto(blob);
                return file;
            },
            [this](PreparedFile file) {
                m_file = std::move(file);
                if (!m_file.error.isEmpty()) {
                    setState(TransferState::Failed, m_file.error);
                    return;
                }
                m_name = m_file.name;
                setProgress(0, m_file.uploadSize());
                Q_EMIT prepared();
                create();
            });
}

void UploadJob::create()
{
    if (m_stop->load())
        return; // cancelled
    m_source.close();
    m_source.setFileName(m_file.uploadPath());
    if (!m_source.open(QIODevice::ReadOnly)) {
        setState(TransferState::Failed,
                 u"Cannot read %1: %2"_s.arg(m_file.name, m_source.errorString()));
        return;
    }
    setState(TransferState::Running);
    NewUpload announce;
    announce.size = m_file.uploadSize();
    announce.sha256 = m_file.uploadSha256();
    if (m_file.isEncrypted()) {
        // The server learns nothing about the file but the blob's size.
        announce.mimeType = u"application/octet-stream"_s;
    } else {
        announce.name = m_file.name;
        announce.mimeType = m_file.mimeType.size() <= FileUpload::maxMimeTypeBytes ? m_file.mimeType
                                                                                   : QString();
    }
    m_api->createUpload(announce, newAttempt(), [this](ApiResult<FileUpload> result) {
        if (!result.ok()) {
            if (result.error.kind == ApiError::Kind::Network)
                networkTrouble(result.error, [this] { create(); });
            else
                setState(TransferState::Failed, result.error.message);
            return;
        }
        m_failures = 0;
        m_upload = *result.value;
        m_fileId = m_upload.id;
        qCDebug(lcTransfers) << "upload" << m_fileId << "announced," << m_file.uploadSize()
                             << "bytes" << (m_file.isEncrypted() ? "(encrypted)" : "");
        Q_EMIT changed();
        if (m_upload.complete)
            complete(m_upload);
        else
            sendChunk();
    });
}

void UploadJob::askOffset()
{
    if (m_stop->load())
        return; // cancelled
    if (m_fileId.isEmpty()) {
        create();
        return;
    }
    setState(TransferState::Running);
    ++m_resumes;
    m_api->fileStatus(m_fileId, newAttempt(), [this](ApiResult<FileUpload> result) {
        if (!result.ok()) {
            if (result.error.kind == ApiError::Kind::Network) {
                networkTrouble(result.error, [this] { askOffset(); });
            } else if (result.error.status == 404) {
                // Expired or removed meanwhile: announce it again.
                m_fileId.clear();
                create();
            } else {
                setState(TransferState::Failed, result.error.message);
            }
            return;
        }
        m_failures = 0;
        m_upload = *result.value;
        qCInfo(lcTransfers) << "upload" << m_fileId << "goes on at" << m_upload.offset << "of"
                            << m_upload.size;
        setProgress(m_upload.offset, m_file.uploadSize());
        if (m_upload.complete)
            complete(m_upload);
        else
            sendChunk();
    });
}

void UploadJob::sendChunk()
{
    if (m_stop->load())
        return; // cancelled
    const qint64 offset = m_upload.offset;
    const qint64 length = std::min(chunkBytes, m_file.uploadSize() - offset);
    if (length <= 0 || !m_source.seek(offset)) {
        setState(TransferState::Failed, u"The file changed while it was being sent."_s);
        return;
    }
    // One chunk in memory at a time, however big the file.
    const QByteArray bytes = m_source.read(length);
    if (bytes.size() != length) {
        setState(TransferState::Failed, u"The file changed while it was being sent."_s);
        return;
    }
    setState(TransferState::Running);
    setProgress(offset, m_file.uploadSize());
    m_sent += length;
    m_api->uploadChunk(
            m_fileId, offset, bytes, newAttempt(),
            [this](ApiResult<FileUpload> result, qint64 serverOffset) {
                onChunk(result.ok() ? &*result.value : nullptr, serverOffset, result.error);
            },
            [this, offset](qint64 sent) { setProgress(offset + sent, m_file.uploadSize()); });
}

void UploadJob::onChunk(const FileUpload *answer, qint64 serverOffset, const ApiError &error)
{
    if (answer) {
        m_failures = 0;
        m_upload = *answer;
        setProgress(m_upload.offset, m_file.uploadSize());
        if (m_upload.complete)
            complete(m_upload);
        else
            sendChunk();
        return;
    }
    if (error.kind == ApiError::Kind::Network) {
        networkTrouble(error, [this] { askOffset(); });
        return;
    }
    if (error.status == 409 && serverOffset >= 0) {
        // The server has more (or less) than we thought: go on from there.
        qCInfo(lcTransfers) << "upload" << m_fileId << "is at" << serverOffset << "on the server";
        if (serverOffset >= m_file.uploadSize()) {
            askOffset();
            return;
        }
        m_upload.offset = serverOffset;
        sendChunk();
        return;
    }
    if (error.status == 422 && m_restarts++ < 1) {
        // The bytes that arrived are not the file we hashed: once more from the start.
        qCWarning(lcTransfers) << "upload" << m_fileId << "did not match its SHA-256; again";
        m_upload.offset = 0;
        sendChunk();
        return;
    }
    if (error.status == 422) {
        setState(TransferState::Failed, u"The file changed while it was being sent."_s);
        return;
    }
    setState(TransferState::Failed, error.message);
}

void UploadJob::complete(const FileUpload &upload)
{
    if (m_stop->load())
        return; // cancelled
    m_upload = upload;
    m_source.close();
    abortAttempt();
    const QString sent = m_file.uploadSha256();
    if (!sent.isEmpty() && !upload.sha256.isEmpty() && upload.sha256 != sent) {
        setState(TransferState::Failed, u"The server's copy differs from the file."_s);
        return;
    }
    if (m_file.isEncrypted())
        QFile::remove(m_file.blobPath); // on the server now; the message carries the key
    setProgress(m_file.uploadSize(), m_file.uploadSize());
    setState(TransferState::Done);
    Q_EMIT finished();
}

void UploadJob::retry()
{
    if (isActive() && m_state != TransferState::Waiting)
        return;
    m_failures = 0;
    abortAttempt();
    if (m_file.sha256.isEmpty())
        prepare();
    else if (m_fileId.isEmpty())
        create();
    else
        askOffset();
}

void UploadJob::deleteUpload(ApiClient *api, const QString &fileId, int attempt)
{
    // Not the job's: it goes away at once; the request is on its own. A chunk that was on
    // its way when the upload was cancelled may still be being written (409), and the
    // network may fail: a few more tries, later.
    api->deleteFile(fileId, api, [api, fileId, attempt](ApiResult<bool> result) {
        if (result.ok() || result.error.status == 404)
            return;
        const bool again = result.error.kind == ApiError::Kind::Network
                || (result.error.kind == ApiError::Kind::Http
                    && (result.error.status == 409 || result.error.status >= 500));
        if (!again || attempt + 1 >= maxAttempts) {
            qCInfo(lcTransfers) << "cannot delete the cancelled upload" << fileId
                                << result.error.message;
            return;
        }
        QTimer::singleShot(std::min(backoffMs(attempt + 1), 250 * (attempt + 1)), api,
                           [api, fileId, attempt] { deleteUpload(api, fileId, attempt + 1); });
    });
}

void UploadJob::cancel()
{
    m_stop->store(true);
    abortAttempt();
    m_source.close();
    if (!m_fileId.isEmpty() && m_state != TransferState::Done)
        deleteUpload(m_api, m_fileId, 0);
    Q_EMIT cancelled();
}

// ---- DownloadJob ------------------------------------------------------------------------

DownloadJob::DownloadJob(ApiClient *api, const Attachment &attachment, const QString &destination,
                         const QString &partialPath, QObject *parent)
    : FileTransfer(Kind::Download, api, parent)
    , m_attachment(attachment)
    , m_destination(destination)
    , m_partialPath(partialPath)
{
    m_id = u"down:%1:%2"_s.arg(attachment.fileId, destination);
    m_fileId = attachment.fileId;
    m_name = attachment.name;
    m_total = attachment.storedSize();
}

DownloadJob::DownloadJob(ApiClient *api, const Attachment &attachment, const ImageCache &cache,
                         const QString &partialPath, QObject *parent)
    : DownloadJob(api, attachment, cache.pathOf(attachment.sha256), partialPath, parent)
{
    m_cache = cache;
}

void DownloadJob::start()
{
    request();
}

void DownloadJob::request()
{
    if (m_stop->load())
        return; // cancelled
    abortAttempt();
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
    }
    m_partial.close();
    QDir().mkpath(QFileInfo(m_partialPath).absolutePath());
    m_partial.setFileName(m_partialPath);
    if (!m_partial.open(QIODevice::ReadWrite)) {
        setState(TransferState::Failed,
                 u"Cannot write %1: %2"_s.arg(m_partialPath, m_partial.errorString()));
        return;
    }
    m_from = m_partial.size();
    if (m_from > storedSize()) {
        m_partial.resize(0);
        m_from = 0;
    }
    if (m_from == storedSize() && m_from > 0) {
        // Everything is here already (the last run stopped before checking it).
        m_partial.close();
        verify();
        return;
    }
    m_partial.seek(m_from);
    setProgress(m_from, storedSize());
    setState(TransferState::Running);
    m_reply = m_api->openContent(m_attachment.fileId, m_from);
    m_reply->setParent(this);
    m_reply->setReadBufferSize(chunkBytes); // the socket waits for us rather than memory
    connect(m_reply, &QNetworkReply::readyRead, this, &DownloadJob::onReadyRead);
    connect(m_reply, &QNetworkReply::finished, this, &DownloadJob::onFinished);
}

void DownloadJob::onReadyRead()
{
    QNetworkReply *reply = m_reply;
    if (!reply)
        return;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status != 200 && status != 206)
        return; // an error body: onFinished reads it
    if (status == 200 && m_from > 0) {
        // The server sent the whole file after all: start the partial one again.
        m_partial.resize(0);
        m_partial.seek(0);
        m_from = 0;
    }
    while (reply->bytesAvailable() > 0) {
        const QByteArray bytes = reply->read(chunkBytes);
        if (m_partial.pos() + bytes.size() > storedSize()
            || m_partial.write(bytes) != bytes.size()) {
            reply->disconnect(this);
            reply->abort();
            m_partial.close();
            setState(TransferState::Failed,
                     m_partial.error() != QFileDevice::NoError
                             ? u"Cannot write the file: %1"_s.arg(m_partial.errorString())
                             : u"The server sent more than the file's size."_s);
            return;
        }
    }
    setProgress(m_partial.pos(), storedSize());
}

void DownloadJob::onFinished()
{
    QNetworkReply *reply = m_reply;
    if (!reply)
        return;
    onReadyRead();
    if (m_state == TransferState::Failed)
        return;
    reply->deleteLater();
    m_reply = nullptr;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const qint64 have = m_partial.pos();
    m_partial.flush();
    if ((status == 200 || status == 206) && reply->error() == QNetworkReply::NoError) {
        if (have == storedSize()) {
            m_partial.close();
            m_failures = 0;
            verify();
            return;
        }
        // Cut short without an error: go on from what arrived.
        networkTrouble({ApiError::Kind::Network, 0, u"The download stopped early."_s},
                       [this] { request(); });
        return;
    }
    m_partial.close();
    const ApiError error = m_api->errorFor(reply);
    if (error.kind == ApiError::Kind::Network
        || (error.kind == ApiError::Kind::Http && error.status >= 500)) {
        networkTrouble(error, [this] { request(); });
        return;
    }
    if (error.isUnauthorized() && !m_renewed && m_api->tokenProvider()) {
        m_renewed = true;
        m_api->tokenProvider()->renewAccessToken(newAttempt(), [this](const ApiError &renewed) {
            if (renewed.ok())
                request();
            else
                setState(TransferState::Failed, renewed.message);
        });
        return;
    }
    if (status == 416) {
        QFile::remove(m_partialPath); // what we have does not fit the file: from the start
        networkTrouble(error, [this] { request(); });
        return;
    }
    setState(TransferState::Failed, error.message);
}

DownloadJob::CheckedDownload DownloadJob::check(const QString &path, const Attachment &attachment,
                                                const std::optional<ImageCache> &cache,
                                                const std::atomic_bool *cancelled)
{
    const QString damaged
            = u"The downloaded file is damaged (its SHA-256 does not match). Try again."_s;
    QString error;
    if (!attachment.isEncrypted()) {
        const QString sha256 = sha256OfFile(path, cancelled);
        if (sha256 != attachment.sha256) {
            qCWarning(lcTransfers) << "download of" << attachment.fileId << "has SHA-256" << sha256
                                   << "instead of" << attachment.sha256;
            return {{}, damaged, true, false};
        }
        if (!cache)
            return {path, {}, false, false};
        if (!cache->store(path, sha256, &error))
            return {{}, error, false, false};
        QFile::remove(path);
        return {cache->pathOf(sha256), {}, false, true};
    }
    // The blob must be the one the key was made for before anything is decrypted (decrypt()
    // hashes it first); the plaintext must then be the file that was sent.
    QFile blob(path);
    if (!blob.open(QIODevice::ReadOnly))
        return {{}, u"Cannot read %1: %2"_s.arg(path, blob.errorString()), false, false};
    const crypto::SecretBytes key(attachment.key);
    const QByteArray blobSha256 = QByteArray::fromHex(attachment.blobSha256.toLatin1());
    auto matches = [&](const auto &decrypted) {
        if (decrypted
            && QString::fromLatin1(decrypted->plaintextSha256.toHex()) == attachment.sha256)
            return true;
        qCWarning(lcTransfers) << "download of" << attachment.fileId << "does not decrypt:"
                               << (decrypted ? u"the plaintext's SHA-256 differs"_s
                                             : decrypted.error());
        return false;
    };
    if (cache) {
        // A picture for the cache: decrypted in memory and sealed again for the cache, so
        // its plaintext never lands on disk.
        QByteArray plain;
        QBuffer buffer(&plain);
        buffer.open(QIODevice::WriteOnly);
        if (!matches(crypto::AttachmentCipher::decrypt(blob, buffer, key, blobSha256))) {
            crypto::wipe(plain);
            return {{}, damaged, true, false};
        }
        buffer.close();
        buffer.open(QIODevice::ReadOnly);
        const bool stored = cache->store(buffer, attachment.sha256, &error);
        buffer.close();
        crypto::wipe(plain);
        if (!stored)
            return {{}, error, false, false};
        blob.close();
        QFile::remove(path);
        return {cache->pathOf(attachment.sha256), {}, false, true};
    }
    const QString plainPath = path + u".plain"_s;
    QSaveFile plain(plainPath);
    if (!plain.open(QIODevice::WriteOnly))
        return {{}, u"Cannot write %1: %2"_s.arg(plainPath, plain.errorString()), false, false};
    if (!matches(crypto::AttachmentCipher::decrypt(blob, plain, key, blobSha256))) {
        plain.cancelWriting();
        return {{}, damaged, true, false};
    }
    if (!plain.commit())
        return {{}, u"Cannot write %1: %2"_s.arg(plainPath, plain.errorString()), false, false};
    blob.close();
    QFile::remove(path); // the blob is of no more use once its plaintext is here
    return {plainPath, {}, false, false};
}

void DownloadJob::verify()
{
    if (m_stop->load())
        return; // cancelled
    setState(TransferState::Verifying);
    const QString path = m_partialPath;
    const Attachment attachment = m_attachment;
    const std::optional<ImageCache> cache = m_cache;
    const auto stop = m_stop;
    runInBackground<CheckedDownload>(
            newAttempt(),
            [path, attachment, cache, stop] { return check(path, attachment, cache, stop.get()); },
            [this](CheckedDownload checked) {
                if (!checked.error.isEmpty()) {
                    if (checked.damaged) {
                        QFile::remove(m_partialPath);
                        setProgress(0, storedSize());
                    }
                    setState(TransferState::Failed, checked.error);
                    return;
                }
                QString error;
                if (!checked.inPlace && !moveInto(checked.file, m_destination, &error)) {
                    setState(TransferState::Failed, error);
                    return;
                }
                m_localPath = m_destination;
                setProgress(storedSize(), storedSize());
                setState(TransferState::Done);
                Q_EMIT finished();
            });
}

void DownloadJob::retry()
{
    if (isActive() && m_state != TransferState::Waiting)
        return;
    m_failures = 0;
    m_renewed = false;
    request();
}

void DownloadJob::cancel()
{
    m_stop->store(true);
    abortAttempt();
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
    }
    m_partial.close();
    if (m_state != TransferState::Done)
        QFile::remove(m_partialPath);
    Q_EMIT cancelled();
}

// ---- TransferListModel ------------------------------------------------------------------

TransferListModel::TransferListModel(ApiClient *api, QObject *parent)
    : QAbstractListModel(parent)
    , m_api(api)
{}

TransferListModel::~TransferListModel()
{
    abortAll();
}

int TransferListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_jobs.size());
}

QHash<int, QByteArray> TransferListModel::roleNames() const
{
    return {
            {TransferIdRole, "transferId"},
            {IsUploadRole, "isUpload"},
            {NameRole, "name"},
            {PeerIdRole, "peerId"},
            {ClientIdRole, "clientId"},
            {FileIdRole, "fileId"},
            {StateRole, "transferState"},
            {BytesDoneRole, "bytesDone"},
            {BytesTotalRole, "bytesTotal"},
            {ProgressRole, "progress"},
            {ProgressTextRole, "progressText"},
            {ErrorRole, "error"},
            {LocalFileRole, "localFile"},
    };
}

QVariant TransferListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const FileTransfer *job = m_jobs.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return job->name();
    case TransferIdRole:
        return job->id();
    case IsUploadRole:
        return job->kind() == FileTransfer::Kind::Upload;
    case PeerIdRole:
        return job->peerId();
    case ClientIdRole:
        return job->clientId();
    case FileIdRole:
        return job->fileId();
    case StateRole:
        return int(job->state());
    case BytesDoneRole:
        return job->bytesDone();
    case BytesTotalRole:
        return job->bytesTotal();
    case ProgressRole:
        return job->bytesTotal() > 0 ? qreal(job->bytesDone()) / qreal(job->bytesTotal())
                                     : (job->state() == TransferState::Done ? 1.0 : 0.0);
    case ProgressTextRole:
        return u"%1 of %2"_s.arg(format::byteSize(job->bytesDone()),
                                 format::byteSize(job->bytesTotal()));
    case ErrorRole:
        return job->errorString();
    case LocalFileRole:
        return job->localPath().isEmpty() ? QUrl() : QUrl::fromLocalFile(job->localPath());
    }
    return {};
}

void TransferListModel::setStorageDir(const QString &dir)
{
    m_dir = dir;
}

int TransferListModel::rowOf(const FileTransfer *job) const
{
    return int(m_jobs.indexOf(job));
}

void TransferListModel::add(FileTransfer *job)
{
    const int row = int(m_jobs.size());
    beginInsertRows({}, row, row);
    m_jobs.append(job);
    endInsertRows();
    Q_EMIT countChanged();
    connect(job, &FileTransfer::changed, this, [this, job] {
        const int r = rowOf(job);
        if (r < 0)
            return;
        Q_EMIT dataChanged(index(r), index(r));
        Q_EMIT transferChanged(job->clientId(), job->fileId());
    });
    connect(job, &FileTransfer::cancelled, this, [this, job] { remove(job); });
}

void TransferListModel::remove(FileTransfer *job)
{
    const int r = rowOf(job);
    if (r < 0)
        return;
    beginRemoveRows({}, r, r);
    m_jobs.removeAt(r);
    endRemoveRows();
    Q_EMIT countChanged();
    job->disconnect(this);
    Q_EMIT transferChanged(job->clientId(), job->fileId());
    job->deleteLater();
}

UploadJob *TransferListModel::upload(const QString &path, qint64 peerId, const QString &clientId,
                                     bool encrypt)
{
    QString blob;
    if (encrypt) {
        const QString dir = m_dir.isEmpty()
                ? QStandardPaths::writableLocation(QStandardPaths::TempLocation)
                : QDir(m_dir).filePath(u"partial"_s);
        blob = QDir(dir).filePath(u"up-%1.blob"_s.arg(clientId));
    }
    auto *job = new UploadJob(m_api, path, peerId, clientId, blob, this);
    add(job);
    job->start();
    return job;
}

void TransferListModel::setImageCache(const ImageCache &cache)
{
    QMutexLocker lock(&m_imageCacheLock);
    m_imageCache = cache;
}

ImageCache TransferListModel::imageCache() const
{
    QMutexLocker lock(&m_imageCacheLock);
    return m_imageCache;
}

void TransferListModel::addToCache(const QString &path, const QString &sha256)
{
    const ImageCache cache = imageCache();
    if (!cache.isValid() || cache.contains(sha256))
        return;
    (void)QtConcurrent::run([cache, path, sha256] { cache.store(path, sha256); });
}

DownloadJob *TransferListModel::download(const Attachment &attachment, const QString &destination)
{
    const ImageCache cache = imageCache();
    const QString target = destination.isEmpty() ? cache.pathOf(attachment.sha256) : destination;
    // The same file to the same place: the running job.
    for (FileTransfer *job : std::as_const(m_jobs)) {
        auto *d = qobject_cast<DownloadJob *>(job);
        if (d && d->fileId() == attachment.fileId && d->destination() == target) {
            if (d->state() == TransferState::Failed)
                d->retry();
            if (d->state() != TransferState::Done)
                return d;
        }
    }
    const QString partial = m_dir.isEmpty()
            ? QString()
            : QDir(m_dir).filePath(u"partial/%1-%2.part"_s.arg(
                    attachment.fileId,
                    QString::fromLatin1(
                            QCryptographicHash::hash(target.toUtf8(), QCryptographicHash::Sha1)
                                    .toHex()
                                    .left(12))));
    auto *job = destination.isEmpty() && cache.isValid()
            ? new DownloadJob(m_api, attachment, cache, partial, this)
            : new DownloadJob(m_api, attachment, target, partial, this);
    add(job);
    job->start(); // without a place to write to, it fails at once and says so
    return job;
}

FileTransfer *TransferListModel::find(const QString &transferId) const
{
    for (FileTransfer *job : m_jobs) {
        if (job->id() == transferId)
            return job;
    }
    return nullptr;
}

FileTransfer *TransferListModel::transferFor(const QString &clientId, const QString &fileId) const
{
    FileTransfer *found = nullptr;
    for (FileTransfer *job : m_jobs) {
        if (job->kind() == FileTransfer::Kind::Upload) {
            if (!clientId.isEmpty() && job->clientId() == clientId)
                return job;
        } else if (!fileId.isEmpty() && job->fileId() == fileId) {
            found = job; // the newest wins
        }
    }
    return found;
}

void TransferListModel::cancel(const QString &transferId)
{
    if (FileTransfer *job = find(transferId))
        job->cancel();
}

void TransferListModel::retry(const QString &transferId)
{
    if (FileTransfer *job = find(transferId))
        job->retry();
}

void TransferListModel::clearFinished()
{
    const auto jobs = m_jobs;
    for (FileTransfer *job : jobs) {
        if (job->state() == TransferState::Done || job->state() == TransferState::Failed)
            remove(job);
    }
}

void TransferListModel::abortAll()
{
    if (m_jobs.isEmpty())
        return;
    beginResetModel();
    const auto jobs = m_jobs;
    m_jobs.clear();
    for (FileTransfer *job : jobs) {
        job->disconnect(this);
        delete job; // aborts its request; the server forgets an unused upload in a day
    }
    endResetModel();
    Q_EMIT countChanged();
}

} // namespace fastchat::client
