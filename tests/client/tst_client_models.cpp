// SPDX-License-Identifier: MIT
// The client's models and helpers on their own, with hand-made data: the exact row
// signals for local echo, acks, paging and reordering (never a reset for a live event),
// the roles the views read, the typing notifier and the human texts.
#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

#include <ConversationListModel.h>
#include <Format.h>
#include <MessageListModel.h>
#include <TypingNotifier.h>
#include <UserSearchModel.h>

using namespace Qt::StringLiterals;
using namespace fastchat;
using namespace fastchat::client;

namespace {

constexpr qint64 me = 1;
constexpr qint64 peerId = 2;

const QDateTime base = QDateTime::currentDateTimeUtc().addSecs(-3600);

Message stored(qint64 id, qint64 sender, const QString &content, qint64 secs = 0,
               const QString &clientId = {})
{
    Message m;
    m.id = id;
    m.conversationId = 7;
    m.senderId = sender;
    m.receiverId = sender == me ? peerId : me;
    m.content = content;
    m.clientId = clientId;
    m.timestamp = m.createdAt = base.addSecs(secs ? secs : id);
    return m;
}

Message echo(const QString &content, const QString &clientId)
{
    Message m;
    m.senderId = me;
    m.receiverId = peerId;
    m.content = content;
    m.clientId = clientId;
    m.timestamp = QDateTime::currentDateTimeUtc();
    return m;
}

User user(qint64 id, const QString &name, bool online = false)
{
    User u;
    u.id = id;
    u.username = name;
    u.isOnline = online;
    return u;
}

QStringList contents(const QAbstractItemModel &model)
{
    QStringList list;
    for (int row = 0; row < model.rowCount(); ++row)
        list << model.index(row, 0).data(MessageListModel::ContentRole).toString();
    return list;
}

QVariant at(const QAbstractItemModel &model, int row, int role)
{
    return model.index(row, 0).data(role);
}

} // namespace

class ClientModelsTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void localEchoIsInsertedAtOnceAndSettledByTheAck();
    void ackMovesTheEchoBehindNewerMessages();
    void storedCopyBeforeTheAckSettlesTheEcho();
    void readReceiptTurnsTicksDouble();
    void failedMessageKeepsItsRowUntilDiscarded();
    void pagingAppendsOlderMessagesOnePageAtATime();
    void latestPageThatDoesNotReachTheCacheReplacesIt();
    void daySeparatorsAndGroups();
    void conversationMovesToTopOnNewMessage();
    void unreadCountsOnlyNewIncomingMessages();
    void syncDoesNotResetAndKeepsNewerState();
    void presenceAndTypingChangeRows();
    void userSearchDropsStaleAnswersAndExcludesMe();
    void typingNotifierAnnouncesAndStops();
    void humanTexts();
};

void ClientModelsTest::localEchoIsInsertedAtOnceAndSettledByTheAck()
{
    MessageListModel model(me, peerId);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.prime({stored(10, peerId, u"hi"_s), stored(11, me, u"hello"_s)});
    QCOMPARE(contents(model), (QStringList{u"hello"_s, u"hi"_s}));

    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy moved(&model, &QAbstractItemModel::rowsMoved);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    model.addLocalEcho(echo(u"new"_s, u"c1"_s));
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(inserted.at(0).at(1).toInt(), 0);
    QCOMPARE(at(model, 0, MessageListModel::StatusRole).toInt(), int(MessageStatus::Sending));
    QCOMPARE(at(model, 0, MessageListModel::MessageIdRole).toLongLong(), 0);

    QVERIFY(model.applyAck({u"c1"_s, 12, 7, base.addSecs(12)}));
    QCOMPARE(contents(model), (QStringList{u"new"_s, u"hello"_s, u"hi"_s}));
    QCOMPARE(at(model, 0, MessageListModel::StatusRole).toInt(), int(MessageStatus::Sent));
    QCOMPARE(at(model, 0, MessageListModel::MessageIdRole).toLongLong(), 12);
    QCOMPARE(moved.count(), 0); // already in its place

    // The server's copy of the same message (chat_message to the sender) changes nothing.
    model.applyMessage(stored(12, me, u"new"_s, 12, u"c1"_s));
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(reset.count(), 0);
}

