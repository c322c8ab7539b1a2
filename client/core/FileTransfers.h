// SPDX-License-Identifier: MIT
// Uploads and downloads of files (docs/protocol.md, Files), each a job with progress, cancel
// and retry, all of them listed in a TransferListModel that QML and the message models read.
//
// An upload first looks at the file on a worker thread (size, MIME type from QMimeDatabase,
// SHA-256 read piece by piece, and for images the size in pixels and a thumbnail of at most
// 8 KiB), announces it with POST /files (with the SHA-256, so that the server checks the
// whole), then sends it in 1 MiB chunks with PATCH, reading one chunk at a time. A 409 moves
// to the server's offset; a network error waits (1 s, 2 s, 4 s ... 30 s) and asks GET
// /files/{id} where to go on. Cancel aborts the request and deletes the upload.
//
// A download streams GET /files/{id}/content into a partial file (a Range request continues
// a partial one), checks the SHA-256 against the attachment's, then moves the file into
// place: images into the image cache (ImageCache, sealed when encryption is on), files where
// the user chose.
//
// End-to-end encrypted (docs/e2ee.md): an upload to a peer with a session first encrypts the
// file into a blob beside the partial downloads (crypto::AttachmentCipher, a fresh key) and
// sends that blob, announced without a name and as application/octet-stream; the key, the
// blob's SHA-256 and everything else about the file go into the encrypted message. A download
// of such an attachment checks the blob's SHA-256, decrypts it into a second partial file,
// checks the plaintext's SHA-256, and only then moves the file into place.
#pragma once

#include "ImageCache.h"

#include <QAbstractListModel>
#include <QFile>
#include <QMutex>
#include <QPointer>
#include <QTimer>
#include <QtQml/qqmlregistration.h>

#include <fastchat/Attachment.h>
#include <fastchat/FileUpload.h>

#include <atomic>
#include <memory>
#include <optional>

class QImage;
class QNetworkReply;

namespace fastchat::client {

class ApiClient;
struct ApiError;

namespace TransferState {
Q_NAMESPACE
QML_ELEMENT

enum State {
    None,      // no transfer
    Preparing, // reading the file (hash, thumbnail) before the upload
    Running,   // bytes are moving
    Waiting,   // a network error: trying again soon
    Verifying, // the download is complete; its SHA-256 is being checked
    Failed,    // stopped; can be retried
    Done,
};
Q_ENUM_NS(State)

} // namespace TransferState

// What an upload needs to know about a local file; made on a worker thread.
struct PreparedFile
{
    QString error; // empty when fine
    QString path;
    QString name;
    QString mimeType;
    qint64 size = 0;
    QString sha256;
    int width = 0; // images only
    int height = 0;
    QByteArray thumbnail; // JPEG, at most Attachment::maxThumbnailBytes
    // An encrypted upload: the blob that is sent instead of the file, and its key.
    QString blobPath;
    QByteArray key;
    qint64 blobSize = 0;
    QString blobSha256;

    bool isImage() const { return width > 0 && height > 0; }
    bool isEncrypted() const { return !key.isEmpty(); }
    // What goes to the server: the blob when encrypted, else the file.
    QString uploadPath() const { return isEncrypted() ? blobPath : path; }
    qint64 uploadSize() const { return isEncrypted() ? blobSize : size; }
    QString uploadSha256() const { return isEncrypted() ? blobSha256 : sha256; }

    // Reads the file piece by piece; `cancelled` stops early. Without `hash` the SHA-256 is
    // left for encryptInto(), which reads the file anyway.
    static PreparedFile inspect(const QString &path, const std::atomic_bool *cancelled = nullptr,
                                bool hash = true);
    // Encrypts the file into `blobPath` with a fresh key; fills in the blob's fields, and the
    // file's size and SHA-256 as they were read (sets error on failure).
    void encryptInto(const QString &blobPath);
    // A JPEG of the image that fits in maxBytes: smaller and more compressed until it does.
    static QByteArray thumbnailOf(const QImage &image, qsizetype maxBytes);
};

// The SHA-256 of a file as lower-case hex, read piece by piece ("" when unreadable).
QString sha256OfFile(const QString &path, const std::atomic_bool *cancelled = nullptr);

class FileTransfer : public QObject
{
    Q_OBJECT

public:
    enum class Kind { Upload, Download };

