// SPDX-License-Identifier: MIT
// The one object the QML views talk to (a QML singleton): signing in and out, the
// connection, the models, and the actions of the composer. It wires the ApiClient, the
// Session (keychain), the SocketClient and the LocalCache together and turns their events
// into model changes. Tests make several instances in one process; QML gets the instance
// the application registered with setQmlInstance().
#pragma once

#include "ConversationListModel.h"
#include "FileTransfers.h"
#include "LocalCache.h"
#include "MessageListModel.h"
#include "MessageStatus.h"
#include "Profile.h"
#include "UserSearchModel.h"
#include "e2ee/E2ee.h"

#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>
#include <QUrl>
#include <QtQml/qqmlregistration.h>

#include <fastchat/Frames.h>
#include <fastchat/Message.h>
#include <fastchat/TypingStatus.h>
#include <fastchat/User.h>

#include <memory>

class QQmlEngine;
class QJSEngine;

namespace fastchat::client {

class ApiClient;
class ConversationFilterModel;
class KeyStore;
class MessageModels;
class Outbox;
class PeerTyping;
class Session;
class SocketClient;
class TypingNotifier;
class UserDirectory;

struct ChatClientOptions
{
    QUrl serverUrl;  // empty: the last server used, else defaultServerUrl
    QString dataDir; // empty: QStandardPaths::AppDataLocation
    QString profile = QStringLiteral("default"); // separate sessions and caches on one machine
    bool useKeychain = true; // false: the session is not remembered (tests of two users)
};

class ChatClient : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON

    Q_PROPERTY(QString version READ version CONSTANT)
    Q_PROPERTY(QString serverUrl READ serverUrl NOTIFY serverUrlChanged)
    Q_PROPERTY(bool restoring READ isRestoring NOTIFY restoringChanged)
    Q_PROPERTY(bool signedIn READ isSignedIn NOTIFY signedInChanged)
    Q_PROPERTY(bool busy READ isBusy NOTIFY busyChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorStringChanged)
    Q_PROPERTY(QString notice READ notice NOTIFY noticeChanged)
    Q_PROPERTY(QString keychainProblem READ keychainProblem NOTIFY keychainProblemChanged)
    Q_PROPERTY(ConnectionState connectionState READ connectionState NOTIFY connectionChanged)
    Q_PROPERTY(bool reconnecting READ isReconnecting NOTIFY connectionChanged)
    Q_PROPERTY(QString connectionText READ connectionText NOTIFY connectionChanged)
    Q_PROPERTY(QString connectionDetail READ connectionDetail NOTIFY connectionChanged)
    Q_PROPERTY(int unreadTotal READ unreadTotal NOTIFY unreadTotalChanged)
    Q_PROPERTY(qint64 currentUserId READ currentUserId NOTIFY currentUserChanged)
    Q_PROPERTY(QString currentUserName READ currentUserName NOTIFY currentUserChanged)
    Q_PROPERTY(fastchat::client::ConversationListModel *conversations READ conversations CONSTANT)
    Q_PROPERTY(fastchat::client::UserSearchModel *userSearch READ userSearch CONSTANT)
    Q_PROPERTY(QAbstractItemModel *visibleConversations READ visibleConversations CONSTANT)
    Q_PROPERTY(QString conversationFilter READ conversationFilter WRITE setConversationFilter NOTIFY
                       conversationFilterChanged)
    Q_PROPERTY(int currentConversationRow READ currentConversationRow NOTIFY
                       currentConversationRowChanged)
    Q_PROPERTY(qint64 currentPeerId READ currentPeerId NOTIFY currentPeerChanged)
    Q_PROPERTY(QString currentPeerName READ currentPeerName NOTIFY currentPeerChanged)
    Q_PROPERTY(qreal currentPeerHue READ currentPeerHue NOTIFY currentPeerChanged)
    Q_PROPERTY(fastchat::client::MessageListModel *messages READ messages NOTIFY currentPeerChanged)
    Q_PROPERTY(QString draft READ draft NOTIFY currentPeerChanged)
    Q_PROPERTY(bool currentPeerOnline READ currentPeerOnline NOTIFY currentPeerStatusChanged)
    Q_PROPERTY(bool currentPeerTyping READ currentPeerTyping NOTIFY currentPeerStatusChanged)
    Q_PROPERTY(QString currentPeerStatus READ currentPeerStatus NOTIFY currentPeerStatusChanged)
    Q_PROPERTY(bool windowActive READ windowActive WRITE setWindowActive NOTIFY windowActiveChanged)
    Q_PROPERTY(fastchat::client::TransferListModel *transfers READ transfers CONSTANT)
    Q_PROPERTY(fastchat::client::E2ee *e2ee READ e2ee CONSTANT)

public:
    enum ConnectionState {
        Offline, // signed out, or waiting before the next attempt
        Connecting,
        Online,
    };
    Q_ENUM(ConnectionState)

