// SPDX-License-Identifier: MIT
#include "ImageCacheProvider.h"

#include <QBuffer>
#include <QImageReader>

#include <FileTransfers.h>
#include <ImageCache.h>
#include <fastchat/crypto/SecretBytes.h>

namespace fastchat::client {

ImageCacheProvider::ImageCacheProvider(const TransferListModel *transfers)
    : QQuickImageProvider(QQuickImageProvider::Image,
                          QQmlImageProviderBase::ForceAsynchronousImageLoading)
    , m_transfers(transfers)
{}

QImage ImageCacheProvider::requestImage(const QString &id, QSize *size, const QSize &requestedSize)
{
    // A copy of the cache as it is now (this runs on the image thread).
    const ImageCache cache = m_transfers->imageCache();
    const QString sha256 = ImageCache::sha256OfUrlId(id);
    QByteArray bytes = sha256.isEmpty() ? QByteArray() : cache.read(sha256);
    QImage image;
    {
        QBuffer buffer(&bytes);
        buffer.open(QIODevice::ReadOnly);
        QImageReader reader(&buffer);
        reader.setAutoTransform(true);
        const QSize full = reader.size();
        if (requestedSize.isValid() && full.isValid()
            && (full.width() > requestedSize.width() || full.height() > requestedSize.height())
            && reader.supportsOption(QImageIOHandler::ScaledSize))
            reader.setScaledSize(full.scaled(requestedSize, Qt::KeepAspectRatio));
        image = reader.read();
    }
    crypto::wipe(bytes);
    if (size)
        *size = image.size();
    return image;
}

} // namespace fastchat::client
