// SPDX-License-Identifier: MIT
// The session in the OS keychain, for real: a Secret Service (gnome-keyring under its own
// dbus-run-session, see run-with-keyring.sh) holds the refresh token and no file does; a new
// client signs in silently with it, at once from the cache and offline too; a token the
// server no longer accepts sends the user to the sign-in page with a reason. Without any
// Secret Service (the client.keychain_missing test) the client says why it cannot remember
// the user and writes the token nowhere.
#include "ClientHarness.h"
#include "TestServer.h"

#include <QDirIterator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <ChatClient.h>
#include <ConversationListModel.h>
#include <KeyStore.h>
#include <MessageListModel.h>
#include <Session.h>
#include <SocketClient.h>
#include <e2ee/E2ee.h>

using namespace Qt::StringLiterals;
using namespace fastchat::client;
using namespace clienttest;

namespace {

// Files under `dir` that contain `secret` (a plaintext copy would be one).
QStringList filesContaining(const QString &dir, const QString &secret)
{
    QStringList found;
    QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile file(it.next());
        if (file.open(QIODevice::ReadOnly) && file.readAll().contains(secret.toUtf8()))
            found << file.fileName();
    }
    return found;
}

std::optional<QString> readKeychain(KeyStore &keys, const QString &key, QString *error)
{
    bool done = false;
    std::optional<QString> value;
    QObject context;
    keys.read(key, &context, [&](const std::optional<QString> &secret, const QString &e) {
        value = secret;
        *error = e;
        done = true;
    });
    if (!QTest::qWaitFor([&] { return done; }, waitMs))
        *error = u"the keychain did not answer"_s;
    return value;
}

} // namespace

class ClientKeychainTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void refreshTokenLivesInTheKeychainOnly_data() { addDriverRows(); }
    void refreshTokenLivesInTheKeychainOnly();
    void silentSignInWorksOfflineFromTheCache_data() { addDriverRows(); }
    void silentSignInWorksOfflineFromTheCache();
    void refusedRefreshTokenAsksForSignIn_data() { addDriverRows(); }
    void refusedRefreshTokenAsksForSignIn();
    void noSecretServiceExplainsWhy();

private:
    // Signs in with the keychain and waits until the refresh token is stored.
    void signInRemembered(TestUser &user, const TestServer &server, const QString &dataDir);
};

void ClientKeychainTest::signInRemembered(TestUser &user, const TestServer &server,
                                          const QString &dataDir)
{
    signIn(user, server, dataDir, true);
    if (QTest::currentTestFailed())
        return;
    QTRY_VERIFY_WITH_TIMEOUT(user->keyStore()->isIdle(), waitMs);
    QVERIFY2(user->keychainProblem().isEmpty(), qPrintable(user->keychainProblem()));
}