    static const QUrl defaultServerUrl;

    // Not default-constructible on purpose: QML then uses create() (Qt 6.4 prefers a default
    // constructor over the factory), which hands out the application's instance.
    explicit ChatClient(const ChatClientOptions &options, QObject *parent = nullptr);
    ~ChatClient() override;

    // QML: the instance the application registered (it stays owned by C++).
    static ChatClient *create(QQmlEngine *qmlEngine, QJSEngine *jsEngine);
    static void setQmlInstance(ChatClient *client);

    // Shows what was there last time and signs in silently with the keychain's refresh token.
    void start();

    // Actions for the views.
    Q_INVOKABLE void signIn(const QString &server, const QString &login, const QString &password);
    Q_INVOKABLE void registerAccount(const QString &server, const QString &username,
                                     const QString &email, const QString &password);
    Q_INVOKABLE void signOut();
    Q_INVOKABLE void openConversation(qint64 peerId);
    // Opens the conversation with a user found by the search (it may not exist yet).
    Q_INVOKABLE void openConversationWithSearchResult(int row);
    Q_INVOKABLE void closeConversation();
    // The next (step 1) or previous (-1) conversation in the visible list.
    Q_INVOKABLE void openAdjacentConversation(int step);
    // Sends to the current peer; false when there is nothing to send.
    Q_INVOKABLE bool sendMessage(const QString &text);
    Q_INVOKABLE void retryMessage(const QString &clientId);
    Q_INVOKABLE void discardMessage(const QString &clientId);
    // The user edited the composer (drafts are kept per conversation; typing is announced).
    Q_INVOKABLE void composerEdited(const QString &text);
    // Files: sends a local file (an image with a preview) to the current peer, showing its
    // upload at once; false (with a notice) when it cannot.
    Q_INVOKABLE bool sendFile(const QUrl &file);
    // Whether the clipboard holds an image, and sends it as a PNG (Ctrl+V in the composer).
    Q_INVOKABLE bool clipboardHasImage() const;
    Q_INVOKABLE bool pasteImage();
    Q_INVOKABLE void cancelTransfer(const QString &transferId);
    Q_INVOKABLE void retryTransfer(const QString &transferId);
    // The full image of an attachment in the current conversation: imageReady() follows,
    // at once when it is cached, else once downloaded (and checked).
    Q_INVOKABLE void openImage(const QString &fileId);
    // Downloads the attachment to a file the user chose.
    Q_INVOKABLE void saveFile(const QString &fileId, const QUrl &destination);
    // Where the Save dialog starts: the downloads folder and the file's own name.
    Q_INVOKABLE QUrl suggestedSaveUrl(const QString &fileId) const;
    // Where the file dialog for sending starts: the pictures folder, else home.
    Q_INVOKABLE QUrl sendFolder() const;
    Q_INVOKABLE void reconnectNow();
    Q_INVOKABLE void clearError();

    // Inline validation for the sign-in and register forms ("" when fine).
    Q_INVOKABLE QString serverAddressProblem(const QString &address) const;
    Q_INVOKABLE QString usernameProblem(const QString &username) const;
    Q_INVOKABLE QString emailProblem(const QString &email) const;
    Q_INVOKABLE QString passwordProblem(const QString &password) const;
    static QUrl normalizedServerUrl(const QString &address);

    QString version() const;
    QString serverUrl() const { return m_serverUrl.toString(); }
    bool isRestoring() const { return m_restoring; }
    bool isSignedIn() const { return m_signedIn; }
    bool isBusy() const { return m_busy; }
    QString errorString() const { return m_error; }
    QString notice() const { return m_notice; }
    QString keychainProblem() const;
    ConnectionState connectionState() const;
    bool isReconnecting() const { return m_signedIn && connectionState() != Online; }
    QString connectionText() const;
    QString connectionDetail() const;
    int unreadTotal() const;
    qint64 currentUserId() const { return m_me.id; }
    QString currentUserName() const { return m_me.username; }
    ConversationListModel *conversations() const { return m_conversations; }
    TransferListModel *transfers() const { return m_transfers; }
    // sendFile() for tests and drops: the upload job (nullptr when it cannot start).
    UploadJob *sendFileTo(qint64 peerId, const QString &path);
    UserSearchModel *userSearch() const { return m_search; }
    // The conversation list filtered by conversationFilter (a name substring).
    QAbstractItemModel *visibleConversations() const;
    QString conversationFilter() const;
    void setConversationFilter(const QString &filter);
    // The current conversation's row in visibleConversations (-1: not there).
    int currentConversationRow() const;
    qint64 currentPeerId() const { return m_current; }
    QString currentPeerName() const;
    qreal currentPeerHue() const;
    MessageListModel *messages() const;
    QString draft() const { return m_drafts.value(m_current); }
    bool currentPeerOnline() const;
    bool currentPeerTyping() const;
    QString currentPeerStatus() const;
    bool windowActive() const { return m_windowActive; }
    void setWindowActive(bool active);

