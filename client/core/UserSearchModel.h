// SPDX-License-Identifier: MIT
// People to start a chat with: the users whose name contains `query` (GET /users?q=),
// without the signed-in user. Typing changes the query; the search runs once typing pauses,
// and an answer to an older query is dropped. A new answer replaces the rows (a search
// result is not a live event, so it is one reset).
#pragma once

#include <QAbstractListModel>
#include <QTimer>
#include <QtQml/qqmlregistration.h>

#include <fastchat/User.h>

#include <functional>
#include <optional>

namespace fastchat::client {

class UserSearchModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("the ChatClient owns the user search")
    Q_PROPERTY(QString query READ query WRITE setQuery NOTIFY queryChanged)
    Q_PROPERTY(bool busy READ isBusy NOTIFY busyChanged)
    Q_PROPERTY(QString error READ error NOTIFY errorChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)

public:
    // Not meant to be subclassed; every role is read-only.
    enum Role {
        UserIdRole = Qt::UserRole + 1, // qint64
        UsernameRole,                  // QString
        AvatarInitialRole,             // QString: one upper-case letter
        AvatarHueRole,                 // qreal 0..1: the same hue the conversation list uses
        OnlineRole,                    // bool
        PresenceTextRole,              // QString: "online", "last seen ..."
    };
    Q_ENUM(Role)

    static constexpr int resultLimit = 50;

    // search(query, done): done(ok, users, error).
    using Search = std::function<void(
            const QString &query,
            std::function<void(bool ok, const QList<User> &users, const QString &error)>)>;

    explicit UserSearchModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    void setSearch(Search search) { m_search = std::move(search); }
    void setExcludedUser(qint64 id) { m_excluded = id; }

    QString query() const { return m_query; }
    void setQuery(const QString &query);
    // Runs the search now (no pause).
    Q_INVOKABLE void refresh();
    Q_INVOKABLE qint64 userIdAt(int row) const;
    std::optional<User> userAt(int row) const;
    std::optional<User> user(qint64 id) const;
    bool isBusy() const { return m_busy; }
    QString error() const { return m_error; }
    int count() const { return int(m_users.size()); }
    void clear();

Q_SIGNALS:
    void queryChanged();
    void busyChanged();
    void errorChanged();
    void countChanged();

private:
    void setBusy(bool busy);

    Search m_search;
    QString m_query;
    QList<User> m_users;
    QTimer m_pause;
    quint64 m_serial = 0;
    qint64 m_excluded = 0;
    bool m_busy = false;
    QString m_error;
};

} // namespace fastchat::client
