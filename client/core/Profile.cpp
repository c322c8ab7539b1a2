// SPDX-License-Identifier: MIT
#include "Profile.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QStandardPaths>

using namespace Qt::StringLiterals;

namespace fastchat::client {

Profile::Profile(const QString &dataDir, const QString &name)
    : m_name(name.isEmpty() ? u"default"_s : name)
{
    const QString base = dataDir.isEmpty()
            ? QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
            : dataDir;
    m_dir = QDir(base).filePath(m_name);
}

QString Profile::cacheFile(const QUrl &server, qint64 userId) const
{
    const QByteArray tag = QCryptographicHash::hash(server.toString().toUtf8(),
                                                    QCryptographicHash::Sha1)
                                   .toHex()
                                   .left(10);
    return QDir(m_dir).filePath(u"cache-%1-%2.sqlite"_s.arg(QString::fromLatin1(tag)).arg(userId));
}

QString Profile::keychainKey(const QUrl &server) const
{
    return u"%1/%2"_s.arg(m_name, server.toString());
}

Profile::Saved Profile::load() const
{
    Saved saved;
    QFile file(QDir(m_dir).filePath(u"profile.json"_s));
    if (!file.open(QIODevice::ReadOnly))
        return saved;
    const QJsonObject profile = QJsonDocument::fromJson(file.readAll()).object();
    saved.server = QUrl(profile.value(u"server_url").toString());
    if (const auto user = User::fromJson(profile.value(u"user").toObject()))
        saved.user = user.value();
    return saved;
}

void Profile::save(const QUrl &server, const User &user) const
{
    QDir().mkpath(m_dir);
    QSaveFile file(QDir(m_dir).filePath(u"profile.json"_s));
    if (!file.open(QIODevice::WriteOnly))
        return;
    QJsonObject profile{{u"server_url"_s, server.toString()}};
    if (user.id)
        profile.insert(u"user"_s, QJsonObject{{u"id"_s, user.id}, {u"username"_s, user.username}});
    file.write(QJsonDocument(profile).toJson());
    file.commit();
}

} // namespace fastchat::client
