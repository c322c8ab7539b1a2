// SPDX-License-Identifier: MIT
#include "SecretFile.h"

#include <QFile>
#include <QSaveFile>

#include <sodium.h>

using namespace Qt::StringLiterals;

namespace fastchat::server::SecretFile {

QByteArray loadOrCreate(const QString &path, bool create, QString *error)
{
    QFile file(path);
    if (file.exists()) {
        if (!file.open(QIODevice::ReadOnly)) {
            *error = u"cannot read the secret file %1: %2"_s.arg(path, file.errorString());
            return {};
        }
        const QByteArray secret = file.readAll().trimmed();
        if (secret.size() < minimumBytes) {
            *error = u"the secret in %1 is shorter than %2 bytes"_s.arg(path).arg(minimumBytes);
            return {};
        }
        return secret;
    }
    if (!create) {
        *error = u"the secret file %1 does not exist"_s.arg(path);
        return {};
    }
    QByteArray raw(32, Qt::Uninitialized);
    randombytes_buf(raw.data(), size_t(raw.size()));
    const QByteArray secret = raw.toBase64();
    QSaveFile out(path);
    // Restrict the mode before a single byte of the secret is written.
    if (!out.open(QIODevice::WriteOnly)
        || !out.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)
        || out.write(secret + '\n') != secret.size() + 1 || !out.commit()) {
        *error = u"cannot write the secret file %1: %2"_s.arg(path, out.errorString());
        return {};
    }
    return secret;
}

} // namespace fastchat::server::SecretFile
