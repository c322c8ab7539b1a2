// SPDX-License-Identifier: MIT
#include "PasswordHasher.h"

#include <QPointer>

#include <sodium.h>

namespace fastchat::server {

PasswordHasher::PasswordHasher(Cost cost, QObject *parent)
    : QObject(parent)
{
    switch (cost) {
    case Cost::Interactive:
        m_opsLimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
        m_memLimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;
        break;
    case Cost::Moderate:
        m_opsLimit = crypto_pwhash_OPSLIMIT_MODERATE;
        m_memLimit = crypto_pwhash_MEMLIMIT_MODERATE;
        break;
    case Cost::Minimum:
        m_opsLimit = crypto_pwhash_OPSLIMIT_MIN;
        m_memLimit = crypto_pwhash_MEMLIMIT_MIN;
        break;
    }
    // Two at a time: each takes tens of MiB, and the machine has other work to do.
    m_pool.setMaxThreadCount(2);
    m_dummyHash = hashNow(QByteArrayLiteral("fastchat-dummy-password"));
}

QString PasswordHasher::hashNow(const QByteArray &password) const
{
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(out, password.constData(), size_t(password.size()), m_opsLimit,
                          m_memLimit)
        != 0)
        return {}; // out of memory
    return QString::fromLatin1(out);
}

void PasswordHasher::hash(const QString &password, std::function<void(QString)> done)
{
    QPointer<PasswordHasher> self(this);
    const QByteArray utf8 = password.toUtf8();
    m_pool.start([this, self, utf8, done = std::move(done)] {
        QString h = hashNow(utf8);
        QMetaObject::invokeMethod(
                this,
                [self, done, h] {
                    if (self)
                        done(h);
                },
                Qt::QueuedConnection);
    });
}

void PasswordHasher::verify(const QString &password, const QString &storedHash,
                            std::function<void(bool, bool)> done)
{
    QPointer<PasswordHasher> self(this);
    const QByteArray utf8 = password.toUtf8();
    const bool known = !storedHash.isEmpty();
    const QByteArray hash = (known ? storedHash : m_dummyHash).toLatin1();
    m_pool.start([this, self, utf8, hash, known, done = std::move(done)] {
        const bool matches = crypto_pwhash_str_verify(hash.constData(), utf8.constData(),
                                                      size_t(utf8.size()))
                        == 0
                && known;
        const bool rehash = matches
                && crypto_pwhash_str_needs_rehash(hash.constData(), m_opsLimit, m_memLimit) != 0;
        QMetaObject::invokeMethod(
                this,
                [self, done, matches, rehash] {
                    if (self)
                        done(matches, rehash);
                },
                Qt::QueuedConnection);
    });
}

} // namespace fastchat::server
