// SPDX-License-Identifier: MIT
// "image://fastchat-images/<sha256>": the window's pictures from the image cache
// (ImageCache), decrypted in memory on Qt Quick's image thread and decoded at the size the
// view asks for. Nothing decrypted is written anywhere.
#pragma once

#include <QQuickImageProvider>

namespace fastchat::client {

class TransferListModel;

class ImageCacheProvider : public QQuickImageProvider
{
public:
    // `transfers` must outlive the engine the provider is added to.
    explicit ImageCacheProvider(const TransferListModel *transfers);

    QImage requestImage(const QString &id, QSize *size, const QSize &requestedSize) override;

private:
    const TransferListModel *m_transfers;
};

} // namespace fastchat::client
