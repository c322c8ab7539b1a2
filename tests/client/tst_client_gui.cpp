// SPDX-License-Identifier: MIT
// The real client window under Xvfb against a real server: sign in by typing into the form
// (a wrong password first), open a conversation from the list, write with Shift+Enter and
// Enter, see the reply and the typing indicator, the unread badge and online dot of another
// chat, the new-chat dialog (Ctrl+N, Esc), the reconnecting banner while the server is down,
// and the dark palette. Screenshots of each step go to $FASTCHAT_SCREENSHOT_DIR (ctest sets
// it to the build tree), to be looked at.
#include "ClientHarness.h"
#include "TestServer.h"

#include <QClipboard>
#include <QDBusConnection>
#include <QDir>
#include <QFile>
#include <QGuiApplication>
#include <QImage>
#include <QMimeData>
#include <QPainter>
#include <QPainterPath>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QTemporaryDir>
#include <QTest>

#include <ChatClient.h>
#include <ClientUi.h>
#include <ConversationListModel.h>
#include <DesktopNotifier.h>
#include <FileTransfers.h>
#include <MessageListModel.h>

#include <functional>

using namespace Qt::StringLiterals;
using namespace fastchat::client;
using namespace clienttest;

// Stands in for the desktop's notification service on the test's own session bus.
class FakeNotifications : public QObject
{
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.freedesktop.Notifications")

public:
    QStringList summaries;
    QStringList bodies;

public Q_SLOTS:
    quint32 Notify(const QString &, quint32, const QString &, const QString &summary,
                   const QString &body, const QStringList &, const QVariantMap &, int)
    {
        summaries << summary;
        bodies << body;
        return quint32(summaries.size());
    }
};

class ClientGuiTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void signInChatAndSeeTheReply();
    void pasteAnImageAndSeeThePreview();

private:
    QQuickItem *find(const QString &objectName) const;
    // The first item under `root` whose property `name` equals `value`.
    QQuickItem *findByProperty(QQuickItem *root, const char *name, const QVariant &value) const;
    void click(QQuickItem *item);
    void typeInto(QQuickItem *item, const QString &text);
    // Key presses, one character after the other, into the focused item.
    void typeText(const QString &text);
    void screenshot(const QString &name);

    QQuickWindow *m_window = nullptr;
    QString m_screenshots;
};

void ClientGuiTest::initTestCase()
{
    QVERIFY2(QGuiApplication::platformName() != u"offscreen"_s
                     || qEnvironmentVariableIsSet("FASTCHAT_GUI_OFFSCREEN"),
             "run under Xvfb (ctest does: xvfb-run)");
    m_screenshots = qEnvironmentVariable("FASTCHAT_SCREENSHOT_DIR",
                                         QDir::currentPath() + u"/screenshots"_s);
    QVERIFY(QDir().mkpath(m_screenshots));
    prepareUi();
}

namespace {

// Depth first through the visual tree (Loader items, popups in the overlay, delegates).
QQuickItem *findVisual(QQuickItem *root, const std::function<bool(QQuickItem *)> &match)
{
    if (!root)
        return nullptr;
    const auto children = root->childItems();
    for (QQuickItem *child : children) {
        if (match(child))
            return child;
        if (QQuickItem *found = findVisual(child, match))
            return found;
    }
    return nullptr;
}

} // namespace

QQuickItem *ClientGuiTest::find(const QString &objectName) const
{
    if (!m_window)
        return nullptr;
    return findVisual(m_window->contentItem()->parentItem() ? m_window->contentItem()->parentItem()
                                                            : m_window->contentItem(),
                      [&](QQuickItem *item) { return item->objectName() == objectName; });
}

QQuickItem *ClientGuiTest::findByProperty(QQuickItem *root, const char *name,
                                          const QVariant &value) const
{
    return findVisual(root, [&](QQuickItem *item) {
        const QVariant v = item->property(name);
        return v.isValid() && v == value && item->isVisible();
    });
}

