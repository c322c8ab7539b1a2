// SPDX-License-Identifier: MIT
// The bytes of uploaded files, on disk under <files dir>/<first two characters of the
// id>/<id>. Paths come only from server-made ids (checked again here), never from a name a
// client sent, so no upload can land outside the folder. Every method is blocking and
// safe to call from any thread: the file service runs them on its I/O pool.
#pragma once

#include <QByteArray>
#include <QFile>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

namespace fastchat::server {

class BlobStore
{
public:
    explicit BlobStore(QString directory);

    // Creates the folder (mode 0700) if needed.
    bool prepare(QString *error) const;
    const QString &directory() const { return m_directory; }

    // A new random id: 128 bits, URL-safe base64 without padding (22 characters).
    static QString newId();

    // Writes `bytes` at `offset`, first cutting away whatever lies past `offset` (left by
    // a write whose answer never reached the database), and waits until they are on disk.
    bool write(const QString &id, qint64 offset, const QByteArray &bytes, QString *error) const;
    // Cuts the blob to `size` bytes (0 starts it over); creates it when missing.
    bool truncate(const QString &id, qint64 size, QString *error) const;
    // Lower-case hex SHA-256 of the whole blob, read in pieces.
    std::optional<QString> sha256(const QString &id, QString *error) const;
    // Opened for reading, or null.
    std::unique_ptr<QFile> open(const QString &id) const;
    void remove(const QString &id) const;

private:
    QString pathOf(const QString &id) const;
    QString m_directory;
};

} // namespace fastchat::server
