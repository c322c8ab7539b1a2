// SPDX-License-Identifier: MIT
// The conversation list as the view shows it: filtered by a name substring (Ctrl+F), in
// the same most-recent-first order, with the lookups keyboard navigation needs.
#pragma once

#include <QSortFilterProxyModel>
#include <QtQml/qqmlregistration.h>

namespace fastchat::client {

class ConversationListModel;

class ConversationFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("the ChatClient owns the filtered conversation list")

public:
    explicit ConversationFilterModel(ConversationListModel *source, QObject *parent = nullptr);

    QString filter() const { return m_filter; }
    void setFilter(const QString &filter);
    // The row showing the peer (-1: filtered out or no such conversation).
    int rowOfPeer(qint64 peerId) const;
    qint64 peerIdAt(int row) const;
    // The peer `step` rows away from `peerId` (the first or last row when peerId is not shown).
    qint64 adjacentPeer(qint64 peerId, int step) const;

Q_SIGNALS:
    // Rows came, went or moved: a remembered row number may be stale.
    void rowsShifted();

private:
    ConversationListModel *m_source;
    QString m_filter;
};

} // namespace fastchat::client
