// SPDX-License-Identifier: MIT
// Two (or three) ChatClient instances in one process chat through a real fastchat-server,
// on SQLite and on PostgreSQL: what one sends arrives in the other's models, and unread
// counts, presence, typing and read ticks follow; a socket killed mid-send still delivers
// exactly once; access tokens are renewed without the user noticing. Every model the
// clients hand out runs under QAbstractItemModelTester.
#include "ClientHarness.h"
#include "TestServer.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <ApiClient.h>
#include <ChatClient.h>
#include <ConversationListModel.h>
#include <MessageListModel.h>
#include <Session.h>
#include <SocketClient.h>

using namespace Qt::StringLiterals;
using namespace fastchat::client;
using namespace clienttest;

class ClientChatTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void messageArrivesInTheOtherClientsModels_data() { addDriverRows(); }
    void messageArrivesInTheOtherClientsModels();
    void unreadCountsAndReadTicksFollowReading_data() { addDriverRows(); }
    void unreadCountsAndReadTicksFollowReading();
    void typingReachesThePeer_data() { addDriverRows(); }
    void typingReachesThePeer();
    void presenceFollowsConnections_data() { addDriverRows(); }
    void presenceFollowsConnections();
    void messageSurvivesAbortedSocketExactlyOnce_data() { addDriverRows(); }
    void messageSurvivesAbortedSocketExactlyOnce();
    void burstSurvivesAbortedSocketInOrder_data() { addDriverRows(); }
    void burstSurvivesAbortedSocketInOrder();
    void resentClientIdIsStoredOnce_data() { addDriverRows(); }
    void resentClientIdIsStoredOnce();
    void expiringAccessTokenIsRenewedSilently_data() { addDriverRows(); }
    void expiringAccessTokenIsRenewedSilently();
    void refusedAccessTokenIsRenewedSilently_data() { addDriverRows(); }
    void refusedAccessTokenIsRenewedSilently();
    void olderHistoryIsPagedIn_data() { addDriverRows(); }
    void olderHistoryIsPagedIn();
    void refusedMessageIsMarkedFailed_data() { addDriverRows(); }
    void refusedMessageIsMarkedFailed();
    void wrongPasswordIsExplained_data() { addDriverRows(); }
    void wrongPasswordIsExplained();
    void unsentMessageSurvivesRestart_data() { addDriverRows(); }
    void unsentMessageSurvivesRestart();
    void draftSurvivesRestart_data() { addDriverRows(); }
    void draftSurvivesRestart();
    void newChatStartsFromUserSearch_data() { addDriverRows(); }
    void newChatStartsFromUserSearch();

private:
    // Starts the server and signs in alice and bob; bob already has a message from alice.
    // Returns an empty string, or what went wrong.
    QString setUp(TestServer &server, TestUser &alice, TestUser &bob);
    QTemporaryDir m_data;
};

void ClientChatTest::initTestCase()
{
    QVERIFY(m_data.isValid());
}

QString ClientChatTest::setUp(TestServer &server, TestUser &alice, TestUser &bob)
{
    QFETCH(QString, driver);
    if (!server.start(driver))
        return server.errorString();
    alice.account = server.registerUser(u"alice"_s);
    bob.account = server.registerUser(u"bob"_s);
    if (!alice.account.id || !bob.account.id)
        return u"cannot register the users"_s;
    signIn(alice, server, m_data.path());
    if (QTest::currentTestFailed())
        return u"alice cannot sign in"_s;
    signIn(bob, server, m_data.path());
    if (QTest::currentTestFailed())
        return u"bob cannot sign in"_s;
    return {};
}