void ClientModelsTest::ackMovesTheEchoBehindNewerMessages()
{
    MessageListModel model(me, peerId);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.prime({stored(10, peerId, u"hi"_s)});
    model.addLocalEcho(echo(u"mine"_s, u"c1"_s));
    model.addLocalEcho(echo(u"mine 2"_s, u"c2"_s));
    // The peer's message was stored before mine.
    model.applyMessage(stored(11, peerId, u"theirs"_s));
    QCOMPARE(contents(model), (QStringList{u"mine 2"_s, u"mine"_s, u"theirs"_s, u"hi"_s}));

    QSignalSpy moved(&model, &QAbstractItemModel::rowsMoved);
    QVERIFY(model.applyAck({u"c1"_s, 12, 7, base.addSecs(12)}));
    QCOMPARE(contents(model), (QStringList{u"mine 2"_s, u"mine"_s, u"theirs"_s, u"hi"_s}));
    QCOMPARE(moved.count(), 0);
    model.applyMessage(stored(13, peerId, u"theirs 2"_s));
    QCOMPARE(contents(model),
             (QStringList{u"mine 2"_s, u"theirs 2"_s, u"mine"_s, u"theirs"_s, u"hi"_s}));
    QVERIFY(model.applyAck({u"c2"_s, 14, 7, base.addSecs(14)}));
    QCOMPARE(contents(model),
             (QStringList{u"mine 2"_s, u"theirs 2"_s, u"mine"_s, u"theirs"_s, u"hi"_s}));

    // An ack that overtook a message stored before it: the echo moves down behind it.
    model.addLocalEcho(echo(u"late"_s, u"c3"_s));
    model.applyMessage(stored(16, peerId, u"newer"_s));
    QVERIFY(model.applyAck({u"c3"_s, 15, 7, base.addSecs(15)}));
    QCOMPARE(moved.count(), 1);
    QCOMPARE(contents(model).mid(0, 3), (QStringList{u"newer"_s, u"late"_s, u"mine 2"_s}));
    QVERIFY(!model.applyAck({u"unknown"_s, 99, 7, {}}));
}

void ClientModelsTest::storedCopyBeforeTheAckSettlesTheEcho()
{
    MessageListModel model(me, peerId);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.addLocalEcho(echo(u"resumed"_s, u"c1"_s));
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    model.applyMessage(stored(20, me, u"resumed"_s, 20, u"c1"_s));
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(inserted.count(), 0);
    QCOMPARE(at(model, 0, MessageListModel::StatusRole).toInt(), int(MessageStatus::Sent));
    QVERIFY(model.applyAck({u"c1"_s, 20, 7, {}})); // the ack comes late: nothing to do
    QCOMPARE(model.rowCount(), 1);
}

void ClientModelsTest::readReceiptTurnsTicksDouble()
{
    MessageListModel model(me, peerId);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.prime({stored(1, me, u"a"_s), stored(2, peerId, u"b"_s), stored(3, me, u"c"_s),
                 stored(4, me, u"d"_s)});
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.markReadUpTo(3, base);
    QCOMPARE(at(model, 0, MessageListModel::StatusRole).toInt(), int(MessageStatus::Sent)); // d
    QCOMPARE(at(model, 1, MessageListModel::StatusRole).toInt(), int(MessageStatus::Read)); // c
    QCOMPARE(at(model, 2, MessageListModel::StatusRole).toInt(),
             int(MessageStatus::None)); // theirs
    QCOMPARE(at(model, 3, MessageListModel::StatusRole).toInt(), int(MessageStatus::Read)); // a
    QCOMPARE(changed.count(), 1);
    QCOMPARE(model.newestIncomingId(), 2);
}

void ClientModelsTest::failedMessageKeepsItsRowUntilDiscarded()
{
    MessageListModel model(me, peerId);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.addLocalEcho(echo(u"x"_s, u"c1"_s));
    model.setFailed(u"c1"_s, u"nope"_s);
    QCOMPARE(at(model, 0, MessageListModel::StatusRole).toInt(), int(MessageStatus::Failed));
    QCOMPARE(at(model, 0, MessageListModel::ErrorRole).toString(), u"nope"_s);
    model.setSending(u"c1"_s);
    QCOMPARE(at(model, 0, MessageListModel::StatusRole).toInt(), int(MessageStatus::Sending));
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    model.removeLocal(u"c1"_s);
    QCOMPARE(removed.count(), 1);
    QCOMPARE(model.rowCount(), 0);
}

