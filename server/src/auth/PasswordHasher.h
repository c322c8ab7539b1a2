// SPDX-License-Identifier: MIT
// Argon2id password hashes (libsodium crypto_pwhash_str). Hashing takes tens of
// milliseconds and tens of MiB on purpose, so it runs on its own small thread pool and
// answers on the caller's thread.
#pragma once

#include <QObject>
#include <QThreadPool>

#include <functional>

namespace fastchat::server {

class PasswordHasher : public QObject
{
    Q_OBJECT
public:
    enum class Cost {
        Interactive, // libsodium's interactive limits: the default
        Moderate,    // stronger, slower
        Minimum,     // only for tests: cheap and weak
    };

    explicit PasswordHasher(Cost cost, QObject *parent = nullptr);

    void hash(const QString &password, std::function<void(QString hash)> done);
    // An empty storedHash (unknown user) still costs one verification against a dummy
    // hash, so that response times do not tell which accounts exist.
    void verify(const QString &password, const QString &storedHash,
                std::function<void(bool matches, bool needsRehash)> done);

    // On the calling thread: for the admin command line. Empty when out of memory.
    QString hashBlocking(const QString &password) const { return hashNow(password.toUtf8()); }

    static constexpr qsizetype minPasswordLength = 8;
    static constexpr qsizetype maxPasswordBytes = 1024;

private:
    QString hashNow(const QByteArray &password) const;

    unsigned long long m_opsLimit;
    size_t m_memLimit;
    QString m_dummyHash;
    QThreadPool m_pool;
};

} // namespace fastchat::server