void ClientChatTest::messageArrivesInTheOtherClientsModels()
{
    TestServer server;
    TestUser alice, bob;
    const QString problem = setUp(server, alice, bob);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    MessageListModel *aliceView = alice.open(bob.account.id);
    QVERIFY(aliceView);
    // Nobody she talked to yet: the name comes from the server a moment later.
    QTRY_COMPARE_WITH_TIMEOUT(alice->currentPeerName(), u"bob"_s, waitMs);
    QSignalSpy inserted(aliceView, &QAbstractItemModel::rowsInserted);
    QSignalSpy reset(aliceView, &QAbstractItemModel::modelReset);
    QVERIFY(alice->sendMessage(u"  Hello Bob!\nSecond line  "_s));
    // The local echo is there at once, trimmed at the edges only.
    QCOMPARE(aliceView->rowCount(), 1);
    QCOMPARE(roleAt(aliceView, 0, MessageListModel::ContentRole).toString(),
             u"Hello Bob!\nSecond line"_s);
    QCOMPARE(roleAt(aliceView, 0, MessageListModel::MineRole).toBool(), true);
    QTRY_COMPARE_WITH_TIMEOUT(roleAt(aliceView, 0, MessageListModel::StatusRole).toInt(),
                              int(MessageStatus::Sent), waitMs);
    QVERIFY(roleAt(aliceView, 0, MessageListModel::MessageIdRole).toLongLong() > 0);
    QCOMPARE(aliceView->rowCount(), 1); // the server's copy did not add a row
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(reset.count(), 0);

    // Bob: a conversation row with the preview, and the message in his model.
    QTRY_VERIFY_WITH_TIMEOUT(bob->conversations()->contains(alice.account.id), waitMs);
    QCOMPARE(conversationRole(bob.client.get(), alice.account.id,
                              ConversationListModel::PeerNameRole)
                     .toString(),
             u"alice"_s);
    QCOMPARE(conversationRole(bob.client.get(), alice.account.id,
                              ConversationListModel::LastMessageRole)
                     .toString(),
             u"Hello Bob! Second line"_s);
    QCOMPARE(conversationRole(bob.client.get(), alice.account.id,
                              ConversationListModel::AvatarInitialRole)
                     .toString(),
             u"A"_s);
    MessageListModel *bobView = bob.open(alice.account.id);
    QTRY_COMPARE_WITH_TIMEOUT(countContent(bobView, u"Hello Bob!\nSecond line"_s), 1, waitMs);
    QCOMPARE(roleAt(bobView, 0, MessageListModel::MineRole).toBool(), false);
    QCOMPARE(roleAt(bobView, 0, MessageListModel::StatusRole).toInt(), int(MessageStatus::None));

    // And back: Alice gets Bob's answer live, on top, and the conversation stays one row.
    QVERIFY(bob->sendMessage(u"Hi Alice"_s));
    QTRY_COMPARE_WITH_TIMEOUT(countContent(aliceView, u"Hi Alice"_s), 1, waitMs);
    QCOMPARE(rowOfContent(aliceView, u"Hi Alice"_s), 0);
    QCOMPARE(aliceView->rowCount(), 2);
    QCOMPARE(alice->conversations()->rowCount(), 1);
    QCOMPARE(reset.count(), 0);
}

void ClientChatTest::unreadCountsAndReadTicksFollowReading()
{
    TestServer server;
    TestUser alice, bob;
    const QString problem = setUp(server, alice, bob);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    bob->setWindowActive(false); // Bob is looking elsewhere

    MessageListModel *aliceView = alice.open(bob.account.id);
    QVERIFY(alice->sendMessage(u"one"_s));
    QVERIFY(alice->sendMessage(u"two"_s));
    QTRY_COMPARE_WITH_TIMEOUT(conversationRole(bob.client.get(), alice.account.id,
                                               ConversationListModel::UnreadCountRole)
                                      .toInt(),
                              2, waitMs);
    QCOMPARE(bob->unreadTotal(), 2);
    QTRY_COMPARE_WITH_TIMEOUT(roleAt(aliceView, 0, MessageListModel::StatusRole).toInt(),
                              int(MessageStatus::Sent), waitMs);
    QTRY_COMPARE_WITH_TIMEOUT(roleAt(aliceView, 1, MessageListModel::StatusRole).toInt(),
                              int(MessageStatus::Sent), waitMs);

    // Bob opens the conversation, but his window is not active: still unread.
    MessageListModel *bobView = bob.open(alice.account.id);
    QTRY_COMPARE_WITH_TIMEOUT(bobView->rowCount(), 2, waitMs);
    QCOMPARE(bob->unreadTotal(), 2);

    // He comes back to the window: read, and Alice sees ✓✓ on both.
    bob->setWindowActive(true);
    QTRY_COMPARE_WITH_TIMEOUT(bob->unreadTotal(), 0, waitMs);
    QTRY_COMPARE_WITH_TIMEOUT(roleAt(aliceView, 0, MessageListModel::StatusRole).toInt(),
                              int(MessageStatus::Read), waitMs);
    QCOMPARE(roleAt(aliceView, 1, MessageListModel::StatusRole).toInt(), int(MessageStatus::Read));
    QTRY_COMPARE_WITH_TIMEOUT(conversationRole(alice.client.get(), bob.account.id,
                                               ConversationListModel::LastMessageStatusRole)
                                      .toInt(),
                              int(MessageStatus::Read), waitMs);

    // While he is reading, new messages do not count as unread at all.
    QVERIFY(alice->sendMessage(u"three"_s));
    QTRY_COMPARE_WITH_TIMEOUT(countContent(bobView, u"three"_s), 1, waitMs);
    QTRY_COMPARE_WITH_TIMEOUT(roleAt(aliceView, 0, MessageListModel::StatusRole).toInt(),
                              int(MessageStatus::Read), waitMs);
    QCOMPARE(bob->unreadTotal(), 0);

    // The server agrees (a fresh sync keeps the counts).
    QSignalSpy synced(bob.client.get(), &ChatClient::conversationsSynced);
    bob->socket()->abortConnection();
    QTRY_VERIFY_WITH_TIMEOUT(synced.count() > 0, waitMs);
    QCOMPARE(bob->unreadTotal(), 0);
}