void ClientModelsTest::pagingAppendsOlderMessagesOnePageAtATime()
{
    MessageListModel model(me, peerId);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    // A server with messages 1..120.
    QList<std::pair<qint64, MessageListModel::PageDone>> requests;
    model.setPager([&](qint64 before, int limit, MessageListModel::PageDone done) {
        QCOMPARE(limit, MessageListModel::pageSize);
        requests.append({before, done});
    });
    const auto page = [](qint64 before, int limit) {
        QList<Message> list;
        const qint64 top = before ? before - 1 : 120;
        for (qint64 id = std::max<qint64>(1, top - limit + 1); id <= top; ++id)
            list.append(stored(id, id % 2 ? me : peerId, u"m%1"_s.arg(id)));
        return list;
    };
    // (The model tester calls fetchMore() too, whenever rows change: the model must cope.)
    model.fetchMore({});
    QVERIFY(model.isLoading());
    QVERIFY(!model.canFetchMore({}));
    model.fetchMore({}); // ignored while loading
    QCOMPARE(requests.size(), 1);
    QCOMPARE(requests.at(0).first, 0);
    requests.constLast().second(true, page(0, 50), {});
    QCOMPARE(model.rowCount(), 50);
    QCOMPARE(at(model, 0, MessageListModel::MessageIdRole).toLongLong(), 120);

    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    model.fetchMore({});
    QCOMPARE(requests.size(), 2);
    QCOMPARE(requests.at(1).first, 71);
    requests.at(1).second(true, page(71, 50), {});
    QCOMPARE(model.rowCount(), 100);
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(inserted.at(0).at(1).toInt(), 50);
    QCOMPARE(inserted.at(0).at(2).toInt(), 99);
    model.fetchMore({});
    QCOMPARE(requests.size(), 3);
    requests.at(2).second(false, {}, u"offline"_s);
    QCOMPARE(model.loadError(), u"offline"_s);
    QVERIFY(model.canFetchMore({}));
    model.fetchMore({});
    QCOMPARE(requests.size(), 4);
    QCOMPARE(requests.at(3).first, 21);
    requests.at(3).second(true, page(21, 50), {});
    QCOMPARE(model.rowCount(), 120);
    QVERIFY(model.atStart());
    QVERIFY(!model.canFetchMore({}));
    QCOMPARE(reset.count(), 0);
    for (int row = 0; row < 120; ++row)
        QCOMPARE(at(model, row, MessageListModel::MessageIdRole).toLongLong(), 120 - row);
}

void ClientModelsTest::latestPageThatDoesNotReachTheCacheReplacesIt()
{
    MessageListModel model(me, peerId);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.prime({stored(1, me, u"old 1"_s), stored(2, peerId, u"old 2"_s)});
    model.addLocalEcho(echo(u"pending"_s, u"c1"_s));
    QList<Message> latest;
    for (qint64 id = 100; id < 100 + MessageListModel::pageSize; ++id)
        latest.append(stored(id, peerId, u"new %1"_s.arg(id)));
    model.applyLatestPage(latest, false);
    QCOMPARE(model.rowCount(), 1 + MessageListModel::pageSize);
    QVERIFY(!contents(model).contains(u"old 1"_s));
    QCOMPARE(at(model, 0, MessageListModel::ContentRole).toString(), u"pending"_s);
    QVERIFY(!model.atStart());

    // A page that overlaps merges without doubles.
    MessageListModel overlap(me, peerId);
    overlap.prime({stored(1, me, u"a"_s), stored(2, peerId, u"b"_s)});
    overlap.applyLatestPage({stored(2, peerId, u"b"_s), stored(3, peerId, u"c"_s)}, true);
    QCOMPARE(contents(overlap), (QStringList{u"c"_s, u"b"_s, u"a"_s}));
    QVERIFY(overlap.atStart());
}

