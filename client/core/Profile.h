// SPDX-License-Identifier: MIT
// Where one profile of the client keeps its things: <data dir>/<profile>/ holds profile.json
// (the server used last and who signed in there: nothing secret) and the cache files, one
// per server and user; the keychain entry for the refresh token is named after the profile
// and the server. Two profiles let two people use one computer (fastchat-client --profile).
#pragma once

#include <QString>
#include <QUrl>

#include <fastchat/User.h>

namespace fastchat::client {

class Profile
{
public:
    struct Saved
    {
        QUrl server;
        User user; // id 0: nobody was signed in
    };

    // An empty dataDir means QStandardPaths::AppDataLocation.
    Profile(const QString &dataDir, const QString &name);

    QString name() const { return m_name; }
    QString dir() const { return m_dir; }
    QString cacheFile(const QUrl &server, qint64 userId) const;
    QString keychainKey(const QUrl &server) const;

    Saved load() const;
    void save(const QUrl &server, const User &user) const;

private:
    QString m_name;
    QString m_dir;
};

} // namespace fastchat::client
