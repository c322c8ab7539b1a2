// SPDX-License-Identifier: MIT
#include "MessageListModel.h"

#include "FileTransfers.h"
#include "Format.h"
#include "Logging.h"

#include <QPointer>
#include <QScopeGuard>

using namespace Qt::StringLiterals;

namespace fastchat::client {

namespace {

constexpr qint64 groupGapSecs = 5 * 60;

QDateTime timeOf(const Message &m)
{
    return m.timestamp.isValid() ? m.timestamp : m.createdAt;
}

QDate dayOf(const Message &m)
{
    return timeOf(m).toLocalTime().date();
}

} // namespace

MessageListModel::MessageListModel(qint64 me, qint64 peerId, QObject *parent)
    : QAbstractListModel(parent)
    , m_me(me)
    , m_peerId(peerId)
{}

MessageListModel::~MessageListModel() = default;

int MessageListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QHash<int, QByteArray> MessageListModel::roleNames() const
{
    return {
            {MessageIdRole, "messageId"},
            {ClientIdRole, "clientId"},
            {ContentRole, "content"},
            {TimeRole, "time"},
            {TimeTextRole, "timeText"},
            {MineRole, "mine"},
            {StatusRole, "status"},
            {ErrorRole, "error"},
            {DayTextRole, "dayText"},
            {ShowDayRole, "showDay"},
            {FirstInGroupRole, "firstInGroup"},
            {LastInGroupRole, "lastInGroup"},
            {TypeRole, "type"},
            {FileIdRole, "fileId"},
            {HasAttachmentRole, "hasAttachment"},
            {IsImageRole, "isImage"},
            {FileNameRole, "fileName"},
            {FileSizeTextRole, "fileSizeText"},
            {ImageWidthRole, "imageWidth"},
            {ImageHeightRole, "imageHeight"},
            {ThumbnailRole, "thumbnail"},
            {TransferIdRole, "transferId"},
            {TransferStateRole, "transferState"},
            {TransferProgressRole, "transferProgress"},
            {TransferTextRole, "transferText"},
            {TransferErrorRole, "transferError"},
            {LocalFileRole, "localFile"},
            {NotEncryptedRole, "notEncrypted"},
    };
}

bool MessageListModel::sameGroup(int newer, int older) const
{
    const Message &a = m_rows.at(newer).message;
    const Message &b = m_rows.at(older).message;
    return a.senderId == b.senderId && dayOf(a) == dayOf(b)
            && timeOf(b).secsTo(timeOf(a)) < groupGapSecs;
}

QVariant MessageListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int r = index.row();
    const Row &row = m_rows.at(r);
    const Message &m = row.message;
    const bool oldest = r == m_rows.size() - 1;
    switch (role) {
    case Qt::DisplayRole:
    case ContentRole:
        return m.content;
    case MessageIdRole:
        return m.id;
    case ClientIdRole:
        return m.clientId;
    case TimeRole:
        return timeOf(m);
    case TimeTextRole:
        return format::clockTime(timeOf(m));
    case MineRole:
        return m.senderId == m_me;
    case StatusRole:
        return int(row.status);
    case ErrorRole:
        return row.error;
    case DayTextRole:
        return format::dayLabel(dayOf(m));
    case ShowDayRole:
        return oldest || dayOf(m_rows.at(r + 1).message) != dayOf(m);
    case FirstInGroupRole:
        return oldest || !sameGroup(r, r + 1);
    case LastInGroupRole:
        return r == 0 || !sameGroup(r - 1, r);
    case TypeRole:
        return m.type;
    case FileIdRole:
        return m.fileId;
    case HasAttachmentRole:
        return row.attachment.has_value();
    case NotEncryptedRole:
        return row.notEncrypted;
    case IsImageRole:
        return row.attachment && row.attachment->isImage();
    case FileNameRole:
        return row.attachment ? row.attachment->name : QString();
    case FileSizeTextRole:
        return row.attachment ? format::byteSize(row.attachment->size) : QString();
    case ImageWidthRole:
        return row.attachment ? row.attachment->width : 0;
    case ImageHeightRole:
        return row.attachment ? row.attachment->height : 0;
    case ThumbnailRole: {
        if (!row.attachment || row.attachment->thumbnail.isEmpty())
            return QString();
        const QByteArray &t = row.attachment->thumbnail;
        const char *type = t.startsWith("\x89PNG") ? "image/png" : "image/jpeg";
        return QString(u"data:"_s + QLatin1StringView(type) + u";base64,"_s
                       + QString::fromLatin1(t.toBase64()));
    }
    case TransferIdRole:
    case TransferStateRole:
    case TransferProgressRole:
    case TransferTextRole:
    case TransferErrorRole:
    case LocalFileRole: {
        const FileTransfer *job = m_transfers && row.attachment
                ? m_transfers->transferFor(
                        m.senderId == m_me ? m.clientId : QString(),
                        row.attachment->fileId.isEmpty() ? m.fileId : row.attachment->fileId)
                : nullptr;
        if (role == TransferStateRole)
            return int(job ? job->state() : TransferState::None);
        if (!job)
            return role == TransferProgressRole ? QVariant(0.0)
                    : role == LocalFileRole     ? QVariant(QUrl())
                                                : QVariant(QString());
        switch (role) {
        case TransferIdRole:
            return job->id();
        case TransferProgressRole:
            return job->bytesTotal() > 0 ? qreal(job->bytesDone()) / qreal(job->bytesTotal())
                                         : (job->state() == TransferState::Done ? 1.0 : 0.0);
        case TransferTextRole:
            return u"%1 of %2"_s.arg(format::byteSize(job->bytesDone()),
                                     format::byteSize(job->bytesTotal()));
        case TransferErrorRole:
            return job->errorString();
        case LocalFileRole:
            return job->state() == TransferState::Done && !job->localPath().isEmpty()
                    ? QUrl::fromLocalFile(job->localPath())
                    : QUrl();
        }
        return {};
    }
    }
    return {};
}

