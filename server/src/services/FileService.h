// SPDX-License-Identifier: MIT
// Uploads and downloads: resumable uploads in chunks at explicit offsets (like tus), a
// size cap and a per-user quota, a SHA-256 for every complete file, reading rights
// (the owner, and the users of a message that refers to the file), and the removal of
// uploads that no message used within a day. Disk work runs on an I/O pool, SQL on the
// store's threads; answers come back on the thread that owns this object.
#pragma once

#include "files/BlobStore.h"

#include <QObject>
#include <QSet>
#include <QThreadPool>
#include <QTimer>

#include <fastchat/FileUpload.h>

#include <functional>

namespace fastchat::server {

class Store;

struct FileLimits
{
    qint64 maxFileBytes = 100LL * 1024 * 1024;
    qint64 quotaBytes = 10LL * 1024 * 1024 * 1024;
    qint64 orphanLifetimeMs = 24LL * 3600 * 1000;
};

// An HTTP-shaped answer: a status, and either the file or a sentence for {"error": ...}.
struct FileOutcome
{
    int status = 200;
    QString error;
    FileUpload file;

    static FileOutcome failure(int status, QString error)
    {
        FileOutcome o;
        o.status = status;
        o.error = std::move(error);
        return o;
    }
    bool ok() const { return error.isEmpty(); }
};

class FileService : public QObject
{
    Q_OBJECT
public:
    static constexpr qint64 maxChunkBytes = 1024 * 1024;

    FileService(Store &store, BlobStore blobs, FileLimits limits, QObject *parent = nullptr);
    ~FileService() override;

    bool prepare(QString *error) { return m_blobs.prepare(error); }
    const FileLimits &limits() const { return m_limits; }

    using Done = std::function<void(FileOutcome)>;
    // 201 with the new upload; 413 over the size cap or the quota.
    void create(qint64 ownerId, const NewUpload &upload, Done done);
    // The owner's view of an upload (its offset), or a readable file's description.
    void describe(qint64 userId, const QString &id, Done done);
    // Appends `bytes` at `offset`, which must be where the upload stands (409 otherwise,
    // with the file so the client learns the right offset). The last chunk completes the
    // file: 422 (and the upload starts over) when it does not match the announced SHA-256.
    void append(qint64 ownerId, const QString &id, qint64 offset, const QByteArray &bytes,
                Done done);
    // Cancels an upload no message refers to (409 when one does).
    void remove(qint64 ownerId, const QString &id, Done done);
    // A complete file `userId` may read, and its bytes opened for reading.
    void open(qint64 userId, const QString &id,
              std::function<void(FileOutcome, std::unique_ptr<QFile>)> done);

    // Removes the uploads older than the orphan lifetime that no message refers to.
    void removeOrphans();

private:
    void finishChunk(const QString &id, qint64 offset, qint64 end, qint64 size,
                     const QString &sha256, const QString &error, const Done &done);
    // Runs `job` on the I/O pool, then `then` on this object's thread.
    void onPool(std::function<void()> job, std::function<void()> then);

    Store &m_store;
    BlobStore m_blobs;
    FileLimits m_limits;
    QThreadPool m_io;
    QSet<QString> m_writing; // uploads with a chunk in flight on this node
    QTimer m_orphanTimer;
};

} // namespace fastchat::server
