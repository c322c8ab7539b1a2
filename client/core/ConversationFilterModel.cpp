// SPDX-License-Identifier: MIT
#include "ConversationFilterModel.h"

#include "ConversationListModel.h"

namespace fastchat::client {

ConversationFilterModel::ConversationFilterModel(ConversationListModel *source, QObject *parent)
    : QSortFilterProxyModel(parent)
    , m_source(source)
{
    setSourceModel(source);
    setFilterRole(ConversationListModel::PeerNameRole);
    setFilterCaseSensitivity(Qt::CaseInsensitive);
    const auto shifted = [this] { Q_EMIT rowsShifted(); };
    connect(this, &QAbstractItemModel::rowsInserted, this, shifted);
    connect(this, &QAbstractItemModel::rowsRemoved, this, shifted);
    connect(this, &QAbstractItemModel::rowsMoved, this, shifted);
    connect(this, &QAbstractItemModel::modelReset, this, shifted);
    connect(this, &QAbstractItemModel::layoutChanged, this, shifted);
}

void ConversationFilterModel::setFilter(const QString &filter)
{
    m_filter = filter;
    setFilterFixedString(filter.trimmed());
}

int ConversationFilterModel::rowOfPeer(qint64 peerId) const
{
    const int source = peerId ? m_source->rowOf(peerId) : -1;
    if (source < 0)
        return -1;
    return mapFromSource(m_source->index(source, 0)).row();
}

qint64 ConversationFilterModel::peerIdAt(int row) const
{
    return index(row, 0).data(ConversationListModel::PeerIdRole).toLongLong();
}

qint64 ConversationFilterModel::adjacentPeer(qint64 peerId, int step) const
{
    const int rows = rowCount();
    if (rows == 0 || step == 0)
        return 0;
    const int current = rowOfPeer(peerId);
    const int row = current < 0 ? (step > 0 ? 0 : rows - 1)
                                : std::clamp(current + step, 0, rows - 1);
    return peerIdAt(row);
}

} // namespace fastchat::client