MessageListModel::Row MessageListModel::makeRow(const Message &message,
                                                MessageStatus::Status status) const
{
    Row row;
    row.status = status;
    setMessage(row, message);
    return row;
}

void MessageListModel::setMessage(Row &row, const Message &message) const
{
    row.message = message;
    row.attachment = format::attachmentOf(message);
    row.notEncrypted = m_wasPlaintext && m_wasPlaintext(message);
}

void MessageListModel::refreshTransfer(const QString &clientId, const QString &fileId)
{
    static const QList<int> roles{TransferIdRole,   TransferStateRole, TransferProgressRole,
                                  TransferTextRole, TransferErrorRole, LocalFileRole};
    for (int i = 0; i < m_rows.size(); ++i) {
        const Row &row = m_rows.at(i);
        if (!row.attachment)
            continue;
        const bool match = (!clientId.isEmpty() && row.message.clientId == clientId
                            && row.message.senderId == m_me)
                || (!fileId.isEmpty() && row.attachment->fileId == fileId);
        if (match)
            Q_EMIT dataChanged(index(i), index(i), roles);
    }
}

std::optional<Attachment> MessageListModel::attachmentOfFile(const QString &fileId) const
{
    for (const Row &row : m_rows) {
        if (row.attachment && !fileId.isEmpty() && row.attachment->fileId == fileId)
            return row.attachment;
    }
    return std::nullopt;
}

int MessageListModel::pendingCount() const
{
    int n = 0;
    while (n < m_rows.size() && m_rows.at(n).message.id == 0)
        ++n;
    return n;
}

int MessageListModel::storedPosition(qint64 id) const
{
    // Stored rows are sorted by id, newest first: find the first one older than `id`.
    int lo = pendingCount();
    int hi = int(m_rows.size());
    while (lo < hi) {
        const int mid = (lo + hi) / 2;
        if (m_rows.at(mid).message.id > id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int MessageListModel::rowOfId(qint64 id) const
{
    if (id <= 0)
        return -1;
    const int at = storedPosition(id);
    return at < m_rows.size() && m_rows.at(at).message.id == id ? at : -1;
}

int MessageListModel::rowOfClientId(const QString &clientId) const
{
    if (clientId.isEmpty())
        return -1;
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).message.clientId == clientId && m_rows.at(i).message.senderId == m_me)
            return i;
    }
    return -1;
}

QString MessageListModel::clientIdAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).message.clientId : QString();
}

const Message *MessageListModel::findByClientId(const QString &clientId) const
{
    const int r = rowOfClientId(clientId);
    return r < 0 ? nullptr : &m_rows.at(r).message;
}

MessageStatus::Status MessageListModel::storedStatus(const Message &m) const
{
    if (m.senderId != m_me)
        return MessageStatus::None;
    return m.readAt.isValid() || (m.id > 0 && m.id <= m_peerReadUpTo) ? MessageStatus::Read
                                                                      : MessageStatus::Sent;
}

void MessageListModel::neighboursChanged(int row)
{
    const int first = std::max(0, row - 1);
    const int last = std::min(int(m_rows.size()) - 1, row + 1);
    if (first > last)
        return;
    Q_EMIT dataChanged(index(first), index(last), {ShowDayRole, FirstInGroupRole, LastInGroupRole});
}