void ClientChatTest::typingReachesThePeer()
{
    TestServer server;
    TestUser alice, bob;
    const QString problem = setUp(server, alice, bob);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    alice.open(bob.account.id);
    QVERIFY(alice->sendMessage(u"hi"_s));
    QTRY_VERIFY_WITH_TIMEOUT(bob->conversations()->contains(alice.account.id), waitMs);
    bob.open(alice.account.id);

    const auto aliceSeesTyping = [&] {
        return conversationRole(alice.client.get(), bob.account.id,
                                ConversationListModel::TypingRole)
                .toBool();
    };
    bob->composerEdited(u"H"_s);
    QTRY_VERIFY_WITH_TIMEOUT(aliceSeesTyping(), waitMs);
    QVERIFY(alice->currentPeerTyping());
    QCOMPARE(alice->currentPeerStatus(), u"typing…"_s);

    // Clearing the text stops it at once.
    bob->composerEdited(QString());
    QTRY_VERIFY_WITH_TIMEOUT(!aliceSeesTyping(), waitMs);
    QCOMPARE(alice->currentPeerStatus(), u"online"_s);

    // Sending stops it too.
    bob->composerEdited(u"Hello"_s);
    QTRY_VERIFY_WITH_TIMEOUT(aliceSeesTyping(), waitMs);
    QVERIFY(bob->sendMessage(u"Hello"_s));
    QTRY_VERIFY_WITH_TIMEOUT(!aliceSeesTyping(), waitMs);
    QTRY_COMPARE_WITH_TIMEOUT(conversationRole(alice.client.get(), bob.account.id,
                                               ConversationListModel::LastMessageRole)
                                      .toString(),
                              u"Hello"_s, waitMs);
    QVERIFY(!aliceSeesTyping());

    // And a pause: the typist's client sends "false" after TypingNotifier::idleMs.
    bob->composerEdited(u"Still th"_s);
    QTRY_VERIFY_WITH_TIMEOUT(aliceSeesTyping(), waitMs);
    QTRY_VERIFY_WITH_TIMEOUT(!aliceSeesTyping(), waitMs);
}

void ClientChatTest::presenceFollowsConnections()
{
    TestServer server;
    TestUser alice, bob;
    const QString problem = setUp(server, alice, bob);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    alice.open(bob.account.id);
    QVERIFY(alice->sendMessage(u"are you there?"_s));
    QTRY_VERIFY_WITH_TIMEOUT(bob->conversations()->contains(alice.account.id), waitMs);

    const auto aliceSeesBobOnline = [&] {
        return conversationRole(alice.client.get(), bob.account.id,
                                ConversationListModel::OnlineRole)
                .toBool();
    };
    QTRY_VERIFY_WITH_TIMEOUT(aliceSeesBobOnline(), waitMs);
    QVERIFY(alice->currentPeerOnline());
    QCOMPARE(conversationRole(bob.client.get(), alice.account.id, ConversationListModel::OnlineRole)
                     .toBool(),
             true);

    // Bob quits: Alice sees him offline with a "last seen".
    bob.reset();
    QTRY_VERIFY_WITH_TIMEOUT(!aliceSeesBobOnline(), waitMs);
    QVERIFY(conversationRole(alice.client.get(), bob.account.id,
                             ConversationListModel::LastSeenRole)
                    .toDateTime()
                    .isValid());
    QVERIFY2(alice->currentPeerStatus().startsWith(u"last seen"_s),
             qPrintable(alice->currentPeerStatus()));

    // He comes back.
    signIn(bob, server, m_data.path());
    QTRY_VERIFY_WITH_TIMEOUT(aliceSeesBobOnline(), waitMs);
    QCOMPARE(alice->currentPeerStatus(), u"online"_s);
}