void ClientGuiTest::click(QQuickItem *item)
{
    QVERIFY(item);
    const QPointF center = item->mapToScene(QPointF(item->width() / 2, item->height() / 2));
    QTest::mouseClick(m_window, Qt::LeftButton, Qt::NoModifier, center.toPoint());
}

void ClientGuiTest::typeInto(QQuickItem *item, const QString &text)
{
    QVERIFY(item);
    item->forceActiveFocus();
    QTRY_VERIFY(item->hasActiveFocus());
    QMetaObject::invokeMethod(item, "selectAll");
    QTest::keyClick(m_window, Qt::Key_Backspace);
    typeText(text);
}

void ClientGuiTest::typeText(const QString &text)
{
    for (const QChar c : text)
        QTest::keyClick(m_window, c.toLatin1());
}

void ClientGuiTest::screenshot(const QString &name)
{
    // The pointer out of the way: no hover highlight where a row happens to be now.
    QTest::mouseMove(m_window, QPoint(m_window->width() - 2, m_window->height() / 2));
    // Let the scene graph render what the last events changed.
    QTest::qWait(300);
    const QImage image = m_window->grabWindow();
    QVERIFY(!image.isNull());
    // Not blank: a rendered window has many colours.
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 7) {
        for (int x = 0; x < image.width(); x += 7)
            colours.insert(image.pixel(x, y));
    }
    QVERIFY2(colours.size() > 20, qPrintable(u"%1 looks blank"_s.arg(name)));
    const QString path = QDir(m_screenshots).filePath(name + u".png"_s);
    QVERIFY(image.save(path));
    qInfo().noquote() << "screenshot:" << path;
}

