// SPDX-License-Identifier: MIT
// The messages of one conversation, newest first (row 0 is the newest: the view lays out
// bottom to top). Messages of mine that are still on their way (local echo) sit at the top
// until the server acknowledges them, then move to their place by id. Older history is
// paged in with canFetchMore()/fetchMore() (GET /chat/history?before=) through a pager the
// owner provides; every live change is a row insert, move or data change, never a reset.
#pragma once

#include "MessageStatus.h"

#include <QAbstractListModel>
#include <QDateTime>
#include <QtQml/qqmlregistration.h>

#include <fastchat/Attachment.h>
#include <fastchat/Frames.h>
#include <fastchat/Message.h>

#include <functional>
#include <optional>

namespace fastchat::client {

class TransferListModel;

class MessageListModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("the ChatClient makes one per conversation")
    Q_PROPERTY(qint64 peerId READ peerId CONSTANT)
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    Q_PROPERTY(bool loading READ isLoading NOTIFY loadingChanged)
    Q_PROPERTY(bool atStart READ atStart NOTIFY atStartChanged)
    Q_PROPERTY(QString loadError READ loadError NOTIFY loadErrorChanged)

public:
    // Not meant to be subclassed; every role is read-only.
    enum Role {
        MessageIdRole = Qt::UserRole + 1, // qint64: the server's id; 0 while on its way
        ClientIdRole,                     // QString: the sender's client_id ("" when none)
        ContentRole,                      // QString
        TimeRole,                         // QDateTime: stored at (local echo: when it was written)
        TimeTextRole,                     // QString: "14:05"
        MineRole,                         // bool: I sent it
        StatusRole,                       // MessageStatus::Status (None for the peer's messages)
        ErrorRole,                        // QString: why it failed
        DayTextRole,                      // QString: "Today", "Yesterday", "Monday, 3 March"
        ShowDayRole,      // bool: the first message of its day (the view shows the day above it)
        FirstInGroupRole, // bool: the oldest of a run from one sender (the view adds space above)
        LastInGroupRole,  // bool: the newest of such a run (the bubble gets its tail)
        // Attachments (type image or file with a file_id; anything else shows as text).
        TypeRole,          // QString: "text", "image", "file", ...
        FileIdRole,        // QString
        HasAttachmentRole, // bool: a file or image card rather than text
        IsImageRole,       // bool: an image with a size in pixels (shows its thumbnail)
        FileNameRole,      // QString
        FileSizeTextRole,  // QString: "5.2 MB"
        ImageWidthRole,    // int
        ImageHeightRole,   // int
        ThumbnailRole,     // QString: a data: URL of the thumbnail ("" when none)
        // The transfer of this message: my upload, or the newest download of its file.
        TransferIdRole,       // QString ("" when none)
        TransferStateRole,    // TransferState::State
        TransferProgressRole, // qreal 0..1
        TransferTextRole,     // QString: "1.2 MB of 5.2 MB"
        TransferErrorRole,    // QString
        LocalFileRole,        // QUrl: the downloaded file, once there

        NotEncryptedRole, // bool: end-to-end encryption is on here, yet the server could read it
    };
    Q_ENUM(Role)

    static constexpr int pageSize = 50;

    // pager(beforeId, limit, done) loads older messages (oldest first); done(ok, messages, error).
    using PageDone
            = std::function<void(bool ok, const QList<Message> &messages, const QString &error)>;
    using Pager = std::function<void(qint64 beforeId, int limit, PageDone done)>;

    MessageListModel(qint64 me, qint64 peerId, QObject *parent = nullptr);
    ~MessageListModel() override;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

    // The views call this when the user scrolls to the top (a bottom-to-top ListView does
    // not call fetchMore by itself).
    Q_INVOKABLE void loadOlder() { fetchMore({}); }
    Q_INVOKABLE QString clientIdAt(int row) const;

    qint64 peerId() const { return m_peerId; }
    int count() const { return int(m_rows.size()); }
    bool isLoading() const { return m_loading; }
    bool atStart() const { return m_atStart; }
    QString loadError() const { return m_loadError; }

    void setPager(Pager pager) { m_pager = std::move(pager); }
    // Where the transfer roles come from (not owned; may be null).
    void setTransfers(const TransferListModel *transfers) { m_transfers = transfers; }
    // Which stored messages travelled readable by the server (E2ee::wasPlaintext); asked once
    // per row as it is set.
    void setPlaintextCheck(std::function<bool(const Message &)> check)
    {
        m_wasPlaintext = std::move(check);
    }
    // A transfer of the message with this client_id, or of this file, changed.
    void refreshTransfer(const QString &clientId, const QString &fileId);

    // Messages known before the server answers (the cache), oldest first.
    void prime(const QList<Message> &messages);
    // The newest page from the server, oldest first. When it does not reach the rows we
    // have, those are dropped (there was a gap) and paging continues from the page.
    void applyLatestPage(const QList<Message> &messages, bool complete);
    // A stored message (live, resumed or echoed back to me): inserted once, or updated.
    void applyMessage(const Message &message);
    // A message of mine on its way: row 0 at once.
    void addLocalEcho(const Message &message,
                      MessageStatus::Status status = MessageStatus::Sending);
    // A file of mine on its way (uploading): the attachment it will carry, as far as known.
    void addLocalAttachment(const Message &message, const Attachment &attachment);
    // A pending message of mine changed (the upload finished: now with file_id).
    void updateLocal(const Message &message, const std::optional<Attachment> &attachment);
    // The server stored the message with this client_id.
    bool applyAck(const Ack &ack);
    void setFailed(const QString &clientId, const QString &error);
    void setSending(const QString &clientId);
    void removeLocal(const QString &clientId);
    // The peer has read my messages up to messageId.
    void markReadUpTo(qint64 messageId, const QDateTime &readAt);

    // The newest message from the peer (0: none): what a read mark acknowledges.
    qint64 newestIncomingId() const;
    qint64 newestId() const;
    const Message *findByClientId(const QString &clientId) const;
    // The attachment of a message with this file (nullopt: no such row).
    std::optional<Attachment> attachmentOfFile(const QString &fileId) const;

Q_SIGNALS:
    void countChanged();
    void loadingChanged();
    void atStartChanged();
    void loadErrorChanged();

private:
    struct Row
    {
        Message message;
        MessageStatus::Status status = MessageStatus::None;
        QString error;
        std::optional<Attachment> attachment;
        bool notEncrypted = false;
    };

    Row makeRow(const Message &message, MessageStatus::Status status) const;
    void setMessage(Row &row, const Message &message) const;

    int pendingCount() const;
    int storedPosition(qint64 id) const; // where a stored id belongs
    int rowOfId(qint64 id) const;
    int rowOfClientId(const QString &clientId) const;
    MessageStatus::Status storedStatus(const Message &m) const;
    void insertAt(int row, Row item);
    void moveRow(int from, int to);
    // Rows next to `row` show day headers and groups that depend on it.
    void neighboursChanged(int row);
    void setLoading(bool loading);
    void setAtStart(bool atStart);
    bool sameGroup(int newer, int older) const;

    qint64 m_me;
    qint64 m_peerId;
    QList<Row> m_rows;
    Pager m_pager;
    bool m_loading = false;
    bool m_atStart = false;
    QString m_loadError;
    qint64 m_peerReadUpTo = 0;
    const TransferListModel *m_transfers = nullptr;
    std::function<bool(const Message &)> m_wasPlaintext;
};

} // namespace fastchat::client
