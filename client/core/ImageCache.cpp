// SPDX-License-Identifier: MIT
#include "ImageCache.h"

#include "Logging.h"

#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <fastchat/FileUpload.h>
#include <fastchat/crypto/AttachmentCipher.h>

using namespace Qt::StringLiterals;

namespace fastchat::client {

ImageCache::ImageCache(const QString &dir, crypto::SecretBytes key)
    : m_dir(dir)
    , m_key(std::move(key))
{}

QString ImageCache::pathOf(const QString &sha256) const
{
    if (m_dir.isEmpty() || !FileUpload::isValidSha256(sha256))
        return {};
    // Sealed and plain files have different names: switching encryption on or off never
    // reads one as the other.
    return QDir(m_dir).filePath(sha256 + (isSealed() ? u".sealed"_s : u".image"_s));
}

bool ImageCache::contains(const QString &sha256) const
{
    const QString path = pathOf(sha256);
    return !path.isEmpty() && QFileInfo::exists(path);
}

QUrl ImageCache::urlOf(const QString &sha256)
{
    return QUrl(u"%1://%2/%3"_s.arg(QLatin1StringView(urlScheme), QLatin1StringView(providerId),
                                    sha256));
}

QString ImageCache::sha256OfUrlId(const QString &id)
{
    return FileUpload::isValidSha256(id) ? id : QString();
}

namespace {

bool failed(QString *error, const QString &why)
{
    if (error)
        *error = why;
    qCWarning(lcTransfers) << "cannot keep an image in the cache:" << why;
    return false;
}

} // namespace

bool ImageCache::store(const QString &plainPath, const QString &sha256, QString *error) const
{
    if (contains(sha256))
        return true;
    QFile source(plainPath);
    if (!source.open(QIODevice::ReadOnly))
        return failed(error, u"cannot read %1: %2"_s.arg(plainPath, source.errorString()));
    return store(source, sha256, error);
}

bool ImageCache::store(QIODevice &source, const QString &sha256, QString *error) const
{
    auto fail = [error](const QString &why) { return failed(error, why); };
    const QString target = pathOf(sha256);
    if (target.isEmpty())
        return fail(u"no cache folder"_s);
    if (QFileInfo::exists(target))
        return true;
    QDir().mkpath(m_dir);
    QSaveFile out(target);
    if (!out.open(QIODevice::WriteOnly))
        return fail(u"cannot write %1: %2"_s.arg(target, out.errorString()));
    if (isSealed()) {
        const auto sealed = crypto::AttachmentCipher::encrypt(source, out, m_key);
        if (!sealed) {
            out.cancelWriting();
            return fail(sealed.error());
        }
    } else {
        QByteArray buffer(256 * 1024, Qt::Uninitialized);
        qint64 n = 0;
        while ((n = source.read(buffer.data(), buffer.size())) > 0) {
            if (out.write(buffer.constData(), n) != n) {
                out.cancelWriting();
                return fail(out.errorString());
            }
        }
        if (n < 0) {
            out.cancelWriting();
            return fail(source.errorString());
        }
    }
    if (!out.commit())
        return fail(out.errorString());
    return true;
}

QByteArray ImageCache::read(const QString &sha256) const
{
    QFile file(pathOf(sha256));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    if (!isSealed())
        return file.readAll();
    QByteArray plain;
    QBuffer buffer(&plain);
    buffer.open(QIODevice::WriteOnly);
    const auto opened = crypto::AttachmentCipher::decrypt(file, buffer, m_key);
    if (!opened || QString::fromLatin1(opened->plaintextSha256.toHex()) != sha256) {
        qCWarning(lcTransfers) << "a cached image does not open; it goes:"
                               << (opened ? u"its hash differs"_s : opened.error());
        crypto::wipe(plain);
        file.close();
        QFile::remove(file.fileName());
        return {};
    }
    return plain;
}

} // namespace fastchat::client