void ClientChatTest::messageSurvivesAbortedSocketExactlyOnce()
{
    TestServer server;
    TestUser alice, bob;
    const QString problem = setUp(server, alice, bob);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    MessageListModel *aliceView = alice.open(bob.account.id);
    const int connections = alice->socket()->connectionCount();

    // Kill the socket right after the frame was handed to it: whether it left or not,
    // the message must arrive, once.
    QVERIFY(alice->sendMessage(u"survivor"_s));
    alice->socket()->abortConnection();
    QVERIFY(alice->socket()->state() != SocketClient::State::Online);
    QCOMPARE(roleAt(aliceView, 0, MessageListModel::StatusRole).toInt(),
             int(MessageStatus::Sending));
    QTRY_VERIFY_WITH_TIMEOUT(alice->socket()->connectionCount() > connections, waitMs);
    QTRY_COMPARE_WITH_TIMEOUT(alice->connectionState(), ChatClient::Online, waitMs);

    MessageListModel *bobView = bob.open(alice.account.id);
    QTRY_COMPARE_WITH_TIMEOUT(countContent(bobView, u"survivor"_s), 1, waitMs);
    QTRY_COMPARE_WITH_TIMEOUT(
            roleAt(aliceView, rowOfContent(aliceView, u"survivor"_s), MessageListModel::StatusRole)
                            .toInt()
                    >= int(MessageStatus::Sent),
            true, waitMs);

    // Kill it again at the moment Bob receives the next one: the ack may be lost on the way;
    // the re-send after the reconnect must not store it twice.
    QMetaObject::Connection killer = connect(bob->socket(), &SocketClient::messageReceived,
                                             alice.client.get(), [&](const fastchat::Message &m) {
                                                 if (m.content == u"second"_s)
                                                     alice->socket()->abortConnection();
                                             });
    QVERIFY(alice->sendMessage(u"second"_s));
    QTRY_COMPARE_WITH_TIMEOUT(countContent(bobView, u"second"_s), 1, waitMs);
    disconnect(killer);
    QTRY_COMPARE_WITH_TIMEOUT(alice->connectionState(), ChatClient::Online, waitMs);

    // A last message orders after everything before it: when it is there, any double would be too.
    QVERIFY(alice->sendMessage(u"barrier"_s));
    QTRY_COMPARE_WITH_TIMEOUT(countContent(bobView, u"barrier"_s), 1, waitMs);
    QTRY_COMPARE_WITH_TIMEOUT(roleAt(aliceView, 0, MessageListModel::StatusRole).toInt()
                                      >= int(MessageStatus::Sent),
                              true, waitMs);
    QCOMPARE(countContent(bobView, u"survivor"_s), 1);
    QCOMPARE(countContent(bobView, u"second"_s), 1);
    QCOMPARE(countContent(aliceView, u"survivor"_s), 1);
    QCOMPARE(countContent(aliceView, u"second"_s), 1);
    QCOMPARE(aliceView->rowCount(), 3);
    QVERIFY(alice->socket()->outbox().isEmpty());
    const QString token = server.accessToken(bob.account);
    QCOMPARE(server.countStored(token, alice.account.id, u"survivor"_s), 1);
    QCOMPARE(server.countStored(token, alice.account.id, u"second"_s), 1);
}

void ClientChatTest::burstSurvivesAbortedSocketInOrder()
{
    TestServer server;
    TestUser alice, bob;
    const QString problem = setUp(server, alice, bob);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    MessageListModel *aliceView = alice.open(bob.account.id);
    constexpr int total = 20;
    for (int i = 0; i < total; ++i) {
        QVERIFY(alice->sendMessage(u"burst %1"_s.arg(i)));
        if (i == total / 2)
            alice->socket()->abortConnection();
    }
    QCOMPARE(aliceView->rowCount(), total);
    MessageListModel *bobView = bob.open(alice.account.id);
    QTRY_COMPARE_WITH_TIMEOUT(bobView->rowCount(), total, waitMs);
    // Newest first, in the order they were written, each once.
    for (int i = 0; i < total; ++i)
        QCOMPARE(roleAt(bobView, total - 1 - i, MessageListModel::ContentRole).toString(),
                 u"burst %1"_s.arg(i));
    QTRY_VERIFY_WITH_TIMEOUT(alice->socket()->outbox().isEmpty(), waitMs);
    QCOMPARE(aliceView->rowCount(), total);
    for (int i = 0; i < total; ++i) {
        QCOMPARE(roleAt(aliceView, total - 1 - i, MessageListModel::ContentRole).toString(),
                 u"burst %1"_s.arg(i));
        QVERIFY(roleAt(aliceView, i, MessageListModel::StatusRole).toInt()
                >= int(MessageStatus::Sent));
    }
}

