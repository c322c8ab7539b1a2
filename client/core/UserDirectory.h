// SPDX-License-Identifier: MIT
// The people this client has heard of (conversation peers, search results), with a
// placeholder and a GET /users/{id} for someone new who writes first.
#pragma once

#include <QHash>
#include <QObject>

#include <fastchat/User.h>

#include <optional>

namespace fastchat::client {

class ApiClient;

class UserDirectory : public QObject
{
    Q_OBJECT

public:
    explicit UserDirectory(ApiClient *api, QObject *parent = nullptr);

    void load(const QHash<qint64, User> &users);
    void clear();
    std::optional<User> find(qint64 id) const;
    // The user, or a placeholder ("User 7") while the server is asked for the real record.
    User user(qint64 id);
    void remember(const User &user);
    void setPresence(qint64 id, bool online, const QDateTime &lastSeen);

Q_SIGNALS:
    // A record worth keeping (the cache saves it).
    void remembered(const fastchat::User &user);
    // The server told us about someone we only had a placeholder for.
    void fetched(const fastchat::User &user);

private:
    ApiClient *m_api;
    QHash<qint64, User> m_users;
    quint64 m_generation = 0;
};

} // namespace fastchat::client