void MessageListModel::insertAt(int row, Row item)
{
    beginInsertRows({}, row, row);
    m_rows.insert(row, std::move(item));
    endInsertRows();
    neighboursChanged(row);
    Q_EMIT countChanged();
}

void MessageListModel::moveRow(int from, int to)
{
    if (from != to) {
        beginMoveRows({}, from, from, {}, to > from ? to + 1 : to);
        m_rows.move(from, to);
        endMoveRows();
        neighboursChanged(from);
    }
    neighboursChanged(to);
    const QModelIndex i = index(to);
    Q_EMIT dataChanged(i, i);
}

void MessageListModel::prime(const QList<Message> &messages)
{
    if (!m_rows.isEmpty()) {
        for (const Message &m : messages)
            applyMessage(m);
        return;
    }
    if (messages.isEmpty())
        return;
    beginInsertRows({}, 0, int(messages.size()) - 1);
    for (auto it = messages.crbegin(); it != messages.crend(); ++it)
        m_rows.append(makeRow(*it, storedStatus(*it)));
    endInsertRows();
    Q_EMIT countChanged();
}

void MessageListModel::applyLatestPage(const QList<Message> &messages, bool complete)
{
    const int pending = pendingCount();
    if (!messages.isEmpty() && pending < m_rows.size()) {
        const qint64 newestStored = m_rows.at(pending).message.id;
        if (messages.first().id > newestStored && !complete) {
            // What we have ends before the page starts: drop it rather than show a hole.
            qCDebug(lcModels) << "history of" << m_peerId << "has a gap; dropping"
                              << m_rows.size() - pending << "cached message(s)";
            beginRemoveRows({}, pending, int(m_rows.size()) - 1);
            m_rows.remove(pending, m_rows.size() - pending);
            endRemoveRows();
            Q_EMIT countChanged();
            setAtStart(false);
        }
    }
    for (const Message &m : messages)
        applyMessage(m);
    if (complete)
        setAtStart(true);
}

void MessageListModel::applyMessage(const Message &message)
{
    int r = rowOfId(message.id);
    if (r >= 0) {
        Row &row = m_rows[r];
        const bool wasFailed = row.status == MessageStatus::Failed;
        setMessage(row, message);
        if (!wasFailed)
            row.status = storedStatus(message);
        const QModelIndex i = index(r);
        Q_EMIT dataChanged(i, i);
        return;
    }
    if (message.senderId == m_me) {
        r = rowOfClientId(message.clientId);
        if (r >= 0) {
            // The server's copy of a local echo.
            Row &row = m_rows[r];
            setMessage(row, message);
            row.status = storedStatus(message);
            row.error.clear();
            // Its place among the others: after the pending ones and the newer stored ones.
            int target = 0;
            for (int i = 0; i < m_rows.size(); ++i) {
                const qint64 id = m_rows.at(i).message.id;
                if (i != r && (id == 0 || id > message.id))
                    ++target;
            }
            moveRow(r, target);
            return;
        }
    }
    insertAt(storedPosition(message.id), makeRow(message, storedStatus(message)));
}

void MessageListModel::addLocalEcho(const Message &message, MessageStatus::Status status)
{
    insertAt(0, makeRow(message, status));
}

void MessageListModel::addLocalAttachment(const Message &message, const Attachment &attachment)
{
    Row row = makeRow(message, MessageStatus::Sending);
    row.attachment = attachment;
    insertAt(0, std::move(row));
}

void MessageListModel::updateLocal(const Message &message,
                                   const std::optional<Attachment> &attachment)
{
    const int r = rowOfClientId(message.clientId);
    if (r < 0 || m_rows.at(r).message.id != 0)
        return;
    Row &row = m_rows[r];
    setMessage(row, message);
    if (attachment)
        row.attachment = attachment;
    Q_EMIT dataChanged(index(r), index(r));
}

bool MessageListModel::applyAck(const Ack &ack)
{
    const int r = rowOfClientId(ack.clientId);
    if (r < 0)
        return false;
    Message m = m_rows.at(r).message;
    if (m.id != 0)
        return true; // the stored copy came first
    m.id = ack.id;
    if (ack.conversationId)
        m.conversationId = ack.conversationId;
    if (ack.timestamp.isValid())
        m.timestamp = m.createdAt = ack.timestamp;
    applyMessage(m);
    return true;
}

