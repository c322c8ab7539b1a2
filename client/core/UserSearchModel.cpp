// SPDX-License-Identifier: MIT
#include "UserSearchModel.h"

#include "Format.h"

#include <QPointer>

using namespace Qt::StringLiterals;

namespace fastchat::client {

namespace {
constexpr int typingPauseMs = 250;
} // namespace

UserSearchModel::UserSearchModel(QObject *parent)
    : QAbstractListModel(parent)
{
    m_pause.setSingleShot(true);
    m_pause.setInterval(typingPauseMs);
    connect(&m_pause, &QTimer::timeout, this, &UserSearchModel::refresh);
}

int UserSearchModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_users.size());
}

QHash<int, QByteArray> UserSearchModel::roleNames() const
{
    return {{UserIdRole, "userId"},
            {UsernameRole, "username"},
            {AvatarInitialRole, "avatarInitial"},
            {AvatarHueRole, "avatarHue"},
            {OnlineRole, "online"},
            {PresenceTextRole, "presenceText"}};
}

QVariant UserSearchModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const User &u = m_users.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case UsernameRole:
        return u.username;
    case UserIdRole:
        return u.id;
    case AvatarInitialRole:
        return format::initial(u.username);
    case AvatarHueRole:
        return format::avatarHue(u.id);
    case OnlineRole:
        return u.isOnline;
    case PresenceTextRole:
        return format::presence(u.isOnline, u.lastSeen);
    }
    return {};
}

void UserSearchModel::setQuery(const QString &query)
{
    if (query == m_query)
        return;
    m_query = query;
    Q_EMIT queryChanged();
    m_pause.start();
}

void UserSearchModel::refresh()
{
    m_pause.stop();
    if (!m_search)
        return;
    const quint64 serial = ++m_serial;
    setBusy(true);
    QPointer<UserSearchModel> self(this);
    m_search(m_query.trimmed(),
             [self, serial](bool ok, const QList<User> &users, const QString &error) {
                 if (!self || serial != self->m_serial)
                     return; // a newer query is on its way
                 self->setBusy(false);
                 const QString newError = ok ? QString() : error;
                 if (self->m_error != newError) {
                     self->m_error = newError;
                     Q_EMIT self->errorChanged();
                 }
                 if (!ok)
                     return;
                 self->beginResetModel();
                 self->m_users.clear();
                 for (const User &u : users) {
                     if (u.id != self->m_excluded)
                         self->m_users.append(u);
                 }
                 self->endResetModel();
                 Q_EMIT self->countChanged();
             });
}

qint64 UserSearchModel::userIdAt(int row) const
{
    return row >= 0 && row < m_users.size() ? m_users.at(row).id : 0;
}

std::optional<User> UserSearchModel::userAt(int row) const
{
    if (row < 0 || row >= m_users.size())
        return std::nullopt;
    return m_users.at(row);
}

std::optional<User> UserSearchModel::user(qint64 id) const
{
    for (const User &u : m_users) {
        if (u.id == id)
            return u;
    }
    return std::nullopt;
}

void UserSearchModel::clear()
{
    ++m_serial;
    m_pause.stop();
    setBusy(false);
    if (!m_query.isEmpty()) {
        m_query.clear();
        Q_EMIT queryChanged();
    }
    if (m_users.isEmpty())
        return;
    beginResetModel();
    m_users.clear();
    endResetModel();
    Q_EMIT countChanged();
}

void UserSearchModel::setBusy(bool busy)
{
    if (m_busy == busy)
        return;
    m_busy = busy;
    Q_EMIT busyChanged();
}

} // namespace fastchat::client