void ClientGuiTest::signInChatAndSeeTheReply()
{
    TestServer server;
    QVERIFY2(server.start(u"sqlite"_s), qPrintable(server.errorString()));
    const Account alice = server.registerUser(u"alice"_s);
    TestUser bob{server.registerUser(u"bob"_s), {}, {}};
    TestUser carol{server.registerUser(u"carol"_s), {}, {}};
    QTemporaryDir data;
    signIn(bob, server, data.path());
    signIn(carol, server, data.path());
    if (QTest::currentTestFailed())
        return;
    // Alice has news from both before she starts the app.
    bob.open(alice.id);
    QVERIFY(bob->sendMessage(u"Hi Alice! Do you have a minute today?"_s));
    carol.open(alice.id);
    QVERIFY(carol->sendMessage(u"Lunch at noon?"_s));
    QTRY_COMPARE_WITH_TIMEOUT(roleAt(carol->messages(), 0, MessageListModel::StatusRole).toInt(),
                              int(MessageStatus::Sent), waitMs);
    QTRY_COMPARE_WITH_TIMEOUT(roleAt(bob->messages(), 0, MessageListModel::StatusRole).toInt(),
                              int(MessageStatus::Sent), waitMs);

    // The desktop's notification service (the test runs in its own D-Bus session).
    FakeNotifications notifications;
    QDBusConnection bus = QDBusConnection::sessionBus();
    QVERIFY2(bus.isConnected(), "run under dbus-run-session (ctest does)");
    QVERIFY(bus.registerObject(u"/org/freedesktop/Notifications"_s, &notifications,
                               QDBusConnection::ExportAllSlots));
    QVERIFY(bus.registerService(u"org.freedesktop.Notifications"_s));

    // The app, as main() starts it.
    ChatClient client(options(server, data.path(), u"alice"_s));
    DesktopNotifier notifier(&client);
    QQmlApplicationEngine engine;
    m_window = loadUi(engine, &client);
    QVERIFY(m_window);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window));
    m_window->requestActivate();
    QVERIFY(QTest::qWaitForWindowActive(m_window));
    client.start();
    QCOMPARE(m_window->title(), u"Fast-Chat"_s);

    // A wrong password first: the server's answer is shown.
    QTRY_VERIFY(find(u"serverInput"_s));
    typeInto(find(u"serverInput"_s), server.url().toString());
    typeInto(find(u"loginInput"_s), alice.email);
    typeInto(find(u"passwordInput"_s), u"wrong password"_s);
    click(find(u"signInButton"_s));
    QTRY_COMPARE_WITH_TIMEOUT(find(u"signInError"_s)->property("text").toString(),
                              u"Invalid credentials"_s, waitMs);
    screenshot(u"client-sign-in-error"_s);

    // Then the right one, with Enter.
    typeInto(find(u"passwordInput"_s), alice.password);
    QTest::keyClick(m_window, Qt::Key_Return);
    QTRY_VERIFY_WITH_TIMEOUT(client.isSignedIn(), waitMs);
    QTRY_COMPARE_WITH_TIMEOUT(client.connectionState(), ChatClient::Online, waitMs);
    QQuickItem *list = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT(
            (list = find(u"conversationList"_s)) && list->property("count").toInt() == 2, waitMs);
    QTRY_COMPARE_WITH_TIMEOUT(m_window->title(), u"(2) Fast-Chat"_s, waitMs);

    // Open Bob's conversation from the list.
    QQuickItem *bobRow = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT(bobRow = findByProperty(list, "peerName", u"bob"_s), waitMs);
    click(bobRow);
    QTRY_COMPARE_WITH_TIMEOUT(client.currentPeerId(), bob.account.id, waitMs);
    QTRY_COMPARE_WITH_TIMEOUT(find(u"peerName"_s)->property("text").toString(), u"bob"_s, waitMs);
    QTRY_COMPARE_WITH_TIMEOUT(find(u"peerStatus"_s)->property("text").toString(), u"online"_s,
                              waitMs);
    QTRY_COMPARE_WITH_TIMEOUT(m_window->title(), u"(1) Fast-Chat"_s, waitMs); // Bob's is read

    // Write two lines (Shift+Enter) and send with Enter.
    QQuickItem *composer = find(u"composer"_s);
    QVERIFY(composer);
    QTRY_VERIFY(composer->hasActiveFocus());
    typeText(u"Sure, what's up?"_s);
    QTest::keyClick(m_window, Qt::Key_Return, Qt::ShiftModifier);
    typeText(u"I'm free until 3."_s);
    QCOMPARE(composer->property("text").toString(), u"Sure, what's up?\nI'm free until 3."_s);
    QTest::keyClick(m_window, Qt::Key_Return);
    QTRY_COMPARE(composer->property("text").toString(), QString());
    MessageListModel *bobView = bob->messages();
    QTRY_COMPARE_WITH_TIMEOUT(countContent(bobView, u"Sure, what's up?\nI'm free until 3."_s), 1,
                              waitMs);

    // Bob answers; Alice sees it in the window, and Bob typing again.
    QVERIFY(bob->sendMessage(u"Could you review my patch? It's the reconnect fix."_s));
    QQuickItem *messageList = find(u"messageList"_s);
    QTRY_VERIFY_WITH_TIMEOUT(
            findByProperty(messageList, "content",
                           u"Could you review my patch? It's the reconnect fix."_s),
            waitMs);
    QTRY_COMPARE_WITH_TIMEOUT(roleAt(client.messages(), 1, MessageListModel::StatusRole).toInt(),
                              int(MessageStatus::Read), waitMs);
    bob->composerEdited(u"Thanks"_s);
    QTRY_COMPARE_WITH_TIMEOUT(find(u"peerStatus"_s)->property("text").toString(), u"typing…"_s,
                              waitMs);
    // Carol writes again: her row goes to the top with an unread badge and her online dot.
    QVERIFY(carol->sendMessage(u"I'll book a table for two."_s));
    QTRY_COMPARE_WITH_TIMEOUT(
            conversationRole(&client, carol.account.id, ConversationListModel::UnreadCountRole)
                    .toInt(),
            2, waitMs);
    QTRY_COMPARE_WITH_TIMEOUT(m_window->title(), u"(2) Fast-Chat"_s, waitMs);
    QQuickItem *carolRow = findByProperty(list, "peerName", u"carol"_s);
    QVERIFY(carolRow);
    QTRY_VERIFY(findByProperty(carolRow, "objectName", u"unreadBadge"_s));
    QTRY_VERIFY(findByProperty(carolRow, "objectName", u"onlineDot"_s));
    screenshot(u"client-main-window"_s);

    // The dark palette, as a dark desktop theme gives it.
    applyColorScheme(u"dark"_s);
    screenshot(u"client-main-window-dark"_s);
    applyColorScheme(u"light"_s);

    // Ctrl+N: find Carol; Esc closes the dialog.
    QTest::keySequence(m_window, QKeySequence::New);
    QQuickItem *search = nullptr;
    QTRY_VERIFY((search = find(u"userSearchField"_s)) && search->hasActiveFocus());
    typeText(u"car"_s);
    QTRY_COMPARE_WITH_TIMEOUT(client.userSearch()->rowCount(), 1, waitMs);
    screenshot(u"client-new-chat"_s);
    QTest::keyClick(m_window, Qt::Key_Escape);
    QTRY_VERIFY(!search->isVisible());
    QCOMPARE(client.currentPeerId(), bob.account.id);

    // Up/Down through the conversations: in the list, and with Alt anywhere.
    list->forceActiveFocus();
    QTRY_VERIFY2(list->hasActiveFocus(),
                 qPrintable(u"focus is on %1 (%2)"_s.arg(
                         m_window->activeFocusItem() ? m_window->activeFocusItem()->objectName()
                                                     : u"nothing"_s,
                         m_window->activeFocusItem() ? QString::fromUtf8(
                                 m_window->activeFocusItem()->metaObject()->className())
                                                     : QString())));
    QTest::keyClick(m_window, Qt::Key_Up);
    QTRY_COMPARE(client.currentPeerId(), carol.account.id);
    QTRY_COMPARE_WITH_TIMEOUT(m_window->title(), u"Fast-Chat"_s, waitMs);
    QVERIFY(list->hasActiveFocus()); // still walking the list
    QTest::keyClick(m_window, Qt::Key_Down);
    QTRY_COMPARE(client.currentPeerId(), bob.account.id);
    composer->forceActiveFocus();
    QTest::keyClick(m_window, Qt::Key_Up, Qt::AltModifier);
    QTRY_COMPARE(client.currentPeerId(), carol.account.id);
    QTest::keyClick(m_window, Qt::Key_Down, Qt::AltModifier);
    QTRY_COMPARE(client.currentPeerId(), bob.account.id);

    // Ctrl+F filters the list by name; Esc clears the filter.
    QTest::keySequence(m_window, QKeySequence(u"Ctrl+F"_s));
    QQuickItem *filter = find(u"filterField"_s);
    QTRY_VERIFY(filter && filter->hasActiveFocus());
    typeText(u"car"_s);
    QTRY_COMPARE(list->property("count").toInt(), 1);
    QTest::keyClick(m_window, Qt::Key_Escape);
    QTRY_COMPARE(list->property("count").toInt(), 2);
    QCOMPARE(client.currentPeerId(), bob.account.id);

    // Another window has the focus: a message from Carol becomes a desktop notification
    // (and none came while the window was active).
    QCOMPARE(notifications.summaries, QStringList());
    QQuickWindow other;
    other.resize(200, 200);
    other.show();
    QVERIFY(QTest::qWaitForWindowExposed(&other));
    other.requestActivate();
    QTRY_VERIFY_WITH_TIMEOUT(!client.windowActive(), waitMs);
    QVERIFY(carol->sendMessage(u"Table is booked <3"_s));
    QTRY_COMPARE_WITH_TIMEOUT(notifications.summaries, QStringList{u"carol"_s}, waitMs);
    QCOMPARE(notifications.bodies, QStringList{u"Table is booked &lt;3"_s});
    other.hide();
    m_window->requestActivate();
    QTRY_VERIFY_WITH_TIMEOUT(client.windowActive(), waitMs);

    // The server goes away: the banner says so, and goes when it is back.
    server.stop();
    QQuickItem *banner = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT((banner = find(u"reconnectBanner"_s)) && banner->isVisible(), waitMs);
    QTRY_VERIFY_WITH_TIMEOUT(client.connectionText().startsWith(u"Offline"_s), waitMs);
    screenshot(u"client-reconnecting"_s);
    QVERIFY2(server.restart(), qPrintable(server.errorString()));
    client.reconnectNow();
    QTRY_COMPARE_WITH_TIMEOUT(client.connectionState(), ChatClient::Online, 60000);
    QTRY_VERIFY(!banner->isVisible());

    engine.clearComponentCache();
    m_window = nullptr;
}