void MessageListModel::setFailed(const QString &clientId, const QString &error)
{
    const int r = rowOfClientId(clientId);
    if (r < 0 || m_rows.at(r).message.id != 0)
        return;
    m_rows[r].status = MessageStatus::Failed;
    m_rows[r].error = error;
    Q_EMIT dataChanged(index(r), index(r), {StatusRole, ErrorRole});
}

void MessageListModel::setSending(const QString &clientId)
{
    const int r = rowOfClientId(clientId);
    if (r < 0 || m_rows.at(r).message.id != 0)
        return;
    m_rows[r].status = MessageStatus::Sending;
    m_rows[r].error.clear();
    Q_EMIT dataChanged(index(r), index(r), {StatusRole, ErrorRole});
}

void MessageListModel::removeLocal(const QString &clientId)
{
    const int r = rowOfClientId(clientId);
    if (r < 0 || m_rows.at(r).message.id != 0)
        return;
    beginRemoveRows({}, r, r);
    m_rows.removeAt(r);
    endRemoveRows();
    Q_EMIT countChanged();
    if (!m_rows.isEmpty())
        neighboursChanged(std::min(r, int(m_rows.size()) - 1));
}

void MessageListModel::markReadUpTo(qint64 messageId, const QDateTime &readAt)
{
    m_peerReadUpTo = std::max(m_peerReadUpTo, messageId);
    int first = -1;
    int last = -1;
    for (int i = pendingCount(); i < m_rows.size(); ++i) {
        Row &row = m_rows[i];
        if (row.message.id > messageId || row.message.senderId != m_me)
            continue;
        if (row.status == MessageStatus::Read)
            break; // everything older was read before
        row.status = MessageStatus::Read;
        if (!row.message.readAt.isValid())
            row.message.readAt = readAt.isValid() ? readAt : QDateTime::currentDateTimeUtc();
        if (first < 0)
            first = i;
        last = i;
    }
    if (first >= 0)
        Q_EMIT dataChanged(index(first), index(last), {StatusRole});
}

qint64 MessageListModel::newestIncomingId() const
{
    for (const Row &row : m_rows) {
        if (row.message.id > 0 && row.message.senderId != m_me)
            return row.message.id;
    }
    return 0;
}

qint64 MessageListModel::newestId() const
{
    const int p = pendingCount();
    return p < m_rows.size() ? m_rows.at(p).message.id : 0;
}

bool MessageListModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && m_pager && !m_loading && !m_atStart;
}

void MessageListModel::fetchMore(const QModelIndex &parent)
{
    if (!canFetchMore(parent))
        return;
    const qint64 before = m_rows.isEmpty() ? 0 : m_rows.constLast().message.id;
    setLoading(true);
    QPointer<MessageListModel> self(this);
    m_pager(before, pageSize,
            [self, before](bool ok, const QList<Message> &messages, const QString &error) {
                if (!self)
                    return;
                // Still "loading" while the rows go in: a view (or a model tester) that asks for
                // more on every insert must not start the next page from a half-applied one.
                const auto done = qScopeGuard([&self] {
                    if (self)
                        self->setLoading(false);
                });
                if (!ok) {
                    self->m_loadError = error;
                    Q_EMIT self->loadErrorChanged();
                    return;
                }
                if (!self->m_loadError.isEmpty()) {
                    self->m_loadError.clear();
                    Q_EMIT self->loadErrorChanged();
                }
                if (before == 0) {
                    self->applyLatestPage(messages, messages.size() < pageSize);
                    return;
                }
                // Older than everything we have: one block at the end.
                QList<Message> older;
                for (const Message &m : messages) {
                    if (m.id < before && self->rowOfId(m.id) < 0)
                        older.append(m);
                }
                if (!older.isEmpty()) {
                    const int first = int(self->m_rows.size());
                    self->beginInsertRows({}, first, first + int(older.size()) - 1);
                    for (auto it = older.crbegin(); it != older.crend(); ++it)
                        self->m_rows.append(self->makeRow(*it, self->storedStatus(*it)));
                    self->endInsertRows();
                    Q_EMIT self->countChanged();
                    if (first > 0)
                        self->neighboursChanged(first - 1);
                }
                if (messages.size() < pageSize)
                    self->setAtStart(true);
            });
}

void MessageListModel::setLoading(bool loading)
{
    if (m_loading == loading)
        return;
    m_loading = loading;
    Q_EMIT loadingChanged();
}

void MessageListModel::setAtStart(bool atStart)
{
    if (m_atStart == atStart)
        return;
    m_atStart = atStart;
    Q_EMIT atStartChanged();
}

} // namespace fastchat::client