    // The parts, for tests and the application.
    ApiClient *api() const { return m_api; }
    Session *session() const { return m_session; }
    SocketClient *socket() const { return m_socket; }
    KeyStore *keyStore() const { return m_keys; }
    E2ee *e2ee() const { return m_e2ee; }
    LocalCache *cache() const { return m_cache.get(); }
    // The model of the conversation with peerId, made (and filled) when needed.
    MessageListModel *messagesWith(qint64 peerId);
    QString keychainKey() const;
    // The keychain entry with the identity key seed and the local database's key.
    QString e2eeKeychainKey(qint64 userId) const;

Q_SIGNALS:
    void serverUrlChanged();
    void restoringChanged();
    void signedInChanged();
    void busyChanged();
    void errorStringChanged();
    void noticeChanged();
    void keychainProblemChanged();
    void connectionChanged();
    void unreadTotalChanged();
    void currentUserChanged();
    void currentPeerChanged();
    void conversationFilterChanged();
    void currentConversationRowChanged();
    void currentPeerStatusChanged();
    void windowActiveChanged();
    // A message arrived that the user is not looking at (the app may notify the desktop).
    void messageNotification(const QString &title, const QString &body, qint64 peerId);
    // The conversation list was synced with the server.
    void conversationsSynced();
    // openImage(): the full image is on this computer; `url` loads it (image://fastchat-images/…,
    // decrypted in memory by ImageCacheProvider).
    void imageReady(const QString &fileId, const QUrl &url);
    // openImage() or saveFile() could not download it.
    void transferFailed(const QString &fileId, const QString &error);

private:
    void setServerUrl(const QUrl &url);
    void setRestoring(bool restoring);
    void setBusy(bool busy);
    void setError(const QString &error);
    void setNotice(const QString &notice);
    void enterSignedIn(const User &me);
    void openSignedIn(const User &me);
    void leaveSignedIn(const QString &notice, bool forget);
    void bringUp();
    void syncConversations();
    void onMessage(const Message &message);
    void onAck(const Ack &ack);
    void onReadReceipt(const ReadReceipt &receipt);
    void onUserStatus(const UserStatus &status);
    void onTyping(const TypingStatus &status);
    void onSendFailed(const QString &clientId, const QString &code, const QString &message);
    void scheduleMarkRead();
    void markCurrentRead();
    User userFor(qint64 peerId);
    void persistConversation(qint64 peerId);
    void flushDrafts();
    void onUploadFinished(UploadJob *job);
    QString filesDir() const;

    ChatClientOptions m_options;
    Profile m_profile;
    ApiClient *m_api;
    KeyStore *m_keys;
    Session *m_session;
    E2ee *m_e2ee;
    SocketClient *m_socket;
    TypingNotifier *m_typing;
    std::unique_ptr<LocalCache> m_cache;
    std::unique_ptr<Outbox> m_outbox;
    MessageModels *m_models;
    UserDirectory *m_users;
    PeerTyping *m_peerTyping;
    ConversationListModel *m_conversations;
    UserSearchModel *m_search;
    ConversationFilterModel *m_visible;
    TransferListModel *m_transfers;
    QHash<qint64, QString> m_drafts;
    QHash<qint64, qint64> m_lastReadSent;

    QUrl m_serverUrl;
    User m_savedUser; // from the profile file: who was signed in last time
    User m_me;
    qint64 m_current = 0;
    bool m_restoring = false;
    bool m_signedIn = false;
    bool m_busy = false;
    bool m_windowActive = true;
    bool m_socketStarted = false;
    QString m_error;
    QString m_notice;
    QString m_syncError;
    QTimer m_markRead;
    QTimer m_syncRetry;
    QTimer m_countdown;
    QTimer m_saveDrafts;
    QSet<qint64> m_dirtyDrafts;
    int m_syncFailures = 0;
    quint64 m_generation = 0; // bumped on sign-in/out; stale REST answers compare it
};

} // namespace fastchat::client
