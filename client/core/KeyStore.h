// SPDX-License-Identifier: MIT
// Secrets in the operating system's keychain (the Secret Service on Linux, through
// QtKeychain), under the service name "fastchat". There is no plaintext fallback: when no
// keychain answers, the caller gets a sentence saying so and keeps the secret in memory only.
#pragma once

#include <QObject>
#include <QString>

#include <functional>
#include <optional>

namespace fastchat::client {

class KeyStore : public QObject
{
    Q_OBJECT

public:
    static constexpr auto serviceName = "fastchat";

    explicit KeyStore(QObject *parent = nullptr);

    // done(error): an empty error means the secret is stored.
    void write(const QString &key, const QString &secret, QObject *context,
               std::function<void(const QString &error)> done);
    // done(secret, error): secret is nullopt with an empty error when there is no such entry.
    void read(const QString &key, QObject *context,
              std::function<void(const std::optional<QString> &secret, const QString &error)> done);
    // Removing an entry that does not exist is not an error.
    void remove(const QString &key, QObject *context,
                std::function<void(const QString &error)> done);

    // No job is running (tests wait for this before they restart a client).
    bool isIdle() const { return m_running == 0; }

Q_SIGNALS:
    void idle();

private:
    void jobStarted() { ++m_running; }
    void jobFinished();

    int m_running = 0;
};

} // namespace fastchat::client
