// SPDX-License-Identifier: MIT
// The safety number view in the real window (Xvfb, keys in a real keychain): Bob writes to
// Alice, Alice's chat says it is end-to-end encrypted, the dialog shows the same 60 digits
// Bob's client computes, "Mark as verified" marks the contact, and a screenshot of each
// state lands in the screenshots folder of the build tree. Then Bob sends an encrypted
// photo (its preview shows from the thumbnail inside the encrypted message) and a message
// without encryption, which is marked "not encrypted".
#include "ClientHarness.h"
#include "TestServer.h"

#include <QDir>
#include <QGuiApplication>
#include <QImage>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QTemporaryDir>
#include <QTest>

#include <ChatClient.h>
#include <ClientUi.h>
#include <MessageListModel.h>
#include <e2ee/E2ee.h>

#include <functional>

using namespace Qt::StringLiterals;
using namespace fastchat::client;
using namespace clienttest;

namespace {

QQuickItem *findVisual(QQuickItem *root, const std::function<bool(QQuickItem *)> &match)
{
    if (!root)
        return nullptr;
    if (match(root))
        return root;
    const auto children = root->childItems();
    for (QQuickItem *child : children) {
        if (QQuickItem *found = findVisual(child, match))
            return found;
    }
    return nullptr;
}

} // namespace

class ClientE2eeGuiTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void safetyNumberDialog();

private:
    QQuickItem *find(const QString &objectName) const;
    void screenshot(const QString &name);

    QQuickWindow *m_window = nullptr;
    QString m_screenshots;
};

void ClientE2eeGuiTest::initTestCase()
{
    QVERIFY2(QGuiApplication::platformName() != u"offscreen"_s, "run under Xvfb");
    m_screenshots = qEnvironmentVariable("FASTCHAT_SCREENSHOT_DIR",
                                         QDir::currentPath() + u"/screenshots"_s);
    QVERIFY(QDir().mkpath(m_screenshots));
    prepareUi();
}

QQuickItem *ClientE2eeGuiTest::find(const QString &objectName) const
{
    // The window's items, and the popups' (they live in the overlay).
    return findVisual(m_window->contentItem()->parentItem() ? m_window->contentItem()->parentItem()
                                                            : m_window->contentItem(),
                      [&](QQuickItem *item) { return item->objectName() == objectName; });
}

void ClientE2eeGuiTest::screenshot(const QString &name)
{
    QTest::mouseMove(m_window, QPoint(m_window->width() - 2, m_window->height() / 2));
    QTest::qWait(400);
    const QImage image = m_window->grabWindow();
    QVERIFY(!image.isNull());
    const QString path = QDir(m_screenshots).filePath(name + u".png"_s);
    QVERIFY(image.save(path));
    qInfo().noquote() << "screenshot:" << path;
}

void ClientE2eeGuiTest::safetyNumberDialog()
{
    TestServer server;
    QVERIFY2(server.start(u"sqlite"_s), qPrintable(server.errorString()));
    const Account alice = server.registerUser(u"alice"_s);
    TestUser bob{server.registerUser(u"bob"_s), {}, {}};
    QTemporaryDir data;
    signIn(bob, server, data.path(), true);
    if (QTest::currentTestFailed())
        return;
    QTRY_VERIFY_WITH_TIMEOUT(bob->e2ee()->publishedCount() > 0, waitMs);

    ChatClient client(options(server, data.path(), u"alice"_s, true));
    QQmlApplicationEngine engine;
    m_window = loadUi(engine, &client);
    QVERIFY(m_window);
    m_window->resize(1100, 720);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window));
    client.start();
    client.signIn(server.url().toString(), alice.email, alice.password);
    QTRY_VERIFY_WITH_TIMEOUT(client.isSignedIn(), waitMs);
    QTRY_VERIFY_WITH_TIMEOUT(client.e2ee()->publishedCount() > 0, waitMs);

    bob.open(alice.id);
    QTRY_COMPARE_WITH_TIMEOUT(bob->e2ee()->currentState(), E2ee::Encrypted, waitMs);
    QVERIFY(bob->sendMessage(u"Hi Alice, shall we compare safety numbers?"_s));
    QTRY_VERIFY_WITH_TIMEOUT(client.conversations()->contains(bob.account.id), waitMs);
    client.openConversation(bob.account.id);
    QTRY_COMPARE_WITH_TIMEOUT(
            countContent(client.messages(), u"Hi Alice, shall we compare safety numbers?"_s), 1,
            waitMs);
    QVERIFY(client.sendMessage(u"Sure: reading mine out now."_s));
    QTRY_COMPARE_WITH_TIMEOUT(client.e2ee()->currentState(), E2ee::Encrypted, waitMs);
    const QString number = client.e2ee()->currentSafetyNumber();
    QCOMPARE(number.size(), 60 + 11);
    QCOMPARE(number, bob->e2ee()->safetyNumber(alice.id));

    QQuickItem *bar = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT((bar = find(u"encryptionStateText"_s)), waitMs);
    QCOMPARE(bar->property("text").toString(), u"End-to-end encrypted"_s);
    screenshot(u"client-e2ee-chat"_s);

    // An encrypted photo, then a plaintext message (as a client without encryption would
    // send it): the preview shows, and only the plaintext one is marked.
    {
        QImage picture(640, 400, QImage::Format_RGB32);
        picture.fill(QColor(40, 110, 180));
        for (int y = 150; y < 250; ++y)
            for (int x = 0; x < 640; ++x)
                picture.setPixel(x, y, qRgb(250, 200, 60));
        const QString path = data.filePath(u"sunset.png"_s);
        QVERIFY(picture.save(path));
        QVERIFY(bob->sendFileTo(alice.id, path));
        QTRY_VERIFY_WITH_TIMEOUT(findVisual(m_window->contentItem(),
                                            [](QQuickItem *item) {
                                                return item->objectName() == u"imageThumbnail"_s
                                                        && item->isVisible();
                                            }),
                                 waitMs);
        QVERIFY(!findVisual(m_window->contentItem(), [](QQuickItem *item) {
            return item->objectName() == u"notEncryptedMark"_s && item->isVisible();
        }));
        const QString plain = u"(sent from an app without encryption)"_s;
        QVERIFY(server.postMessage(server.accessToken(bob.account), alice.id, plain) > 0);
        QTRY_COMPARE_WITH_TIMEOUT(countContent(client.messages(), plain), 1, waitMs);
        QTRY_VERIFY_WITH_TIMEOUT(findVisual(m_window->contentItem(),
                                            [](QQuickItem *item) {
                                                return item->objectName() == u"notEncryptedMark"_s
                                                        && item->isVisible();
                                            }),
                                 waitMs);
        screenshot(u"client-e2ee-attachment"_s);
    }

    QQuickItem *encryptionBar = find(u"encryptionBar"_s);
    QVERIFY(encryptionBar);
    QVERIFY(QMetaObject::invokeMethod(encryptionBar, "openSafetyNumber"));
    QQuickItem *digits = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT((digits = find(u"safetyNumberDigits"_s)) && digits->isVisible(),
                             waitMs);
    screenshot(u"client-safety-number"_s);

    client.e2ee()->markVerified(true);
    QVERIFY(client.e2ee()->currentVerified());
    QTRY_COMPARE_WITH_TIMEOUT(find(u"verifiedState"_s)->property("text").toString(),
                              u"✓ You have verified bob."_s, waitMs);
    screenshot(u"client-safety-number-verified"_s);
}

QTEST_MAIN(ClientE2eeGuiTest)
#include "tst_client_e2ee_gui.moc"
