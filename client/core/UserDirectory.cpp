// SPDX-License-Identifier: MIT
#include "UserDirectory.h"

#include "ApiClient.h"

using namespace Qt::StringLiterals;

namespace fastchat::client {

UserDirectory::UserDirectory(ApiClient *api, QObject *parent)
    : QObject(parent)
    , m_api(api)
{}

void UserDirectory::load(const QHash<qint64, User> &users)
{
    ++m_generation;
    m_users = users;
}

void UserDirectory::clear()
{
    ++m_generation;
    m_users.clear();
}

std::optional<User> UserDirectory::find(qint64 id) const
{
    const auto it = m_users.constFind(id);
    if (it == m_users.cend())
        return std::nullopt;
    return *it;
}

User UserDirectory::user(qint64 id)
{
    if (const auto it = m_users.constFind(id); it != m_users.cend())
        return *it;
    User placeholder;
    placeholder.id = id;
    placeholder.username = u"User %1"_s.arg(id);
    m_users.insert(id, placeholder);
    const quint64 generation = m_generation;
    m_api->user(id, this, [this, generation](ApiResult<User> result) {
        if (generation != m_generation || !result.ok())
            return;
        remember(*result.value);
        Q_EMIT fetched(*result.value);
    });
    return placeholder;
}

void UserDirectory::remember(const User &user)
{
    m_users.insert(user.id, user);
    Q_EMIT remembered(user);
}

void UserDirectory::setPresence(qint64 id, bool online, const QDateTime &lastSeen)
{
    const auto it = m_users.find(id);
    if (it == m_users.end())
        return;
    it->isOnline = online;
    if (lastSeen.isValid())
        it->lastSeen = lastSeen;
}

} // namespace fastchat::client