void ClientModelsTest::daySeparatorsAndGroups()
{
    MessageListModel model(me, peerId);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const QDateTime today = QDateTime::currentDateTime();
    auto at_ = [&](qint64 id, qint64 sender, const QDateTime &t) {
        Message m = stored(id, sender, u"m%1"_s.arg(id));
        m.timestamp = m.createdAt = t.toUTC();
        return m;
    };
    const QDateTime yesterday = today.addDays(-1);
    model.prime({at_(1, peerId, yesterday), at_(2, peerId, yesterday.addSecs(30)),
                 at_(3, me, today.addSecs(-120)), at_(4, me, today.addSecs(-60))});
    // Rows: 0 = m4, 1 = m3, 2 = m2, 3 = m1.
    QCOMPARE(at(model, 3, MessageListModel::ShowDayRole).toBool(), true);
    QCOMPARE(at(model, 3, MessageListModel::DayTextRole).toString(), u"Yesterday"_s);
    QCOMPARE(at(model, 2, MessageListModel::ShowDayRole).toBool(), false);
    QCOMPARE(at(model, 1, MessageListModel::ShowDayRole).toBool(), true);
    QCOMPARE(at(model, 1, MessageListModel::DayTextRole).toString(), u"Today"_s);
    QCOMPARE(at(model, 0, MessageListModel::ShowDayRole).toBool(), false);
    QCOMPARE(at(model, 3, MessageListModel::FirstInGroupRole).toBool(), true);
    QCOMPARE(at(model, 2, MessageListModel::FirstInGroupRole).toBool(), false);
    QCOMPARE(at(model, 2, MessageListModel::LastInGroupRole).toBool(), true);
    QCOMPARE(at(model, 1, MessageListModel::FirstInGroupRole).toBool(), true);
    QCOMPARE(at(model, 1, MessageListModel::LastInGroupRole).toBool(), false);
    QCOMPARE(at(model, 0, MessageListModel::LastInGroupRole).toBool(), true);

    // A new message of mine joins the group: the old top is no longer its last.
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.applyMessage(at_(5, me, today));
    QCOMPARE(at(model, 1, MessageListModel::LastInGroupRole).toBool(), false);
    QCOMPARE(at(model, 0, MessageListModel::LastInGroupRole).toBool(), true);
    QVERIFY(changed.count() >= 1);
}

void ClientModelsTest::conversationMovesToTopOnNewMessage()
{
    ConversationListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setMe(me);
    QList<Conversation> list;
    for (qint64 peer : {2, 3, 4}) {
        Conversation c;
        c.id = peer * 10;
        c.user1Id = me;
        c.user2Id = peer;
        c.peer = user(peer, u"user%1"_s.arg(peer));
        Message m = stored(peer, peer, u"from %1"_s.arg(peer), peer * 100);
        m.receiverId = me;
        c.lastMessage = m;
        c.lastMessageId = m.id;
        list.append(c);
    }
    model.load(list);
    QCOMPARE(model.peerIdAt(0), 4);
    QCOMPARE(model.peerIdAt(2), 2);

    QSignalSpy moved(&model, &QAbstractItemModel::rowsMoved);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    Message m = stored(50, 2, u"news"_s, 500);
    m.receiverId = me;
    model.applyMessage(m, user(2, u"user2"_s), true);
    QCOMPARE(model.peerIdAt(0), 2);
    QCOMPARE(moved.count(), 1);
    QCOMPARE(reset.count(), 0);
    QCOMPARE(at(model, 0, ConversationListModel::LastMessageRole).toString(), u"news"_s);
    QCOMPARE(at(model, 0, ConversationListModel::UnreadCountRole).toInt(), 1);

    // A local echo to someone new: a row on top.
    model.applyLocalEcho(echo(u"hello new"_s, u"c9"_s), user(9, u"nina"_s));
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(model.peerIdAt(0), 9);
    QCOMPARE(at(model, 0, ConversationListModel::LastMessageStatusRole).toInt(),
             int(MessageStatus::Sending));
    QCOMPARE(at(model, 0, ConversationListModel::LastMessageMineRole).toBool(), true);
    QCOMPARE(at(model, 0, ConversationListModel::AvatarInitialRole).toString(), u"N"_s);
}