void ClientChatTest::resentClientIdIsStoredOnce()
{
    TestServer server;
    TestUser alice, bob;
    const QString problem = setUp(server, alice, bob);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    MessageListModel *aliceView = alice.open(bob.account.id);
    QVERIFY(alice->sendMessage(u"only once"_s));
    QTRY_COMPARE_WITH_TIMEOUT(roleAt(aliceView, 0, MessageListModel::StatusRole).toInt(),
                              int(MessageStatus::Sent), waitMs);
    // The same client_id again, as a client does after a lost ack.
    fastchat::NewMessage again;
    again.receiverId = bob.account.id;
    again.content = u"only once"_s;
    again.clientId = aliceView->clientIdAt(0);
    QVERIFY(!again.clientId.isEmpty());
    QSignalSpy acks(alice->socket(), &SocketClient::acknowledged);
    alice->socket()->sendChatMessage(again);
    QTRY_COMPARE_WITH_TIMEOUT(acks.count(), 1, waitMs);
    QCOMPARE(acks.at(0).at(0).value<fastchat::Ack>().id,
             roleAt(aliceView, 0, MessageListModel::MessageIdRole).toLongLong());

    QVERIFY(alice->sendMessage(u"barrier"_s));
    MessageListModel *bobView = bob.open(alice.account.id);
    QTRY_COMPARE_WITH_TIMEOUT(countContent(bobView, u"barrier"_s), 1, waitMs);
    QCOMPARE(countContent(bobView, u"only once"_s), 1);
    QCOMPARE(countContent(aliceView, u"only once"_s), 1);
    QCOMPARE(server.countStored(server.accessToken(bob.account), alice.account.id, u"only once"_s),
             1);
}

void ClientChatTest::expiringAccessTokenIsRenewedSilently()
{
    TestServer server;
    TestUser alice, bob;
    const QString problem = setUp(server, alice, bob);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    Session *session = alice->session();
    const QString before = session->accessToken();
    const int renewals = session->renewals();

    // Make the client believe its token runs out in two seconds: it renews before that.
    session->setAccessTokenExpiry(QDateTime::currentDateTimeUtc().addSecs(2));
    QTRY_VERIFY_WITH_TIMEOUT(session->renewals() > renewals, waitMs);
    QVERIFY(session->accessToken() != before);
    QVERIFY(session->accessTokenExpiry() > QDateTime::currentDateTimeUtc().addSecs(60));
    QVERIFY(alice->isSignedIn());
    QCOMPARE(alice->connectionState(), ChatClient::Online);

    // Everything still works with the new token.
    alice.open(bob.account.id);
    QVERIFY(alice->sendMessage(u"after renewal"_s));
    MessageListModel *bobView = bob.open(alice.account.id);
    QTRY_COMPARE_WITH_TIMEOUT(countContent(bobView, u"after renewal"_s), 1, waitMs);
    bool answered = false;
    bool ok = false;
    alice->api()->me(this, [&](ApiResult<fastchat::User> me) {
        answered = true;
        ok = me.ok() && me.value->id == alice.account.id;
    });
    QTRY_VERIFY_WITH_TIMEOUT(answered, waitMs);
    QVERIFY(ok);
    // The old refresh token was rotated away: the session is still the one and only.
    QCOMPARE(session->renewals(), renewals + 1);
}