namespace {

// A small landscape: sky, sun and hills (something a person would send).
QImage landscape(int width, int height)
{
    QImage image(width, height, QImage::Format_RGB32);
    QPainter p(&image);
    p.setRenderHint(QPainter::Antialiasing);
    QLinearGradient sky(0, 0, 0, height);
    sky.setColorAt(0, QColor(0x2b, 0x5f, 0xa8));
    sky.setColorAt(0.7, QColor(0xf6, 0xb2, 0x6b));
    p.fillRect(image.rect(), sky);
    p.setPen(Qt::NoPen);
    p.setBrush(QColor(0xff, 0xe0, 0x8a));
    p.drawEllipse(QPointF(width * 0.68, height * 0.55), height * 0.14, height * 0.14);
    QPainterPath hills;
    hills.moveTo(0, height * 0.75);
    hills.cubicTo(width * 0.3, height * 0.55, width * 0.5, height * 0.9, width, height * 0.7);
    hills.lineTo(width, height);
    hills.lineTo(0, height);
    p.setBrush(QColor(0x2f, 0x6b, 0x3a));
    p.drawPath(hills);
    p.end();
    return image;
}

} // namespace

void ClientGuiTest::pasteAnImageAndSeeThePreview()
{
    TestServer server;
    QVERIFY2(server.start(u"sqlite"_s), qPrintable(server.errorString()));
    const Account alice = server.registerUser(u"alice"_s);
    TestUser bob{server.registerUser(u"bob"_s), {}, {}};
    QTemporaryDir data;
    signIn(bob, server, data.path());
    if (QTest::currentTestFailed())
        return;
    bob.open(alice.id);
    QVERIFY(bob->sendMessage(u"Send me the photo from yesterday?"_s));

    ChatClient client(options(server, data.path(), u"alice"_s));
    QQmlApplicationEngine engine;
    m_window = loadUi(engine, &client);
    QVERIFY(m_window);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window));
    m_window->requestActivate();
    QVERIFY(QTest::qWaitForWindowActive(m_window));
    client.signIn(server.url().toString(), alice.email, alice.password);
    QTRY_COMPARE_WITH_TIMEOUT(client.connectionState(), ChatClient::Online, waitMs);
    QQuickItem *list = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT(
            (list = find(u"conversationList"_s)) && list->property("count").toInt() == 1, waitMs);
    QQuickItem *bobRow = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT(bobRow = findByProperty(list, "peerName", u"bob"_s), waitMs);
    click(bobRow);
    QTRY_COMPARE_WITH_TIMEOUT(client.currentPeerId(), bob.account.id, waitMs);

    // Ctrl+V in the composer with an image on the clipboard sends the image.
    QQuickItem *composer = find(u"composer"_s);
    QVERIFY(composer);
    composer->forceActiveFocus();
    QTRY_VERIFY(composer->hasActiveFocus());
    QGuiApplication::clipboard()->setImage(landscape(1200, 800));
    QTRY_VERIFY(client.clipboardHasImage());
    QTest::keySequence(m_window, QKeySequence::Paste);
    QCOMPARE(composer->property("text").toString(), QString()); // not pasted as text
    MessageListModel *view = client.messages();
    QVERIFY(view);
    QTRY_COMPARE_WITH_TIMEOUT(roleAt(view, 0, MessageListModel::IsImageRole).toBool(), true,
                              waitMs);
    QTRY_VERIFY_WITH_TIMEOUT(roleAt(view, 0, MessageListModel::MessageIdRole).toLongLong() > 0,
                             waitMs);
    QCOMPARE(roleAt(view, 0, MessageListModel::ImageWidthRole).toInt(), 1200);

    // Bob sees it, and answers with a picture and a file of his own.
    MessageListModel *bobView = bob->messages();
    QTRY_COMPARE_WITH_TIMEOUT(roleAt(bobView, 0, MessageListModel::IsImageRole).toBool(), true,
                              waitMs);
    QTemporaryDir files;
    const QString notes = QDir(files.path()).filePath(u"trip-notes.pdf"_s);
    {
        QFile f(notes);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(180 * 1024, 'x'));
    }
    const QString photo = QDir(files.path()).filePath(u"lake.jpg"_s);
    QImage lake = landscape(900, 1200).mirrored(true, false);
    QVERIFY(lake.save(photo, "JPEG", 85));
    QVERIFY(bob->sendFileTo(alice.id, photo));
    QTRY_VERIFY_WITH_TIMEOUT(roleAt(bobView, 0, MessageListModel::MessageIdRole).toLongLong() > 0,
                             waitMs);
    QVERIFY(bob->sendFileTo(alice.id, notes));
    QTRY_COMPARE_WITH_TIMEOUT(view->rowCount(), 4, waitMs);
    QTRY_VERIFY_WITH_TIMEOUT(roleAt(view, 0, MessageListModel::FileNameRole).toString()
                                     == u"trip-notes.pdf"_s,
                             waitMs);

    // The previews show (the thumbnails decoded), and the file card.
    QQuickItem *messageList = find(u"messageList"_s);
    QTRY_VERIFY_WITH_TIMEOUT(findVisual(messageList,
                                        [](QQuickItem *item) {
                                            return item->objectName() == u"imageThumbnail"
                                                    && item->isVisible()
                                                    && item->property("status").toInt() == 1
                                                    && item->width() > 50;
                                        }),
                             waitMs);
    QTRY_VERIFY_WITH_TIMEOUT(findByProperty(messageList, "text", u"trip-notes.pdf"_s), waitMs);
    // Both thumbnails.
    int thumbnails = 0;
    std::function<void(QQuickItem *)> count = [&](QQuickItem *item) {
        for (QQuickItem *child : item->childItems()) {
            if (child->objectName() == u"imageThumbnail" && child->isVisible()
                && child->property("status").toInt() == 1)
                ++thumbnails;
            count(child);
        }
    };
    QTRY_VERIFY_WITH_TIMEOUT((thumbnails = 0, count(messageList), thumbnails == 2), waitMs);
    screenshot(u"client-image-message"_s);

    // A click on Bob's picture downloads the full image and shows it.
    QQuickItem *thumb = findVisual(messageList, [](QQuickItem *item) {
        return item->objectName() == u"imageThumbnail" && item->isVisible()
                && item->height() > item->width(); // the portrait one: Bob's lake
    });
    QVERIFY(thumb);
    click(thumb);
    QQuickItem *full = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT((full = find(u"fullImage"_s)) && full->isVisible()
                                     && full->property("status").toInt() == 1,
                             waitMs);
    screenshot(u"client-image-viewer"_s);
    QTest::keyClick(m_window, Qt::Key_Escape);
    QTRY_VERIFY(!full->isVisible());

    const auto sentFile = [view](const QString &name) {
        for (int row = 0; row < view->rowCount(); ++row) {
            if (roleAt(view, row, MessageListModel::FileNameRole).toString() == name)
                return roleAt(view, row, MessageListModel::MessageIdRole).toLongLong() > 0;
        }
        return false;
    };
    // A file dropped on the chat (a drag from the file manager, as its events) is sent.
    const QString dropped = QDir(files.path()).filePath(u"dropped.txt"_s);
    {
        QFile f(dropped);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("dropped on the chat\n");
    }
    {
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(dropped)});
        const QPoint at
                = messageList
                          ->mapToScene(QPointF(messageList->width() / 2, messageList->height() / 2))
                          .toPoint();
        QDragEnterEvent enter(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QGuiApplication::sendEvent(m_window, &enter);
        QDragMoveEvent move(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QGuiApplication::sendEvent(m_window, &move);
        QDropEvent drop(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QGuiApplication::sendEvent(m_window, &drop);
    }
    QTRY_VERIFY_WITH_TIMEOUT(sentFile(u"dropped.txt"_s), waitMs);

    // The paperclip opens the file dialog (Esc closes it).
    QObject *dialog = m_window->findChild<QObject *>(u"attachDialog"_s);
    QVERIFY(dialog);
    QVERIFY(!dialog->property("visible").toBool());
    click(find(u"attachButton"_s));
    QTRY_VERIFY(dialog->property("visible").toBool());
    screenshot(u"client-attach-dialog"_s);
    QVERIFY(QMetaObject::invokeMethod(dialog, "reject"));
    QTRY_VERIFY(!dialog->property("visible").toBool());

    // An upload that loses the server shows its progress and that it is trying again;
    // it goes on when the server is back.
    const QString big = QDir(files.path()).filePath(u"holiday-video.mp4"_s);
    {
        QFile f(big);
        QVERIFY(f.open(QIODevice::WriteOnly));
        const QByteArray block(1024 * 1024, 'v');
        for (int i = 0; i < 6; ++i)
            f.write(block);
    }
    UploadJob *upload = client.sendFileTo(bob.account.id, big);
    QVERIFY(upload);
    const QString uploadClientId = upload->clientId();
    bool stopped = false;
    connect(upload, &FileTransfer::changed, this, [&] {
        if (!stopped && upload->bytesDone() >= 2 * 1024 * 1024
            && upload->state() == TransferState::Running) {
            stopped = true;
            server.stop();
        }
    });
    QTRY_VERIFY_WITH_TIMEOUT(stopped, waitMs);
    QTRY_COMPARE_WITH_TIMEOUT(roleAt(view, 0, MessageListModel::TransferStateRole).toInt(),
                              int(TransferState::Waiting), waitMs);
    QQuickItem *progress = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT(
            (progress = findByProperty(messageList, "objectName", u"transferProgress"_s)), waitMs);
    QVERIFY(progress->property("value").toDouble() > 0.3);
    QVERIFY(findByProperty(messageList, "objectName", u"transferCancel"_s));
    screenshot(u"client-upload-retrying"_s);
    QVERIFY2(server.restart(), qPrintable(server.errorString()));
    client.reconnectNow();
    QTRY_VERIFY_WITH_TIMEOUT(
            roleAt(view, 0, MessageListModel::ClientIdRole).toString() == uploadClientId
                    && roleAt(view, 0, MessageListModel::MessageIdRole).toLongLong() > 0,
            60000);
    QTRY_VERIFY(!findByProperty(messageList, "objectName", u"transferProgress"_s));

    engine.clearComponentCache();
    m_window = nullptr;
}

QTEST_MAIN(ClientGuiTest)
#include "tst_client_gui.moc"
