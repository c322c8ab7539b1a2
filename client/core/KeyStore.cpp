// SPDX-License-Identifier: MIT
#include "KeyStore.h"

#include "Logging.h"

#include <QPointer>
#include <qt6keychain/keychain.h>

using namespace Qt::StringLiterals;

namespace fastchat::client {

namespace {

// A sentence for people about a keychain failure, with the backend's own words after it.
QString describe(QKeychain::Error error, const QString &detail)
{
    QString text;
    switch (error) {
    case QKeychain::NoBackendAvailable:
        text = u"No keychain is available (a Secret Service such as GNOME Keyring or KWallet must be running)."_s;
        break;
    case QKeychain::AccessDenied:
    case QKeychain::AccessDeniedByUser:
        text = u"The keychain refused access."_s;
        break;
    case QKeychain::NotImplemented:
        text = u"This system has no keychain support."_s;
        break;
    default:
        text = u"The keychain failed."_s;
        break;
    }
    if (!detail.isEmpty())
        text += u" ("_s + detail + u')';
    return text;
}

QString service()
{
    return QString::fromLatin1(KeyStore::serviceName);
}

} // namespace

KeyStore::KeyStore(QObject *parent)
    : QObject(parent)
{}

void KeyStore::jobFinished()
{
    if (--m_running == 0)
        Q_EMIT idle();
}

void KeyStore::write(const QString &key, const QString &secret, QObject *context,
                     std::function<void(const QString &)> done)
{
    auto *job = new QKeychain::WritePasswordJob(service());
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(key);
    job->setTextData(secret);
    QPointer<QObject> guard(context);
    jobStarted();
    connect(job, &QKeychain::Job::finished, this, [this, guard, done](QKeychain::Job *j) {
        const QString error = j->error() == QKeychain::NoError
                ? QString()
                : describe(j->error(), j->errorString());
        if (!error.isEmpty())
            qCWarning(lcSession) << "keychain write failed:" << error;
        if (guard && done)
            done(error);
        jobFinished();
    });
    job->start();
}

void KeyStore::read(const QString &key, QObject *context,
                    std::function<void(const std::optional<QString> &, const QString &)> done)
{
    auto *job = new QKeychain::ReadPasswordJob(service());
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(key);
    QPointer<QObject> guard(context);
    jobStarted();
    connect(job, &QKeychain::Job::finished, this, [this, guard, done](QKeychain::Job *j) {
        auto *readJob = static_cast<QKeychain::ReadPasswordJob *>(j);
        std::optional<QString> secret;
        QString error;
        if (j->error() == QKeychain::NoError)
            secret = readJob->textData();
        else if (j->error() != QKeychain::EntryNotFound)
            error = describe(j->error(), j->errorString());
        if (!error.isEmpty())
            qCWarning(lcSession) << "keychain read failed:" << error;
        if (guard && done)
            done(secret, error);
        jobFinished();
    });
    job->start();
}

void KeyStore::remove(const QString &key, QObject *context,
                      std::function<void(const QString &)> done)
{
    auto *job = new QKeychain::DeletePasswordJob(service());
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(key);
    QPointer<QObject> guard(context);
    jobStarted();
    connect(job, &QKeychain::Job::finished, this, [this, guard, done](QKeychain::Job *j) {
        QString error;
        if (j->error() != QKeychain::NoError && j->error() != QKeychain::EntryNotFound)
            error = describe(j->error(), j->errorString());
        if (guard && done)
            done(error);
        jobFinished();
    });
    job->start();
}

} // namespace fastchat::client