void ClientModelsTest::unreadCountsOnlyNewIncomingMessages()
{
    ConversationListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setMe(me);
    QSignalSpy total(&model, &ConversationListModel::unreadTotalChanged);
    const User bob = user(peerId, u"bob"_s);
    model.applyMessage(stored(5, peerId, u"a"_s), bob, true);
    model.applyMessage(stored(6, peerId, u"b"_s), bob, true);
    QCOMPARE(model.unreadTotal(), 2);
    // The same message again (a resume) and an older one (paged) do not count.
    model.applyMessage(stored(6, peerId, u"b"_s), bob, true);
    model.applyMessage(stored(3, peerId, u"old"_s), bob, true);
    QCOMPARE(model.unreadTotal(), 2);
    QCOMPARE(at(model, 0, ConversationListModel::LastMessageRole).toString(), u"b"_s);
    // Mine never count; reading resets.
    model.applyMessage(stored(7, me, u"mine"_s), bob, true);
    QCOMPARE(model.unreadTotal(), 2);
    model.setUnreadCount(peerId, 0);
    QCOMPARE(model.unreadTotal(), 0);
    QCOMPARE(total.count(), 3);
    // The peer read mine: ✓✓ on the preview.
    model.markReadByPeer(peerId, 7);
    QCOMPARE(at(model, 0, ConversationListModel::LastMessageStatusRole).toInt(),
             int(MessageStatus::Read));
}

void ClientModelsTest::syncDoesNotResetAndKeepsNewerState()
{
    ConversationListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setMe(me);
    const User bob = user(peerId, u"bob"_s);
    model.applyMessage(stored(8, peerId, u"live"_s), bob, true);
    model.applyMessage(stored(9, peerId, u"live 2"_s), bob, true);

    Conversation older;
    older.id = 7;
    older.user1Id = me;
    older.user2Id = peerId;
    older.peer = user(peerId, u"bob"_s, true);
    older.lastMessage = stored(8, peerId, u"live"_s);
    older.lastMessageId = 8;
    older.unreadCount = 1;
    Conversation other;
    other.id = 8;
    other.user1Id = me;
    other.user2Id = 5;
    other.peer = user(5, u"eve"_s);

    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    model.sync({older, other});
    QCOMPARE(reset.count(), 0);
    QCOMPARE(model.rowCount(), 2);
    const int bobRow = model.rowOf(peerId);
    QCOMPARE(at(model, bobRow, ConversationListModel::LastMessageRole).toString(), u"live 2"_s);
    QCOMPARE(at(model, bobRow, ConversationListModel::UnreadCountRole).toInt(), 2);
    QCOMPARE(at(model, bobRow, ConversationListModel::OnlineRole).toBool(), true);

    // A list without eve removes her row, one row removal.
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    model.sync({older});
    QCOMPARE(removed.count(), 1);
    QCOMPARE(model.rowCount(), 1);
}

void ClientModelsTest::presenceAndTypingChangeRows()
{
    ConversationListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setMe(me);
    model.applyMessage(stored(5, peerId, u"a"_s), user(peerId, u"bob"_s), false);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.setPresence(peerId, true, {});
    QCOMPARE(at(model, 0, ConversationListModel::OnlineRole).toBool(), true);
    model.setTyping(peerId, true);
    QCOMPARE(at(model, 0, ConversationListModel::TypingRole).toBool(), true);
    model.setTyping(peerId, true); // no change, no signal
    QCOMPARE(changed.count(), 2);
    // Going offline ends typing and gives a last-seen time.
    model.setPresence(peerId, false, base);
    QCOMPARE(at(model, 0, ConversationListModel::OnlineRole).toBool(), false);
    QCOMPARE(at(model, 0, ConversationListModel::TypingRole).toBool(), false);
    QCOMPARE(at(model, 0, ConversationListModel::LastSeenRole).toDateTime(), base);
    // A message from the typist ends typing too.
    model.setTyping(peerId, true);
    model.applyMessage(stored(6, peerId, u"b"_s), user(peerId, u"bob"_s), false);
    QCOMPARE(at(model, 0, ConversationListModel::TypingRole).toBool(), false);
}