    FileTransfer(Kind kind, ApiClient *api, QObject *parent);
    ~FileTransfer() override;

    Kind kind() const { return m_kind; }
    QString id() const { return m_id; }
    QString name() const { return m_name; }
    QString fileId() const { return m_fileId; }
    QString clientId() const { return m_clientId; }
    qint64 peerId() const { return m_peerId; }
    qint64 bytesDone() const { return m_done; }
    qint64 bytesTotal() const { return m_total; }
    TransferState::State state() const { return m_state; }
    QString errorString() const { return m_error; }
    // Where the file is on this computer (uploads: the source; downloads: once done).
    QString localPath() const { return m_localPath; }
    bool isActive() const;

    virtual void start() = 0;
    // After a failure: go on from where the server (or the partial file) stands.
    virtual void retry() = 0;
    // Stops for good; an upload is deleted on the server. The job is gone afterwards.
    virtual void cancel() = 0;

    // Network errors in a row before the transfer gives up (Failed; Retry starts again).
    static constexpr int maxAttempts = 8;
    static int backoffMs(int failures);

Q_SIGNALS:
    void changed();
    void finished(); // Done
    void cancelled();

protected:
    void setState(TransferState::State state, const QString &error = {});
    void setProgress(qint64 done, qint64 total);
    // Schedules `again` after a network error with backoff, or fails after maxAttempts.
    void networkTrouble(const ApiError &error, std::function<void()> again);
    // A fresh context for one request: deleting it (newAttempt() or abortAttempt()) aborts.
    QObject *newAttempt();
    void abortAttempt();

    ApiClient *m_api;
    Kind m_kind;
    QString m_id;
    QString m_name;
    QString m_fileId;
    QString m_clientId;
    qint64 m_peerId = 0;
    qint64 m_done = 0;
    qint64 m_total = 0;
    TransferState::State m_state = TransferState::None;
    QString m_error;
    QString m_localPath;
    int m_failures = 0;
    QTimer m_backoff;
    QPointer<QObject> m_attempt;
    std::shared_ptr<std::atomic_bool> m_stop; // tells worker threads to stop
};

class UploadJob : public FileTransfer
{
    Q_OBJECT

public:
    // With a `blobPath` the file is end-to-end encrypted into it and the blob is sent.
    UploadJob(ApiClient *api, const QString &path, qint64 peerId, const QString &clientId,
              const QString &blobPath = {}, QObject *parent = nullptr);
    ~UploadJob() override;

    void start() override;
    void retry() override;
    void cancel() override;

    const PreparedFile &file() const { return m_file; }
    // The server's record once Done (complete, with its SHA-256).
    FileUpload upload() const { return m_upload; }
    // The message content once Done.
    Attachment attachment() const;
    // For tests: how often it asked the server where to go on, and the bytes it sent.
    int resumes() const { return m_resumes; }
    qint64 bytesSent() const { return m_sent; }

Q_SIGNALS:
    void prepared(); // file() is filled in

private:
    void prepare();
    void create();
    void askOffset();
    void sendChunk();
    void onChunk(const FileUpload *answer, qint64 serverOffset, const ApiError &error);
    void complete(const FileUpload &upload);
    static void deleteUpload(ApiClient *api, const QString &fileId, int attempt);

    PreparedFile m_file;
    QString m_blobPath; // "" : sent as it is
    FileUpload m_upload;
    QFile m_source;
    int m_resumes = 0;
    qint64 m_sent = 0;
    int m_restarts = 0; // 422: the file changed while it was sent
};

class DownloadJob : public FileTransfer
{
    Q_OBJECT

public:
    // Downloads the attachment to `destination` (replacing a file there) through
    // `partialPath`, which a later job for the same file continues.
    DownloadJob(ApiClient *api, const Attachment &attachment, const QString &destination,
                const QString &partialPath, QObject *parent = nullptr);
    // Downloads the picture into the image cache (an encrypted one is decrypted in memory
    // and sealed again for the cache: its plaintext never lands on disk).
    DownloadJob(ApiClient *api, const Attachment &attachment, const ImageCache &cache,
                const QString &partialPath, QObject *parent = nullptr);