void ClientChatTest::refusedAccessTokenIsRenewedSilently()
{
    TestServer server;
    TestUser alice, bob;
    const QString problem = setUp(server, alice, bob);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    Session *session = alice->session();

    // A REST call with a token the server refuses: renewed and asked again, invisibly.
    session->setAccessTokenForTesting(u"expired.or.forged"_s);
    int renewals = session->renewals();
    bool answered = false;
    ApiResult<QList<fastchat::User>> found;
    alice->api()->searchUsers(u"bo"_s, 10, this, [&](ApiResult<QList<fastchat::User>> result) {
        answered = true;
        found = result;
    });
    QTRY_VERIFY_WITH_TIMEOUT(answered, waitMs);
    QVERIFY2(found.ok(), qPrintable(found.error.message));
    QCOMPARE(found.value->size(), 1);
    QCOMPARE(session->renewals(), renewals + 1);

    // A reconnect with a refused token: the upgrade gets 401, the client renews and gets in.
    session->setAccessTokenForTesting(u"expired.or.forged"_s);
    renewals = session->renewals();
    const int connections = alice->socket()->connectionCount();
    alice->socket()->abortConnection();
    QTRY_VERIFY_WITH_TIMEOUT(alice->socket()->connectionCount() > connections, waitMs);
    QTRY_COMPARE_WITH_TIMEOUT(alice->connectionState(), ChatClient::Online, waitMs);
    QCOMPARE(session->renewals(), renewals + 1);
    QVERIFY(alice->isSignedIn());
}