void ClientKeychainTest::refreshTokenLivesInTheKeychainOnly()
{
    QFETCH(QString, driver);
    TestServer server;
    QVERIFY2(server.start(driver), qPrintable(server.errorString()));
    TestUser alice{server.registerUser(u"alice"_s), {}, {}};
    const Account bob = server.registerUser(u"bob"_s);
    QTemporaryDir data;
    signInRemembered(alice, server, data.path());
    if (QTest::currentTestFailed())
        return;

    // Bob writes; Alice's client keeps the conversation in its cache.
    server.postMessage(server.accessToken(bob), alice.account.id, u"Remember me?"_s);
    QTRY_VERIFY_WITH_TIMEOUT(alice->conversations()->contains(bob.id), waitMs);

    // The keychain has the current refresh token; no file has it.
    const QString key = alice->keychainKey();
    KeyStore keys;
    QString error;
    const auto stored = readKeychain(keys, key, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(stored.has_value());
    QVERIFY(!stored->isEmpty());
    QCOMPARE(filesContaining(data.path(), *stored), QStringList());
    QCOMPARE(filesContaining(QDir::homePath(), *stored), QStringList());

    // A new client (the app restarted): signed in without a password, and the cached
    // conversation is there at once, before the server answers anything.
    alice.reset();
    alice.client = std::make_unique<ChatClient>(options(server, data.path(), u"alice"_s, true));
    alice.watchModels();
    QVERIFY(!alice->isSignedIn());
    alice->start();
    QTRY_VERIFY_WITH_TIMEOUT(alice->isSignedIn(), waitMs);
    QCOMPARE(alice->currentUserName(), u"alice"_s);
    QCOMPARE(alice->conversations()->rowCount(), 1);
    QCOMPARE(conversationRole(alice.client.get(), bob.id, ConversationListModel::LastMessageRole)
                     .toString(),
             u"Remember me?"_s);
    QTRY_COMPARE_WITH_TIMEOUT(alice->connectionState(), ChatClient::Online, waitMs);
    QCOMPARE(alice->session()->renewals(), 1);
    // The rotated token replaced the old one in the keychain.
    QTRY_VERIFY_WITH_TIMEOUT(alice->keyStore()->isIdle(), waitMs);
    const auto rotated = readKeychain(keys, key, &error);
    QVERIFY(rotated.has_value());
    QVERIFY(*rotated != *stored);

    // Signing out forgets it: the next start shows the sign-in page.
    alice->signOut();
    QVERIFY(!alice->isSignedIn());
    QTRY_VERIFY_WITH_TIMEOUT(alice->keyStore()->isIdle(), waitMs);
    QVERIFY(!readKeychain(keys, key, &error).has_value());
    QVERIFY(error.isEmpty());
    alice.reset();
    alice.client = std::make_unique<ChatClient>(options(server, data.path(), u"alice"_s, true));
    alice->start();
    QTRY_VERIFY_WITH_TIMEOUT(!alice->isRestoring(), waitMs);
    QVERIFY(!alice->isSignedIn());
    QVERIFY(alice->notice().isEmpty());
}

void ClientKeychainTest::silentSignInWorksOfflineFromTheCache()
{
    QFETCH(QString, driver);
    TestServer server;
    QVERIFY2(server.start(driver), qPrintable(server.errorString()));
    TestUser alice{server.registerUser(u"alice"_s), {}, {}};
    const Account bob = server.registerUser(u"bob"_s);
    QTemporaryDir data;
    signInRemembered(alice, server, data.path());
    if (QTest::currentTestFailed())
        return;
    server.postMessage(server.accessToken(bob), alice.account.id, u"before the outage"_s);
    QTRY_VERIFY_WITH_TIMEOUT(alice->conversations()->contains(bob.id), waitMs);
    // Bob's app has no end-to-end encryption keys: Alice chooses to write to him anyway.
    alice.open(bob.id);
    QTRY_COMPARE_WITH_TIMEOUT(alice->e2ee()->currentState(), E2ee::NotEncrypted, waitMs);
    alice->e2ee()->allowUnencrypted();
    alice.reset();

    // The server is down when the app starts: the last state shows, and it keeps trying.
    server.stop();
    alice.client = std::make_unique<ChatClient>(options(server, data.path(), u"alice"_s, true));
    alice.watchModels();
    alice->start();
    QTRY_VERIFY_WITH_TIMEOUT(alice->isSignedIn(), waitMs);
    QCOMPARE(conversationRole(alice.client.get(), bob.id, ConversationListModel::LastMessageRole)
                     .toString(),
             u"before the outage"_s);
    QTRY_VERIFY_WITH_TIMEOUT(alice->connectionText().startsWith(u"Offline"_s), waitMs);
    QVERIFY(alice->isReconnecting());
    QVERIFY(!alice->connectionDetail().isEmpty());

    // A message written offline waits in the outbox (it survives in the cache too).
    alice.open(bob.id);
    QVERIFY(alice->sendMessage(u"written offline"_s));
    // It waits until Bob's keys have been checked again (they could be new), then goes.
    QCOMPARE(roleAt(alice->messages(), rowOfContent(alice->messages(), u"written offline"_s),
                    MessageListModel::StatusRole)
                     .toInt(),
             int(MessageStatus::Sending));

    // The server comes back: online again, the outbox goes out, news come in.
    QVERIFY2(server.restart(), qPrintable(server.errorString()));
    const QString bobToken = server.accessToken(bob);
    server.postMessage(bobToken, alice.account.id, u"after the outage"_s);
    alice->reconnectNow();
    QTRY_COMPARE_WITH_TIMEOUT(alice->connectionState(), ChatClient::Online, 60000);
    QTRY_COMPARE_WITH_TIMEOUT(countContent(alice->messages(), u"after the outage"_s), 1, waitMs);
    QTRY_VERIFY_WITH_TIMEOUT(alice->socket()->outbox().isEmpty(), waitMs);
    QCOMPARE(server.countStored(bobToken, alice.account.id, u"written offline"_s), 1);
    QVERIFY(alice->connectionText().isEmpty());
}

void ClientKeychainTest::refusedRefreshTokenAsksForSignIn()
{
    QFETCH(QString, driver);
    TestServer server;
    QVERIFY2(server.start(driver), qPrintable(server.errorString()));
    TestUser alice{server.registerUser(u"alice"_s), {}, {}};
    QTemporaryDir data;
    signInRemembered(alice, server, data.path());
    if (QTest::currentTestFailed())
        return;
    const QString key = alice->keychainKey();
    KeyStore keys;
    QString error;
    const auto first = readKeychain(keys, key, &error);
    QVERIFY(first.has_value());
    // The client renews (the token rotates), then the app stops.
    const int renewals = alice->session()->renewals();
    alice->session()->setAccessTokenExpiry(QDateTime::currentDateTimeUtc());
    QTRY_VERIFY_WITH_TIMEOUT(alice->session()->renewals() > renewals, waitMs);
    QTRY_VERIFY_WITH_TIMEOUT(alice->keyStore()->isIdle(), waitMs);
    alice.reset();

    // The keychain hands out the old, used token (restored from a backup, say): the server
    // refuses it and ends the session; the user is asked to sign in, with a reason.
    bool written = false;
    QObject context;
    keys.write(key, *first, &context, [&](const QString &e) {
        error = e;
        written = true;
    });
    QTRY_VERIFY_WITH_TIMEOUT(written, waitMs);
    QVERIFY(error.isEmpty());
    alice.client = std::make_unique<ChatClient>(options(server, data.path(), u"alice"_s, true));
    alice->start();
    QTRY_VERIFY_WITH_TIMEOUT(alice->isSignedIn() || !alice->notice().isEmpty(), waitMs);
    QTRY_VERIFY_WITH_TIMEOUT(!alice->isSignedIn(), waitMs);
    QVERIFY2(alice->notice().contains(u"sign in again"_s), qPrintable(alice->notice()));
    QTRY_VERIFY_WITH_TIMEOUT(alice->keyStore()->isIdle(), waitMs);
    QVERIFY(!readKeychain(keys, key, &error).has_value());
}

void ClientKeychainTest::noSecretServiceExplainsWhy()
{
    if (!qEnvironmentVariable("DBUS_SESSION_BUS_ADDRESS").contains(u"/nonexistent"_s))
        QSKIP("needs a session without any Secret Service: run it as ctest's "
              "client.keychain_missing");
    TestServer server;
    QVERIFY2(server.start(u"sqlite"_s), qPrintable(server.errorString()));
    TestUser alice{server.registerUser(u"alice"_s), {}, {}};
    QTemporaryDir data;
    signIn(alice, server, data.path(), true);
    if (QTest::currentTestFailed())
        return;
    // Signed in, but told that the app cannot remember the user.
    QTRY_VERIFY_WITH_TIMEOUT(!alice->keychainProblem().isEmpty(), waitMs);
    QVERIFY2(alice->keychainProblem().contains(u"cannot remember you"_s),
             qPrintable(alice->keychainProblem()));
    QVERIFY(alice->isSignedIn());
    // And the token is nowhere on disk.
    QTRY_VERIFY_WITH_TIMEOUT(alice->keyStore()->isIdle(), waitMs);
    QVERIFY(!alice->session()->refreshToken().isEmpty());
    QCOMPARE(filesContaining(data.path(), alice->session()->refreshToken()), QStringList());
    alice.reset();

    // Next start: the sign-in page, with the reason.
    alice.client = std::make_unique<ChatClient>(options(server, data.path(), u"alice"_s, true));
    alice->start();
    QTRY_VERIFY_WITH_TIMEOUT(!alice->isRestoring(), waitMs);
    QVERIFY(!alice->isSignedIn());
    QVERIFY2(alice->notice().contains(u"cannot remember you"_s), qPrintable(alice->notice()));
}

QTEST_GUILESS_MAIN(ClientKeychainTest)
#include "tst_client_keychain.moc"
