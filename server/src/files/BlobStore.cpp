// SPDX-License-Identifier: MIT
#include "BlobStore.h"

#include "app/Logging.h"

#include <QCryptographicHash>
#include <QDir>
#include <QRandomGenerator>

#include <fastchat/FileUpload.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace fastchat::server {

namespace {

constexpr QFileDevice::Permissions ownerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner;

} // namespace

BlobStore::BlobStore(QString directory)
    : m_directory(std::move(directory))
{}

bool BlobStore::prepare(QString *error) const
{
    if (!QDir().mkpath(m_directory)) {
        *error = u"cannot create the files folder %1"_s.arg(m_directory);
        return false;
    }
    QFile::setPermissions(m_directory, ownerOnly | QFileDevice::ExeOwner);
    return true;
}

QString BlobStore::newId()
{
    quint32 words[4];
    QRandomGenerator::system()->fillRange(words);
    const QByteArray bytes(reinterpret_cast<const char *>(words), sizeof words);
    return QString::fromLatin1(
            bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

QString BlobStore::pathOf(const QString &id) const
{
    // Ids are checked when they arrive; checked again here because this is where a bad
    // one would do harm.
    if (!FileUpload::isValidId(id) || id.size() < 3)
        return {};
    return m_directory + u'/' + id.left(2) + u'/' + id;
}

bool BlobStore::truncate(const QString &id, qint64 size, QString *error) const
{
    const QString path = pathOf(id);
    if (path.isEmpty()) {
        *error = u"bad file id"_s;
        return false;
    }
    QDir().mkpath(QFileInfo(path).path());
    QFile file(path);
    if (!file.open(QIODevice::ReadWrite) || !file.resize(size)) {
        *error = file.errorString();
        return false;
    }
    file.setPermissions(ownerOnly);
    return true;
}

bool BlobStore::write(const QString &id, qint64 offset, const QByteArray &bytes,
                      QString *error) const
{
    const QString path = pathOf(id);
    if (path.isEmpty()) {
        *error = u"bad file id"_s;
        return false;
    }
    QDir().mkpath(QFileInfo(path).path());
    QFile file(path);
    if (!file.open(QIODevice::ReadWrite)) {
        *error = file.errorString();
        return false;
    }
    if (file.size() < offset) {
        *error = u"the blob is shorter (%1 bytes) than the upload's offset %2"_s.arg(file.size())
                         .arg(offset);
        return false;
    }
    if (!file.resize(offset) || !file.seek(offset) || file.write(bytes) != bytes.size()
        || !file.flush()) {
        *error = file.errorString();
        return false;
    }
    // The client is told "received up to here" only once the bytes would survive a crash.
    if (::fdatasync(file.handle()) != 0) {
        *error = u"fdatasync failed"_s;
        return false;
    }
    return true;
}

std::optional<QString> BlobStore::sha256(const QString &id, QString *error) const
{
    const std::unique_ptr<QFile> file = open(id);
    if (!file) {
        *error = u"the blob of %1 is missing"_s.arg(id);
        return std::nullopt;
    }
    QCryptographicHash hash(QCryptographicHash::Sha256);
    if (!hash.addData(file.get())) {
        *error = file->errorString();
        return std::nullopt;
    }
    return QString::fromLatin1(hash.result().toHex());
}

std::unique_ptr<QFile> BlobStore::open(const QString &id) const
{
    const QString path = pathOf(id);
    if (path.isEmpty())
        return nullptr;
    auto file = std::make_unique<QFile>(path);
    if (!file->open(QIODevice::ReadOnly))
        return nullptr;
    return file;
}

void BlobStore::remove(const QString &id) const
{
    const QString path = pathOf(id);
    if (!path.isEmpty() && QFile::exists(path) && !QFile::remove(path))
        qCWarning(lcStore) << "could not remove the blob" << path;
}

} // namespace fastchat::server