void ClientChatTest::olderHistoryIsPagedIn()
{
    TestServer server;
    TestUser alice, bob;
    const QString problem = setUp(server, alice, bob);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    constexpr int total = 2 * MessageListModel::pageSize + 17;
    const QString bobToken = server.accessToken(bob.account);
    for (int i = 0; i < total; ++i)
        QVERIFY(server.postMessage(bobToken, alice.account.id, u"m%1"_s.arg(i)) > 0);
    // Alice's cache got them all live; on a new computer (no cache) they come page by page.
    QTRY_COMPARE_WITH_TIMEOUT(conversationRole(alice.client.get(), bob.account.id,
                                               ConversationListModel::LastMessageRole)
                                      .toString(),
                              u"m%1"_s.arg(total - 1), waitMs);
    alice.reset();
    QTemporaryDir newComputer;
    signIn(alice, server, newComputer.path());
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(alice->conversations()->rowCount(), 1);

    alice->setWindowActive(false);
    // No model tester while paging: it calls fetchMore() on every change and would page in
    // everything at once. One checks the model at the end.
    alice->openConversation(bob.account.id);
    MessageListModel *view = alice->messages();
    QVERIFY(view);
    QTRY_COMPARE_WITH_TIMEOUT(view->rowCount(), MessageListModel::pageSize, waitMs);
    QCOMPARE(roleAt(view, 0, MessageListModel::ContentRole).toString(), u"m%1"_s.arg(total - 1));
    QVERIFY(!view->atStart());
    QSignalSpy reset(view, &QAbstractItemModel::modelReset);
    while (!view->atStart()) {
        QTRY_VERIFY_WITH_TIMEOUT(view->canFetchMore({}), waitMs);
        const int before = view->rowCount();
        view->loadOlder();
        QVERIFY(view->isLoading());
        QVERIFY(!view->canFetchMore({})); // one page at a time
        QTRY_VERIFY_WITH_TIMEOUT(!view->isLoading(), waitMs);
        QVERIFY(view->rowCount() > before || view->atStart());
    }
    QCOMPARE(view->rowCount(), total);
    QCOMPARE(reset.count(), 0);
    QAbstractItemModelTester tester(view, QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (int row = 0; row < total; ++row)
        QCOMPARE(roleAt(view, row, MessageListModel::ContentRole).toString(),
                 u"m%1"_s.arg(total - 1 - row));
    // The oldest row starts its day.
    QVERIFY(roleAt(view, total - 1, MessageListModel::ShowDayRole).toBool());
    QCOMPARE(roleAt(view, total - 1, MessageListModel::DayTextRole).toString(), u"Today"_s);
}

void ClientChatTest::refusedMessageIsMarkedFailed()
{
    TestServer server;
    TestUser alice, bob;
    const QString problem = setUp(server, alice, bob);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    MessageListModel *view = alice.open(bob.account.id);
    QVERIFY(alice->sendMessage(u"before"_s));
    QTRY_COMPARE_WITH_TIMEOUT(roleAt(view, 0, MessageListModel::StatusRole).toInt(),
                              int(MessageStatus::Sent), waitMs);

    // Bob deletes his account; Alice's next message cannot be delivered.
    int status = 0;
    server.request("DELETE", u"/users/%1"_s.arg(bob.account.id), {},
                   server.accessToken(bob.account), &status);
    QCOMPARE(status, 200);
    QVERIFY(alice->sendMessage(u"too late"_s));
    QTRY_COMPARE_WITH_TIMEOUT(roleAt(view, 0, MessageListModel::StatusRole).toInt(),
                              int(MessageStatus::Failed), waitMs);
    QVERIFY(!roleAt(view, 0, MessageListModel::ErrorRole).toString().isEmpty());
    QCOMPARE(conversationRole(alice.client.get(), bob.account.id,
                              ConversationListModel::LastMessageStatusRole)
                     .toInt(),
             int(MessageStatus::Failed));

    // Retry: sending again, refused again. Discard: gone.
    const QString clientId = view->clientIdAt(0);
    alice->retryMessage(clientId);
    QCOMPARE(roleAt(view, 0, MessageListModel::StatusRole).toInt(), int(MessageStatus::Sending));
    QTRY_COMPARE_WITH_TIMEOUT(roleAt(view, 0, MessageListModel::StatusRole).toInt(),
                              int(MessageStatus::Failed), waitMs);
    alice->discardMessage(clientId);
    QCOMPARE(countContent(view, u"too late"_s), 0);
    QCOMPARE(view->rowCount(), 1);
}

void ClientChatTest::wrongPasswordIsExplained()
{
    QFETCH(QString, driver);
    TestServer server;
    QVERIFY2(server.start(driver), qPrintable(server.errorString()));
    const Account carol = server.registerUser(u"carol"_s);
    ChatClient client(options(server, m_data.path(), u"carol"_s));
    QAbstractItemModelTester tester(client.conversations(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);

    client.signIn(u"127.0.0.1:1"_s, carol.email, carol.password);
    QTRY_VERIFY_WITH_TIMEOUT(!client.errorString().isEmpty(), waitMs);
    QVERIFY2(client.errorString().contains(u"Cannot connect"_s), qPrintable(client.errorString()));
    QVERIFY(!client.isSignedIn());

    client.signIn(server.url().toString(), carol.email, u"not the password"_s);
    QTRY_VERIFY_WITH_TIMEOUT(!client.isBusy(), waitMs);
    QCOMPARE(client.errorString(), u"Invalid credentials"_s);
    QVERIFY(!client.isSignedIn());

    client.registerAccount(server.url().toString(), u"carol"_s, u"other@example.org"_s,
                           u"long enough"_s);
    QTRY_VERIFY_WITH_TIMEOUT(!client.isBusy(), waitMs);
    QVERIFY2(client.errorString().contains(u"taken"_s, Qt::CaseInsensitive),
             qPrintable(client.errorString()));

    // Inline validation speaks before the server does.
    QVERIFY(!client.usernameProblem(u"a b"_s).isEmpty());
    QVERIFY(client.usernameProblem(u"dave_1"_s).isEmpty());
    QVERIFY(!client.emailProblem(u"dave@"_s).isEmpty());
    QVERIFY(!client.passwordProblem(u"short"_s).isEmpty());
    QVERIFY(!client.serverAddressProblem(u"ftp://x"_s).isEmpty());
    QVERIFY(client.serverAddressProblem(u"localhost:8080"_s).isEmpty());

    // The username works as well as the e-mail address.
    client.signIn(server.url().toString(), u"carol"_s, carol.password);
    QTRY_VERIFY_WITH_TIMEOUT(client.isSignedIn(), waitMs);
    QCOMPARE(client.currentUserName(), u"carol"_s);
    client.signOut();
    QVERIFY(!client.isSignedIn());

    // Registering signs in right away.
    client.registerAccount(server.url().toString(), u"dave"_s, u"dave@example.org"_s,
                           u"long enough"_s);
    QTRY_VERIFY_WITH_TIMEOUT(client.isSignedIn(), waitMs);
    QCOMPARE(client.currentUserName(), u"dave"_s);
    QTRY_COMPARE_WITH_TIMEOUT(client.connectionState(), ChatClient::Online, waitMs);
}

void ClientChatTest::newChatStartsFromUserSearch()
{
    TestServer server;
    TestUser alice, bob;
    const QString problem = setUp(server, alice, bob);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    server.registerUser(u"bobby"_s);
    UserSearchModel *search = alice->userSearch();
    search->setQuery(u"bob"_s);
    QTRY_COMPARE_WITH_TIMEOUT(search->rowCount(), 2, waitMs);
    search->setQuery(u"alice"_s); // herself is never a result
    QTRY_COMPARE_WITH_TIMEOUT(search->rowCount(), 0, waitMs);
    search->setQuery(u"bobb"_s);
    QTRY_COMPARE_WITH_TIMEOUT(search->rowCount(), 1, waitMs);
    QCOMPARE(roleAt(search, 0, UserSearchModel::UsernameRole).toString(), u"bobby"_s);

    alice->openConversationWithSearchResult(0);
    QCOMPARE(alice->currentPeerName(), u"bobby"_s);
    QVERIFY(alice->messages());
    QCOMPARE(alice->conversations()->rowCount(), 0); // a row comes with the first message
    QVERIFY(alice->sendMessage(u"Hi Bobby"_s));
    QCOMPARE(alice->conversations()->rowCount(), 1);
    QCOMPARE(conversationRole(alice.client.get(), alice->currentPeerId(),
                              ConversationListModel::PeerNameRole)
                     .toString(),
             u"bobby"_s);
    QTRY_COMPARE_WITH_TIMEOUT(conversationRole(alice.client.get(), alice->currentPeerId(),
                                               ConversationListModel::LastMessageStatusRole)
                                      .toInt(),
                              int(MessageStatus::Sent), waitMs);
}

void ClientChatTest::unsentMessageSurvivesRestart()
{
    TestServer server;
    TestUser alice, bob;
    const QString problem = setUp(server, alice, bob);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    MessageListModel *view = alice.open(bob.account.id);
    QVERIFY(alice->sendMessage(u"first"_s));
    QTRY_COMPARE_WITH_TIMEOUT(roleAt(view, 0, MessageListModel::StatusRole).toInt(),
                              int(MessageStatus::Sent), waitMs);

    // Offline: written, queued, and then the app quits.
    bob.reset();
    server.stop();
    QTRY_VERIFY_WITH_TIMEOUT(alice->isReconnecting(), waitMs);
    QVERIFY(alice->sendMessage(u"written while offline"_s));
    QCOMPARE(roleAt(view, 0, MessageListModel::StatusRole).toInt(), int(MessageStatus::Sending));
    alice.reset();

    // Next start, the server is back: the message shows as sending at once, then goes out once.
    QVERIFY2(server.restart(), qPrintable(server.errorString()));
    signIn(alice, server, m_data.path());
    if (QTest::currentTestFailed())
        return;
    QTRY_COMPARE_WITH_TIMEOUT(conversationRole(alice.client.get(), bob.account.id,
                                               ConversationListModel::LastMessageRole)
                                      .toString(),
                              u"written while offline"_s, waitMs);
    view = alice.open(bob.account.id);
    QTRY_COMPARE_WITH_TIMEOUT(countContent(view, u"written while offline"_s), 1, waitMs);
    QTRY_COMPARE_WITH_TIMEOUT(roleAt(view, rowOfContent(view, u"written while offline"_s),
                                     MessageListModel::StatusRole)
                                      .toInt(),
                              int(MessageStatus::Sent), waitMs);
    QTRY_VERIFY_WITH_TIMEOUT(alice->socket()->outbox().isEmpty(), waitMs);
    QCOMPARE(countContent(view, u"first"_s), 1);
    QCOMPARE(server.countStored(server.accessToken(bob.account), alice.account.id,
                                u"written while offline"_s),
             1);
}

void ClientChatTest::draftSurvivesRestart()
{
    TestServer server;
    TestUser alice, bob;
    const QString problem = setUp(server, alice, bob);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    alice.open(bob.account.id);
    alice->composerEdited(u"Half a thought"_s);
    QCOMPARE(alice->draft(), u"Half a thought"_s);
    // Switching conversations keeps it.
    alice->closeConversation();
    QCOMPARE(alice->draft(), QString());
    alice.open(bob.account.id);
    QCOMPARE(alice->draft(), u"Half a thought"_s);

    // So does quitting the app (same computer, same cache).
    alice.reset();
    signIn(alice, server, m_data.path());
    if (QTest::currentTestFailed())
        return;
    alice.open(bob.account.id);
    QCOMPARE(alice->draft(), u"Half a thought"_s);
    // Sending clears it, for good.
    QVERIFY(alice->sendMessage(alice->draft()));
    QCOMPARE(alice->draft(), QString());
    alice.reset();
    signIn(alice, server, m_data.path());
    if (QTest::currentTestFailed())
        return;
    alice.open(bob.account.id);
    QCOMPARE(alice->draft(), QString());
}

QTEST_GUILESS_MAIN(ClientChatTest)
#include "tst_client_chat.moc"