    void start() override;
    void retry() override;
    void cancel() override;

    Attachment attachment() const { return m_attachment; }
    QString destination() const { return m_destination; }
    // For tests: the offset of the last request (0: from the start).
    qint64 lastRequestFrom() const { return m_from; }

private:
    void request();
    void onReadyRead();
    void onFinished();
    void verify();
    // Off the GUI thread: the downloaded file checked (and decrypted when it is encrypted).
    struct CheckedDownload
    {
        QString file;  // ready to move into place
        QString error; // why not
        bool damaged;  // the partial download is useless: the next try starts from 0
        bool inPlace;  // already where it belongs (the image cache)
    };
    static CheckedDownload check(const QString &path, const Attachment &attachment,
                                 const std::optional<ImageCache> &cache,
                                 const std::atomic_bool *cancelled);
    // The bytes the server holds (the blob when encrypted).
    qint64 storedSize() const { return m_attachment.storedSize(); }

    Attachment m_attachment;
    std::optional<ImageCache> m_cache; // downloads into the image cache
    QString m_destination;
    QString m_partialPath;
    QFile m_partial;
    QPointer<QNetworkReply> m_reply;
    qint64 m_from = 0;
    bool m_renewed = false;
};

// Every transfer of the signed-in user, newest last. QML reads the rows; the message models
// ask transferFor() about their rows.
class TransferListModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("the ChatClient has the one list of transfers")
    Q_PROPERTY(int count READ count NOTIFY countChanged)

public:
    enum Role {
        TransferIdRole = Qt::UserRole + 1, // QString
        IsUploadRole,                      // bool
        NameRole,                          // QString: the file's name
        PeerIdRole,                        // qint64
        ClientIdRole,                      // QString: the message of an upload
        FileIdRole,                        // QString ("" until an upload is announced)
        StateRole,                         // TransferState::State
        BytesDoneRole,                     // qint64
        BytesTotalRole,                    // qint64
        ProgressRole,                      // qreal 0..1
        ProgressTextRole,                  // QString: "1.2 MB of 5.0 MB"
        ErrorRole,                         // QString
        LocalFileRole,                     // QUrl: the file on this computer, when there is one
    };
    Q_ENUM(Role)

    explicit TransferListModel(ApiClient *api, QObject *parent = nullptr);
    ~TransferListModel() override;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;
    int count() const { return int(m_jobs.size()); }

    // Where cached images and partial downloads live ("" : nowhere yet; downloads fail).
    void setStorageDir(const QString &dir);
    QString storageDir() const { return m_dir; }

    // `encrypt`: end to end, for a peer with a session (the key goes into the message).
    UploadJob *upload(const QString &path, qint64 peerId, const QString &clientId,
                      bool encrypt = false);
    // The image cache (empty until signed in). A copy, under a lock: the window's image
    // provider asks from its own thread.
    void setImageCache(const ImageCache &cache);
    ImageCache imageCache() const;
    // A download to `destination`; an empty destination means the image cache.
    DownloadJob *download(const Attachment &attachment, const QString &destination = {});
    // Puts a copy of a local file (an image I sent) into the cache, in the background.
    void addToCache(const QString &path, const QString &sha256);

    FileTransfer *find(const QString &transferId) const;
    // The transfer a message shows: my upload by client_id, else the newest download of
    // its file.
    FileTransfer *transferFor(const QString &clientId, const QString &fileId) const;

    Q_INVOKABLE void cancel(const QString &transferId);
    Q_INVOKABLE void retry(const QString &transferId);
    // Removes finished and failed rows.
    Q_INVOKABLE void clearFinished();
    // Stops everything (signing out); uploads are not deleted on the server.
    void abortAll();
    void remove(FileTransfer *job);

Q_SIGNALS:
    void countChanged();
    // A transfer of this message (client_id) or file changed.
    void transferChanged(const QString &clientId, const QString &fileId);

private:
    void add(FileTransfer *job);
    int rowOf(const FileTransfer *job) const;

    ApiClient *m_api;
    QString m_dir;
    mutable QMutex m_imageCacheLock;
    ImageCache m_imageCache;
    QList<FileTransfer *> m_jobs;
};

} // namespace fastchat::client