void ClientModelsTest::userSearchDropsStaleAnswersAndExcludesMe()
{
    UserSearchModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setExcludedUser(me);
    QList<std::pair<QString, std::function<void(bool, const QList<User> &, const QString &)>>>
            calls;
    model.setSearch([&](const QString &query, auto done) { calls.append({query, done}); });
    model.setQuery(u"b"_s);
    model.refresh();
    model.setQuery(u"bo"_s);
    model.refresh();
    QCOMPARE(calls.size(), 2);
    calls.at(1).second(true, {user(me, u"bob-me"_s), user(3, u"bob"_s)}, {});
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(at(model, 0, UserSearchModel::UsernameRole).toString(), u"bob"_s);
    calls.at(0).second(true, {user(4, u"barbara"_s)}, {}); // stale: dropped
    QCOMPARE(model.rowCount(), 1);
    QVERIFY(!model.isBusy());
    // The pause: several edits, one search.
    model.setQuery(u"bobb"_s);
    model.setQuery(u"bobby"_s);
    QTRY_COMPARE(calls.size(), 3);
    QCOMPARE(calls.at(2).first, u"bobby"_s);
    calls.at(2).second(false, {}, u"Cannot reach the server"_s);
    QCOMPARE(model.error(), u"Cannot reach the server"_s);
    QCOMPARE(model.rowCount(), 1);
}

void ClientModelsTest::typingNotifierAnnouncesAndStops()
{
    QList<std::pair<qint64, bool>> sent;
    TypingNotifier notifier([&](qint64 peer, bool typing) { sent.append({peer, typing}); });
    notifier.setIdleInterval(200);
    notifier.edited(5, false);
    notifier.edited(5, false);
    notifier.edited(5, false);
    QCOMPARE(sent, (QList<std::pair<qint64, bool>>{{5, true}}));
    // Idle: "false" by itself.
    QTRY_COMPARE(sent.size(), 2);
    QCOMPARE(sent.at(1), std::make_pair(qint64(5), false));
    // Switching peers ends the first.
    notifier.edited(5, false);
    notifier.edited(6, false);
    QCOMPARE(sent.mid(2), (QList<std::pair<qint64, bool>>{{5, true}, {5, false}, {6, true}}));
    // Clearing the text, and stop(), end it; a second stop() sends nothing.
    notifier.edited(6, true);
    QCOMPARE(sent.constLast(), std::make_pair(qint64(6), false));
    const auto count = sent.size();
    notifier.stop();
    QCOMPARE(sent.size(), count);
}

void ClientModelsTest::humanTexts()
{
    const QDateTime now(QDate(2026, 3, 12), QTime(15, 0));
    QCOMPARE(format::dayLabel(now.date(), now.date()), u"Today"_s);
    QCOMPARE(format::dayLabel(now.date().addDays(-1), now.date()), u"Yesterday"_s);
    QVERIFY(format::dayLabel(QDate(2025, 1, 2), now.date()).contains(u"2025"_s));
    QCOMPARE(format::listTime(now.addSecs(-3600), now), format::clockTime(now.addSecs(-3600)));
    QCOMPARE(format::listTime(now.addDays(-1), now), u"Yesterday"_s);
    QCOMPARE(format::presence(true, {}, now), u"online"_s);
    QCOMPARE(format::presence(false, {}, now), u"last seen recently"_s);
    QCOMPARE(format::presence(false, now.addSecs(-30), now), u"last seen just now"_s);
    QCOMPARE(format::presence(false, now.addSecs(-600), now), u"last seen 10 minutes ago"_s);
    QVERIFY(format::presence(false, now.addSecs(-7200), now).startsWith(u"last seen today at"_s));
    QVERIFY(format::presence(false, now.addDays(-1), now).startsWith(u"last seen yesterday at"_s));
    QCOMPARE(format::preview(u"  two\n\nlines  "_s), u"two lines"_s);
    QCOMPARE(format::preview(u"abcdef"_s, 4), u"abc…"_s);
    QCOMPARE(format::initial(u"_bob"_s), u"B"_s);
    QCOMPARE(format::initial(QString()), u"?"_s);
    QCOMPARE(format::avatarHue(3), format::avatarHue(3));
    QVERIFY(format::avatarHue(3) != format::avatarHue(4));
}

QTEST_GUILESS_MAIN(ClientModelsTest)
#include "tst_client_models.moc"
