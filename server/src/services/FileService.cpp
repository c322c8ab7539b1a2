// SPDX-License-Identifier: MIT
#include "FileService.h"

#include "app/Logging.h"
#include "store/FileQueries.h"
#include "store/SqlSession.h"
#include "store/Store.h"

#include <QDateTime>

using namespace Qt::StringLiterals;

namespace fastchat::server {

namespace {

const QString emptySha256 = u"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"_s;

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

FileOutcome storeFailure(const StoreError &error)
{
    switch (error.kind) {
    case StoreError::NotFound:
        return FileOutcome::failure(404, u"no such file"_s);
    case StoreError::Conflict:
        return FileOutcome::failure(409, error.message);
    case StoreError::Unavailable:
        return FileOutcome::failure(503, error.message);
    default:
        return FileOutcome::failure(500, u"internal error"_s);
    }
}

FileOutcome found(FileUpload file, int status = 200)
{
    FileOutcome o;
    o.status = status;
    o.file = std::move(file);
    return o;
}

} // namespace

FileService::FileService(Store &store, BlobStore blobs, FileLimits limits, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_blobs(std::move(blobs))
    , m_limits(limits)
{
    // Disk writes wait for fdatasync; two at a time keep a slow disk from holding up all.
    m_io.setMaxThreadCount(2);
    m_orphanTimer.setInterval(
            int(std::clamp<qint64>(m_limits.orphanLifetimeMs / 2, 1000, 3600 * 1000)));
    connect(&m_orphanTimer, &QTimer::timeout, this, &FileService::removeOrphans);
    m_orphanTimer.start();
}

FileService::~FileService()
{
    m_io.waitForDone();
}

void FileService::onPool(std::function<void()> job, std::function<void()> then)
{
    m_io.start([this, job = std::move(job), then = std::move(then)] {
        job();
        QMetaObject::invokeMethod(this, then, Qt::QueuedConnection);
    });
}

void FileService::create(qint64 ownerId, const NewUpload &upload, Done done)
{
    if (upload.size > m_limits.maxFileBytes) {
        done(FileOutcome::failure(413,
                                  u"a file may be at most %1 bytes"_s.arg(m_limits.maxFileBytes)));
        return;
    }
    if (upload.size == 0 && !upload.sha256.isEmpty() && upload.sha256 != emptySha256) {
        done(FileOutcome::failure(422, u"an empty file has the SHA-256 %1"_s.arg(emptySha256)));
        return;
    }
    FileUpload file;
    file.id = BlobStore::newId();
    file.ownerId = ownerId;
    file.name = upload.name;
    file.mimeType = upload.mimeType;
    file.size = upload.size;
    file.createdAt = QDateTime::fromMSecsSinceEpoch(nowMs(), Qt::UTC);
    const qint64 quota = m_limits.quotaBytes;
    const QString expected = upload.sha256;
    // An empty blob first: an empty file is complete at once, and every upload has one.
    auto blobError = std::make_shared<QString>();
    onPool([this, id = file.id, blobError] { m_blobs.truncate(id, 0, blobError.get()); },
           [=, this] {
               if (!blobError->isEmpty()) {
                   qCWarning(lcStore) << "cannot create a blob:" << *blobError;
                   done(FileOutcome::failure(500, u"cannot store files right now"_s));
                   return;
               }
               m_store.write<std::optional<FileUpload>>(
                       [=](SqlSession &s) -> Result<std::optional<FileUpload>> {
                           const auto owned = FileQueries::bytesOwned(s, ownerId);
                           if (!owned)
                               return owned.error();
                           if (owned.value() + file.size > quota)
                               return std::optional<FileUpload>();
                           if (const auto created = FileQueries::create(s, file, expected);
                               !created)
                               return created.error();
                           if (file.size == 0) {
                               if (const auto c = FileQueries::complete(s, file.id, emptySha256,
                                                                        nowMs());
                                   !c)
                                   return c.error();
                           }
                           const auto stored = FileQueries::find(s, file.id);
                           if (!stored)
                               return stored.error();
                           return std::optional<FileUpload>(stored.value());
                       },
                       [=, this](Result<std::optional<FileUpload>> result) {
                           if (!result || !result.value())
                               onPool([this, id = file.id] { m_blobs.remove(id); }, [] {});
                           if (!result)
                               done(storeFailure(result.error()));
                           else if (!result.value())
                               done(FileOutcome::failure(
                                       413,
                                       u"this upload would pass your quota of %1 bytes"_s.arg(
                                               quota)));
                           else
                               done(found(*result.value(), 201));
                       });
           });
}

void FileService::describe(qint64 userId, const QString &id, Done done)
{
    m_store.read<FileUpload>(
            [=](SqlSession &s) { return FileQueries::findReadable(s, id, userId); },
            [done](Result<FileUpload> file) {
                done(file ? found(file.value()) : storeFailure(file.error()));
            });
}

void FileService::append(qint64 ownerId, const QString &id, qint64 offset, const QByteArray &bytes,
                         Done done)
{
    if (m_writing.contains(id)) {
        done(FileOutcome::failure(409, u"another chunk of this upload is still being written"_s));
        return;
    }
    m_store.read<FileUpload>(
            [id](SqlSession &s) { return FileQueries::find(s, id); },
            [=, this](Result<FileUpload> result) {
                if (!result || result->ownerId != ownerId) {
                    done(FileOutcome::failure(404, u"no such upload"_s));
                    return;
                }
                const FileUpload file = result.value();
                if (file.complete) {
                    FileOutcome o = found(file, 409);
                    o.error = u"the upload is already complete"_s;
                    done(o);
                    return;
                }
                if (offset != file.offset) {
                    FileOutcome o = found(file, 409);
                    o.error = u"the upload is at offset %1, not %2"_s.arg(file.offset).arg(offset);
                    done(o);
                    return;
                }
                if (bytes.size() > file.size - offset) {
                    done(FileOutcome::failure(
                            400,
                            u"the chunk goes past the upload's size of %1 bytes"_s.arg(file.size)));
                    return;
                }
                if (bytes.isEmpty()) {
                    done(found(file));
                    return;
                }
                if (m_writing.contains(id)) {
                    done(FileOutcome::failure(
                            409, u"another chunk of this upload is still being written"_s));
                    return;
                }
                m_writing.insert(id);
                const qint64 end = offset + bytes.size();
                auto sha256 = std::make_shared<QString>();
                auto error = std::make_shared<QString>();
                onPool(
                        [=, this] {
                            if (!m_blobs.write(id, offset, bytes, error.get()))
                                return;
                            if (end == file.size)
                                *sha256 = m_blobs.sha256(id, error.get()).value_or(QString());
                        },
                        [=, this] {
                            finishChunk(id, offset, end, file.size, *sha256, *error, done);
                        });
            });
}

void FileService::finishChunk(const QString &id, qint64 offset, qint64 end, qint64 size,
                              const QString &sha256, const QString &error, const Done &done)
{
    if (!error.isEmpty()) {
        m_writing.remove(id);
        qCWarning(lcStore) << "writing a chunk of" << id << "failed:" << error;
        done(FileOutcome::failure(500, u"the chunk could not be stored; send it again"_s));
        return;
    }
    struct Step
    {
        FileUpload file;
        QString expected; // set when the complete file did not match it
    };
    m_store.write<Step>(
            [=](SqlSession &s) -> Result<Step> {
                if (const auto moved = FileQueries::advance(s, id, offset, end); !moved)
                    return moved.error();
                Step step;
                if (end == size) {
                    const auto expected = FileQueries::expectedSha256(s, id);
                    if (!expected)
                        return expected.error();
                    if (!expected->isEmpty() && expected.value() != sha256) {
                        if (const auto r = FileQueries::restart(s, id); !r)
                            return r.error();
                        step.expected = expected.value();
                    } else if (const auto c = FileQueries::complete(s, id, sha256, nowMs()); !c) {
                        return c.error();
                    }
                }
                const auto file = FileQueries::find(s, id);
                if (!file)
                    return file.error();
                step.file = file.value();
                return step;
            },
            [=, this](Result<Step> step) {
                if (!step) {
                    m_writing.remove(id);
                    done(storeFailure(step.error()));
                    return;
                }
                if (step->expected.isEmpty()) {
                    m_writing.remove(id);
                    done(found(step->file));
                    return;
                }
                FileOutcome o = found(step->file, 422);
                o.error = u"the file's SHA-256 is %1, not the announced %2; the upload starts over"_s
                                  .arg(sha256, step->expected);
                onPool(
                        [this, id] {
                            QString ignored;
                            m_blobs.truncate(id, 0, &ignored);
                        },
                        [this, id, o, done] {
                            m_writing.remove(id);
                            done(o);
                        });
            });
}

void FileService::remove(qint64 ownerId, const QString &id, Done done)
{
    if (m_writing.contains(id)) {
        done(FileOutcome::failure(409, u"a chunk of this upload is still being written"_s));
        return;
    }
    m_store.write<FileUpload>(
            [=](SqlSession &s) -> Result<FileUpload> {
                const auto file = FileQueries::find(s, id);
                if (!file || file->ownerId != ownerId)
                    return notFound(u"no such file"_s);
                if (const auto removed = FileQueries::removeUnreferenced(s, id, ownerId); !removed)
                    return removed.error();
                return file;
            },
            [=, this](Result<FileUpload> file) {
                if (!file) {
                    done(storeFailure(file.error()));
                    return;
                }
                onPool([this, id] { m_blobs.remove(id); },
                       [done, file] { done(found(file.value())); });
            });
}

void FileService::open(qint64 userId, const QString &id,
                       std::function<void(FileOutcome, std::unique_ptr<QFile>)> done)
{
    m_store.read<FileUpload>(
            [=](SqlSession &s) { return FileQueries::findReadable(s, id, userId); },
            [this, done](Result<FileUpload> file) {
                if (!file) {
                    done(storeFailure(file.error()), nullptr);
                    return;
                }
                if (!file->complete) {
                    FileOutcome o = found(file.value(), 409);
                    o.error = u"the upload is not complete yet"_s;
                    done(o, nullptr);
                    return;
                }
                std::unique_ptr<QFile> blob = m_blobs.open(file->id);
                if (!blob || blob->size() != file->size) {
                    qCWarning(lcStore) << "the blob of file" << file->id << "is missing or damaged";
                    done(FileOutcome::failure(500, u"the file's bytes are missing"_s), nullptr);
                    return;
                }
                done(found(file.value()), std::move(blob));
            });
}

void FileService::removeOrphans()
{
    const qint64 cutoff = nowMs() - m_limits.orphanLifetimeMs;
    m_store.write<QStringList>(
            [cutoff](SqlSession &s) { return FileQueries::removeOrphans(s, cutoff); },
            [this](Result<QStringList> ids) {
                if (!ids) {
                    qCWarning(lcStore) << "removing unused uploads failed:" << ids.error().message;
                    return;
                }
                if (ids->isEmpty())
                    return;
                qCInfo(lcStore) << "removing" << ids->size() << "uploads no message used";
                onPool(
                        [this, list = ids.value()] {
                            for (const QString &id : list)
                                m_blobs.remove(id);
                        },
                        [] {});
            });
}

} // namespace fastchat::server
