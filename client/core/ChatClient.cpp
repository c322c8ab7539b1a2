// SPDX-License-Identifier: MIT
#include "ChatClient.h"

#include "ApiClient.h"
#include "ConversationFilterModel.h"
#include "ConversationListModel.h"
#include "FileTransfers.h"
#include "Format.h"
#include "KeyStore.h"
#include "Logging.h"
#include "MessageListModel.h"
#include "MessageModels.h"
#include "Outbox.h"
#include "PeerTyping.h"
#include "Session.h"
#include "SocketClient.h"
#include "TypingNotifier.h"
#include "UserDirectory.h"
#include "UserSearchModel.h"
#include "Validation.h"

#include <QClipboard>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QGuiApplication>
#include <QImage>
#include <QJSEngine>
#include <QMimeDatabase>
#include <QPointer>
#include <QQmlEngine>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QUuid>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace fastchat::client {

namespace {

QPointer<ChatClient> qmlInstance;

constexpr int maxSyncDelayMs = 30000;

} // namespace

const QUrl ChatClient::defaultServerUrl(u"http://127.0.0.1:8080"_s);

ChatClient::ChatClient(const ChatClientOptions &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_profile(options.dataDir, options.profile)
    , m_api(new ApiClient(this))
    , m_keys(new KeyStore(this))
    , m_session(new Session(m_api, m_keys, this))
    , m_e2ee(new E2ee(m_api, m_keys, this))
    , m_socket(new SocketClient(m_session, this))
    , m_typing(new TypingNotifier(
              [this](qint64 peer, bool typing) { m_socket->sendTyping(peer, typing); }, this))
    , m_cache(std::make_unique<LocalCache>())
    , m_outbox(std::make_unique<Outbox>(m_socket, m_cache.get()))
    , m_models(new MessageModels(m_api, m_cache.get(), m_outbox.get(), this))
    , m_users(new UserDirectory(m_api, this))
    , m_peerTyping(new PeerTyping(this))
    , m_conversations(new ConversationListModel(this))
    , m_search(new UserSearchModel(this))
    , m_visible(new ConversationFilterModel(m_conversations, this))
    , m_transfers(new TransferListModel(m_api, this))
{
    m_models->setTransfers(m_transfers);
    // End-to-end encryption: envelopes out through the outbox, texts in before the models.
    m_outbox->setSealer([this](const NewMessage &message) { return m_e2ee->seal(message); },
                        [this](const QString &clientId, const QString &error) {
                            onSendFailed(clientId, u"e2ee"_s, error);
                        });
    m_models->setOpener([this](const Message &message) { return m_e2ee->open(message); });
    m_models->setPlaintextCheck(
            [this](const Message &message) { return m_e2ee->wasPlaintext(message); });
    connect(m_e2ee, &E2ee::peerReady, this, [this](qint64 peerId) { m_outbox->flush(peerId); });
    connect(this, &ChatClient::currentPeerChanged, this,
            [this] { m_e2ee->setCurrentPeer(m_current, currentPeerName()); });
    connect(m_transfers, &TransferListModel::transferChanged, m_models,
            &MessageModels::refreshTransfer);
    connect(m_visible, &ConversationFilterModel::rowsShifted, this,
            &ChatClient::currentConversationRowChanged);
    connect(this, &ChatClient::currentPeerChanged, this,
            &ChatClient::currentConversationRowChanged);
    m_api->setTokenProvider(m_session);
    setServerUrl(m_options.serverUrl.isValid() ? m_options.serverUrl : defaultServerUrl);

    connect(m_session, &Session::expired, this,
            [this](const QString &reason) { leaveSignedIn(reason, true); });
    connect(m_session, &Session::keychainProblemChanged, this, &ChatClient::keychainProblemChanged);
    connect(m_session, &Session::tokensChanged, this, [this] {
        // The server's word on who we are (a restored session only knew the saved name).
        const User &user = m_session->user();
        if (user.id == m_me.id && user.username != m_me.username) {
            m_me = user;
            Q_EMIT currentUserChanged();
            m_profile.save(m_serverUrl, m_me);
        }
    });

    connect(m_users, &UserDirectory::remembered, this,
            [this](const User &user) { m_cache->saveUser(user); });
    connect(m_users, &UserDirectory::fetched, this, [this](const User &user) {
        m_conversations->updatePeer(user);
        persistConversation(user.id);
        if (user.id == m_current)
            Q_EMIT currentPeerChanged();
    });
    connect(m_models, &MessageModels::latestLoaded, this, [this](qint64 peerId) {
        if (peerId == m_current)
            scheduleMarkRead();
    });
    connect(m_peerTyping, &PeerTyping::changed, this, [this](qint64 peerId, bool typing) {
        m_conversations->setTyping(peerId, typing);
        if (peerId == m_current)
            Q_EMIT currentPeerStatusChanged();
    });

    connect(m_socket, &SocketClient::stateChanged, this, [this] {
        if (m_socket->state() == SocketClient::State::Waiting)
            m_countdown.start();
        else
            m_countdown.stop();
        if (m_socket->state() < SocketClient::State::Resuming)
            m_peerTyping->clear(); // without a connection no "false" will come
        Q_EMIT connectionChanged();
    });
    connect(&m_syncRetry, &QTimer::timeout, &m_countdown, &QTimer::stop);
    connect(m_socket, &SocketClient::nextAttemptChanged, this, &ChatClient::connectionChanged);
    connect(this, &ChatClient::connectionChanged, this, &ChatClient::currentPeerStatusChanged);
    m_countdown.setInterval(1s);
    connect(&m_countdown, &QTimer::timeout, this, &ChatClient::connectionChanged);
    connect(m_socket, &SocketClient::messageReceived, this, &ChatClient::onMessage);
    connect(m_socket, &SocketClient::acknowledged, this, &ChatClient::onAck);
    connect(m_socket, &SocketClient::readReceiptReceived, this, &ChatClient::onReadReceipt);
    connect(m_socket, &SocketClient::userStatusReceived, this, &ChatClient::onUserStatus);
    connect(m_socket, &SocketClient::typingReceived, this, &ChatClient::onTyping);
    connect(m_socket, &SocketClient::sendFailed, this, &ChatClient::onSendFailed);
    connect(m_socket, &SocketClient::resumed, this, [this] {
        if (m_cache->isOpen())
            m_cache->setLastMessageId(m_socket->lastMessageId());
        // Presence and unread counts may have changed while we were away.
        syncConversations();
        markCurrentRead();
    });
    connect(m_socket, &SocketClient::sessionRefused, this, [this](const QString &) {
        leaveSignedIn(u"Your session has ended. Please sign in again."_s, true);
    });

    connect(m_conversations, &ConversationListModel::unreadTotalChanged, this,
            &ChatClient::unreadTotalChanged);
    // The header follows the row of the current peer (presence, typing).
    connect(m_conversations, &QAbstractItemModel::dataChanged, this,
            [this](const QModelIndex &from, const QModelIndex &to) {
                const int row = m_conversations->rowOf(m_current);
                if (row >= from.row() && row <= to.row())
                    Q_EMIT currentPeerStatusChanged();
            });

    m_search->setSearch([this](const QString &query, auto done) {
        const quint64 generation = m_generation;
        m_api->searchUsers(query, UserSearchModel::resultLimit, this,
                           [this, done, generation](ApiResult<QList<User>> result) {
                               if (generation != m_generation)
                                   return;
                               if (result.ok()) {
                                   for (const User &u : *result.value)
                                       m_users->remember(u);
                               }
                               done(result.ok(), result.value.value_or(QList<User>()),
                                    result.error.message);
                           });
    });

    m_markRead.setSingleShot(true);
    m_markRead.setInterval(150ms);
    connect(&m_markRead, &QTimer::timeout, this, &ChatClient::markCurrentRead);
    // Drafts reach the cache a moment after the last key, not on every key.
    m_saveDrafts.setSingleShot(true);
    m_saveDrafts.setInterval(500ms);
    connect(&m_saveDrafts, &QTimer::timeout, this, &ChatClient::flushDrafts);
    m_syncRetry.setSingleShot(true);
    connect(&m_syncRetry, &QTimer::timeout, this, &ChatClient::syncConversations);
}

ChatClient::~ChatClient()
{
    m_transfers->abortAll();
    flushDrafts();
    m_socket->stop();
}

ChatClient *ChatClient::create(QQmlEngine *, QJSEngine *)
{
    ChatClient *client = qmlInstance.data();
    if (!client) {
        client = new ChatClient(ChatClientOptions{});
        qmlInstance = client;
    } else {
        QJSEngine::setObjectOwnership(client, QJSEngine::CppOwnership);
    }
    return client;
}

void ChatClient::setQmlInstance(ChatClient *client)
{
    qmlInstance = client;
    if (client)
        QJSEngine::setObjectOwnership(client, QJSEngine::CppOwnership);
}

QString ChatClient::version() const
{
    return QStringLiteral(FASTCHAT_VERSION);
}

// ---- sign-in and sign-out ---------------------------------------------------------------

QString ChatClient::keychainKey() const
{
    return m_profile.keychainKey(m_serverUrl);
}

void ChatClient::start()
{
    const Profile::Saved saved = m_profile.load();
    if (!m_options.serverUrl.isValid() && saved.server.isValid())
        setServerUrl(saved.server);
    if (saved.server == m_serverUrl)
        m_savedUser = saved.user;
    if (!m_options.useKeychain || m_savedUser.id == 0)
        return;
    setRestoring(true);
    const quint64 generation = m_generation;
    m_keys->read(
            keychainKey(), this,
            [this, generation](const std::optional<QString> &secret, const QString &error) {
                setRestoring(false);
                if (generation != m_generation || m_signedIn)
                    return; // the user signed in by hand meanwhile
                if (!error.isEmpty()) {
                    setNotice(
                            u"Fast-Chat cannot remember you on this computer, so please sign in. "_s
                            + error);
                    return;
                }
                if (!secret || secret->isEmpty())
                    return;
                qCInfo(lcSession) << "signing in silently as" << m_savedUser.username;
                m_session->setKeychainKey(keychainKey());
                m_session->adopt(*secret, m_savedUser);
                enterSignedIn(m_savedUser);
            });
}

void ChatClient::signIn(const QString &server, const QString &login, const QString &password)
{
    if (m_busy)
        return;
    const QString problem = serverAddressProblem(server);
    if (!problem.isEmpty()) {
        setError(problem);
        return;
    }
    if (login.trimmed().isEmpty() || password.isEmpty()) {
        setError(u"Enter your e-mail address or username and your password."_s);
        return;
    }
    if (m_signedIn)
        leaveSignedIn({}, false);
    setServerUrl(normalizedServerUrl(server));
    setError({});
    setBusy(true);
    const quint64 generation = ++m_generation;
    m_api->login(login, password, this, [this, generation](ApiResult<SessionTokens> result) {
        if (generation != m_generation)
            return;
        setBusy(false);
        if (!result.ok()) {
            setError(result.error.message);
            return;
        }
        setNotice({});
        m_session->setKeychainKey(m_options.useKeychain ? keychainKey() : QString());
        m_session->begin(*result.value);
        enterSignedIn(result.value->user);
    });
}

void ChatClient::registerAccount(const QString &server, const QString &username,
                                 const QString &email, const QString &password)
{
    if (m_busy)
        return;
    for (const QString &problem : {serverAddressProblem(server), usernameProblem(username),
                                   emailProblem(email), passwordProblem(password)}) {
        if (!problem.isEmpty()) {
            setError(problem);
            return;
        }
    }
    setServerUrl(normalizedServerUrl(server));
    setError({});
    setBusy(true);
    const quint64 generation = ++m_generation;
    m_api->registerAccount(username.trimmed(), email.trimmed(), password, this,
                           [this, generation, server, email, password](ApiResult<User> result) {
                               if (generation != m_generation)
                                   return;
                               setBusy(false);
                               if (!result.ok()) {
                                   setError(result.error.message);
                                   return;
                               }
                               setNotice(u"Your account is ready. Signing in…"_s);
                               signIn(server, email.trimmed(), password);
                           });
}

void ChatClient::signOut()
{
    if (!m_signedIn)
        return;
    // Tell the server (the request carries the token already), then forget at once.
    m_api->logout(this, [](ApiResult<bool>) {});
    const QString file = m_cache->filePath();
    const QString files = filesDir();
    const QString e2eeKey = e2eeKeychainKey(m_me.id);
    leaveSignedIn({}, true);
    // The local database goes, so the identity that its sessions belong to goes too.
    if (m_options.useKeychain)
        m_e2ee->forget(e2eeKey);
    if (!files.isEmpty())
        QDir(files).removeRecursively(); // cached images and partial downloads
    if (!file.isEmpty()) {
        // What this user's chats looked like does not stay behind after signing out.
        for (const QString &suffix : {QString(), u"-wal"_s, u"-shm"_s})
            QFile::remove(file + suffix);
    }
}

QString ChatClient::e2eeKeychainKey(qint64 userId) const
{
    return keychainKey() + u"#e2ee/"_s + QString::number(userId);
}

void ChatClient::enterSignedIn(const User &me)
{
    // The identity key and the local database's key come from the keychain first.
    const quint64 generation = ++m_generation;
    m_e2ee->loadSecrets(e2eeKeychainKey(me.id), m_options.useKeychain, this,
                        [this, me, generation] {
                            if (generation == m_generation)
                                openSignedIn(me);
                        });
}

void ChatClient::openSignedIn(const User &me)
{
    ++m_generation;
    m_me = me;
    m_conversations->setMe(me.id);
    m_models->reset(me.id);
    m_search->setExcludedUser(me.id);
    m_profile.save(m_serverUrl, m_me);

    QString error;
    m_cache->setSecretBox(m_e2ee->box());
    if (!m_cache->open(m_profile.cacheFile(m_serverUrl, me.id), &error))
        qCWarning(lcCache) << "working without a cache:" << error;
    m_e2ee->attach(m_cache.get(), me.id);
    m_transfers->setStorageDir(filesDir());
    // Pictures of encrypted chats are not readable on disk either: the image cache is sealed
    // with a key of its own, derived from the database key.
    const auto box = m_e2ee->box();
    m_transfers->setImageCache(
            ImageCache(QDir(filesDir()).filePath(u"images"_s),
                       box ? box->derive("fastchat image cache v1") : crypto::SecretBytes()));
    m_users->load(m_cache->users());
    m_drafts = m_cache->drafts();
    m_conversations->load(m_cache->conversations());
    m_socket->setServerUrl(m_serverUrl);
    m_socket->setLastMessageId(m_cache->lastMessageId());
    // Messages that were on their way when the app last stopped.
    const auto restored = m_outbox->restore();
    for (const Outbox::Entry &entry : restored) {
        const qint64 peerId = entry.message.receiverId;
        m_conversations->applyLocalEcho(Outbox::echo(entry, me.id), userFor(peerId));
        if (entry.failed)
            m_conversations->setLastMessageStatus(peerId, entry.message.clientId,
                                                  MessageStatus::Failed);
    }

    m_signedIn = true;
    Q_EMIT currentUserChanged();
    Q_EMIT signedInChanged();
    Q_EMIT connectionChanged();
    bringUp();
}

void ChatClient::leaveSignedIn(const QString &notice, bool forget)
{
    flushDrafts();
    m_dirtyDrafts.clear();
    ++m_generation;
    m_typing->stop();
    m_socket->stop();
    m_socketStarted = false;
    m_syncRetry.stop();
    m_markRead.stop();
    if (forget)
        m_session->end();
    const bool hadPeer = m_current != 0;
    m_current = 0;
    if (hadPeer) {
        Q_EMIT currentPeerChanged();
        Q_EMIT currentPeerStatusChanged();
    }
    m_models->reset(0);
    m_conversations->clear();
    m_search->clear();
    m_users->clear();
    m_peerTyping->clear();
    m_drafts.clear();
    m_lastReadSent.clear();
    m_outbox->clear();
    m_transfers->abortAll();
    m_transfers->setStorageDir({});
    m_transfers->setImageCache({});
    m_e2ee->detach();
    m_cache->close();
    m_me = {};
    if (forget)
        m_profile.save(m_serverUrl, m_me);
    setNotice(notice);
    const bool was = m_signedIn;
    m_signedIn = false;
    Q_EMIT currentUserChanged();
    if (was)
        Q_EMIT signedInChanged();
    Q_EMIT connectionChanged();
}

void ChatClient::bringUp()
{
    // With a last message id the socket can resume at once; without one (a first sign-in
    // here) the conversation list comes first, so that the resume does not replay all history.
    if (m_socket->lastMessageId() > 0) {
        m_socketStarted = true;
        m_socket->start();
    }
    syncConversations();
}

void ChatClient::syncConversations()
{
    if (!m_signedIn)
        return;
    m_syncRetry.stop();
    const quint64 generation = m_generation;
    m_api->conversations(this, [this, generation](ApiResult<QList<Conversation>> result) {
        if (generation != m_generation)
            return;
        if (!result.ok()) {
            if (result.error.isUnauthorized())
                return; // the session is over; Session::expired follows
            qCInfo(lcModels) << "cannot sync the conversation list:" << result.error.message;
            if (!m_socketStarted) {
                // Nothing else is trying yet: retry with backoff, and say so.
                const int delay = std::min(maxSyncDelayMs, 1000 << std::min(m_syncFailures++, 5));
                m_syncError = result.error.message;
                m_syncRetry.start(delay);
                m_countdown.start();
                Q_EMIT connectionChanged();
            }
            return;
        }
        m_syncFailures = 0;
        m_syncError.clear();
        qint64 newest = 0;
        for (Conversation &c : *result.value) {
            if (c.lastMessage)
                c.lastMessage = m_e2ee->open(*c.lastMessage);
            if (c.peer)
                m_users->remember(*c.peer);
            newest = std::max(newest, c.lastMessageId);
        }
        m_conversations->sync(*result.value);
        m_cache->replaceConversations(*result.value);
        if (!m_socketStarted) {
            m_socket->setLastMessageId(newest);
            m_socketStarted = true;
            m_socket->start();
        }
        Q_EMIT currentPeerStatusChanged();
        Q_EMIT conversationsSynced();
    });
}

// ---- live events ------------------------------------------------------------------------

User ChatClient::userFor(qint64 peerId)
{
    if (const auto known = m_users->find(peerId))
        return *known;
    if (const auto peer = m_conversations->peer(peerId))
        return *peer;
    return m_users->user(peerId); // a placeholder; the name follows
}

void ChatClient::persistConversation(qint64 peerId)
{
    if (const auto c = m_conversations->conversation(peerId))
        m_cache->saveConversation(*c);
}

void ChatClient::onMessage(const Message &received)
{
    // An envelope is opened here, before any model or the cache sees it.
    const Message message = m_e2ee->open(received);
    const bool incoming = message.senderId != m_me.id;
    const qint64 peerId = incoming ? message.senderId : message.receiverId;
    const User peer = userFor(peerId);
    const bool reading = peerId == m_current && m_windowActive;
    if (!incoming && !message.clientId.isEmpty())
        m_outbox->settle(message.clientId); // its stored copy: on its way no more
    m_conversations->applyMessage(message, peer, incoming && !reading);
    if (MessageListModel *model = m_models->find(peerId))
        model->applyMessage(message);
    m_cache->saveMessages(peerId, {message});
    m_cache->setLastMessageId(m_socket->lastMessageId());
    persistConversation(peerId);
    if (!incoming)
        return;
    m_peerTyping->set(peerId, false);
    if (reading)
        scheduleMarkRead();
    else if (m_socket->isOnline())
        Q_EMIT messageNotification(peer.username, format::messagePreview(message), peerId);
}

void ChatClient::onAck(const Ack &ack)
{
    const auto entry = m_outbox->settle(ack.clientId);
    if (!entry)
        return; // the stored copy came first and settled it
    const qint64 peerId = entry->message.receiverId;
    m_e2ee->noteAcknowledged(ack.clientId, ack.id);
    if (MessageListModel *model = m_models->find(peerId))
        model->applyAck(ack);
    Message stored = Outbox::echo(*entry, m_me.id);
    stored.id = ack.id;
    stored.conversationId = ack.conversationId;
    if (ack.timestamp.isValid())
        stored.timestamp = stored.createdAt = ack.timestamp;
    m_conversations->applyMessage(stored, userFor(peerId), false);
    m_cache->saveMessages(peerId, {stored});
    persistConversation(peerId);
}

void ChatClient::onSendFailed(const QString &clientId, const QString &code, const QString &message)
{
    const auto entry = m_outbox->fail(clientId, message);
    if (!entry)
        return;
    qCWarning(lcModels) << "the server refused message" << clientId << code << message;
    const qint64 peerId = entry->message.receiverId;
    if (MessageListModel *model = m_models->find(peerId))
        model->setFailed(clientId, message);
    m_conversations->setLastMessageStatus(peerId, clientId, MessageStatus::Failed);
}

void ChatClient::onReadReceipt(const ReadReceipt &receipt)
{
    if (receipt.readerId == m_me.id) {
        // I read them (here or on another device): the server's count is the truth.
        m_conversations->setUnreadCount(receipt.peerId, receipt.unreadCount);
        m_lastReadSent[receipt.peerId] = std::max(m_lastReadSent.value(receipt.peerId),
                                                  receipt.messageId);
        persistConversation(receipt.peerId);
        return;
    }
    if (receipt.peerId != m_me.id)
        return;
    const qint64 reader = receipt.readerId;
    m_conversations->markReadByPeer(reader, receipt.messageId);
    if (MessageListModel *model = m_models->find(reader))
        model->markReadUpTo(receipt.messageId, receipt.readAt);
    persistConversation(reader);
}

void ChatClient::onUserStatus(const UserStatus &status)
{
    m_users->setPresence(status.userId, status.isOnline, status.lastSeen);
    m_conversations->setPresence(status.userId, status.isOnline, status.lastSeen);
    if (!status.isOnline)
        m_peerTyping->set(status.userId, false);
    if (status.userId == m_current)
        Q_EMIT currentPeerStatusChanged();
}

void ChatClient::onTyping(const TypingStatus &status)
{
    if (status.senderId && status.senderId != m_me.id)
        m_peerTyping->set(status.senderId, status.isTyping);
}

void ChatClient::scheduleMarkRead()
{
    m_markRead.start();
}

void ChatClient::markCurrentRead()
{
    if (!m_current || !m_windowActive || !m_signedIn)
        return;
    MessageListModel *model = m_models->find(m_current);
    const qint64 newest = model ? model->newestIncomingId() : 0;
    if (newest <= 0 || newest <= m_lastReadSent.value(m_current))
        return;
    m_lastReadSent.insert(m_current, newest);
    m_socket->sendRead(m_current, newest);
    m_conversations->setUnreadCount(m_current, 0); // the receipt confirms it
}

void ChatClient::setWindowActive(bool active)
{
    if (m_windowActive == active)
        return;
    m_windowActive = active;
    Q_EMIT windowActiveChanged();
    if (active)
        scheduleMarkRead();
}

// ---- conversations and the composer -----------------------------------------------------

MessageListModel *ChatClient::messagesWith(qint64 peerId)
{
    return m_signedIn ? m_models->get(peerId) : nullptr;
}

void ChatClient::openConversation(qint64 peerId)
{
    if (!m_signedIn || peerId <= 0 || peerId == m_me.id || peerId == m_current)
        return;
    m_typing->stop();
    m_current = peerId;
    userFor(peerId);
    messagesWith(peerId);
    Q_EMIT currentPeerChanged();
    Q_EMIT currentPeerStatusChanged();
    scheduleMarkRead();
}

void ChatClient::openConversationWithSearchResult(int row)
{
    const auto user = m_search->userAt(row);
    if (!user)
        return;
    m_users->remember(*user);
    openConversation(user->id);
}

void ChatClient::closeConversation()
{
    if (!m_current)
        return;
    m_typing->stop();
    m_current = 0;
    Q_EMIT currentPeerChanged();
    Q_EMIT currentPeerStatusChanged();
}

void ChatClient::openAdjacentConversation(int step)
{
    if (const qint64 peer = m_visible->adjacentPeer(m_current, step))
        openConversation(peer);
}

QAbstractItemModel *ChatClient::visibleConversations() const
{
    return m_visible;
}

QString ChatClient::conversationFilter() const
{
    return m_visible->filter();
}

void ChatClient::setConversationFilter(const QString &filter)
{
    if (filter == m_visible->filter())
        return;
    m_visible->setFilter(filter);
    Q_EMIT conversationFilterChanged();
}

int ChatClient::currentConversationRow() const
{
    return m_visible->rowOfPeer(m_current);
}

bool ChatClient::sendMessage(const QString &text)
{
    // Leading and trailing blank lines go; the inside stays as written.
    static const QRegularExpression edges(u"^\\s+|\\s+$"_s);
    QString content = text;
    content.remove(edges);
    if (!m_signedIn || !m_current || content.isEmpty())
        return false;
    if (content.toUtf8().size() > NewMessage::maxContentBytes) {
        setNotice(u"This message is too long to send (at most 64 KiB)."_s);
        return false;
    }
    const qint64 peerId = m_current;
    m_typing->stop();
    m_drafts.remove(peerId);
    m_dirtyDrafts.remove(peerId);
    m_cache->saveDraft(peerId, {});

    // The echo shows at once; the socket sends it now or after the next reconnect.
    MessageListModel *model = messagesWith(peerId);
    const Message echo = Outbox::echo(m_outbox->add(peerId, content), m_me.id);
    if (model)
        model->addLocalEcho(echo);
    m_conversations->applyLocalEcho(echo, userFor(peerId));
    return true;
}

void ChatClient::retryMessage(const QString &clientId)
{
    const auto entry = m_outbox->retry(clientId);
    if (!entry)
        return;
    const qint64 peerId = entry->message.receiverId;
    if (MessageListModel *model = m_models->find(peerId))
        model->setSending(clientId);
    m_conversations->setLastMessageStatus(peerId, clientId, MessageStatus::Sending);
}

void ChatClient::discardMessage(const QString &clientId)
{
    const auto entry = m_outbox->discard(clientId);
    if (!entry)
        return;
    if (MessageListModel *model = m_models->find(entry->message.receiverId))
        model->removeLocal(clientId);
}

void ChatClient::composerEdited(const QString &text)
{
    if (!m_current)
        return;
    if (text.isEmpty())
        m_drafts.remove(m_current);
    else
        m_drafts.insert(m_current, text);
    m_dirtyDrafts.insert(m_current);
    m_saveDrafts.start();
    m_typing->edited(m_current, text.trimmed().isEmpty());
}

void ChatClient::flushDrafts()
{
    m_saveDrafts.stop();
    for (qint64 peer : std::as_const(m_dirtyDrafts))
        m_cache->saveDraft(peer, m_drafts.value(peer));
    m_dirtyDrafts.clear();
}

// ---- files ------------------------------------------------------------------------------

QString ChatClient::filesDir() const
{
    // Next to the cache file, one folder per server and user.
    const QString cacheFile = m_cache->filePath();
    if (cacheFile.isEmpty())
        return {};
    const QFileInfo info(cacheFile);
    return info.absoluteDir().filePath(info.completeBaseName() + u"-files"_s);
}

bool ChatClient::sendFile(const QUrl &file)
{
    if (!m_signedIn || !m_current)
        return false;
    const QString path = file.isLocalFile() ? file.toLocalFile() : file.toString();
    return sendFileTo(m_current, path) != nullptr;
}

UploadJob *ChatClient::sendFileTo(qint64 peerId, const QString &path)
{
    if (!m_signedIn || peerId <= 0 || peerId == m_me.id)
        return nullptr;
    const QFileInfo info(path);
    if (!info.isFile() || !info.isReadable()) {
        setNotice(u"%1 cannot be sent: it is not a file this app can read."_s.arg(
                QDir::toNativeSeparators(path)));
        return nullptr;
    }
    const FilePolicy policy = m_e2ee->filePolicy(peerId);
    if (policy.kind == FilePolicy::Refuse) {
        setNotice(policy.error);
        return nullptr;
    }
    const QString clientId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    // The row shows at once with its name, size and progress; the preview follows.
    Message echo;
    echo.senderId = m_me.id;
    echo.receiverId = peerId;
    echo.clientId = clientId;
    echo.type = u"file"_s;
    echo.content = info.fileName();
    echo.timestamp = QDateTime::currentDateTimeUtc();
    Attachment pending;
    pending.name = info.fileName();
    pending.size = info.size();
    pending.mimeType = QMimeDatabase().mimeTypeForFile(info, QMimeDatabase::MatchExtension).name();
    if (MessageListModel *model = messagesWith(peerId))
        model->addLocalAttachment(echo, pending);

    UploadJob *job = m_transfers->upload(path, peerId, clientId,
                                         policy.kind == FilePolicy::Encrypt);
    connect(job, &UploadJob::prepared, this, [this, job, echo]() mutable {
        Attachment a = job->attachment();
        echo.type = a.isImage() ? u"image"_s : u"file"_s;
        if (MessageListModel *model = m_models->find(job->peerId()))
            model->updateLocal(echo, a);
    });
    connect(job, &FileTransfer::finished, this, [this, job] { onUploadFinished(job); });
    connect(job, &FileTransfer::cancelled, this, [this, job] {
        if (MessageListModel *model = m_models->find(job->peerId()))
            model->removeLocal(job->clientId());
    });
    return job;
}

void ChatClient::onUploadFinished(UploadJob *job)
{
    const Attachment a = job->attachment();
    const qint64 peerId = job->peerId();
    if (a.isImage())
        m_transfers->addToCache(job->localPath(), a.sha256);
    NewMessage message;
    message.receiverId = peerId;
    message.type = a.isImage() ? u"image"_s : u"file"_s;
    message.fileId = a.fileId;
    message.content = a.toContent();
    message.clientId = job->clientId();
    // From here on it is an ordinary message on its way (kept by the outbox).
    const Message echo = Outbox::echo(m_outbox->add(message), m_me.id);
    if (MessageListModel *model = m_models->find(peerId))
        model->updateLocal(echo, std::nullopt);
    m_conversations->applyLocalEcho(echo, userFor(peerId));
    m_transfers->remove(job);
}

bool ChatClient::clipboardHasImage() const
{
    if (!qobject_cast<QGuiApplication *>(QCoreApplication::instance()))
        return false;
    const QClipboard *clipboard = QGuiApplication::clipboard();
    return clipboard && !clipboard->image().isNull();
}

bool ChatClient::pasteImage()
{
    if (!m_signedIn || !m_current || !clipboardHasImage())
        return false;
    const QImage image = QGuiApplication::clipboard()->image();
    const QString dir = filesDir().isEmpty()
            ? QStandardPaths::writableLocation(QStandardPaths::TempLocation)
            : QDir(filesDir()).filePath(u"pasted"_s);
    QDir().mkpath(dir);
    const QString path = QDir(dir).filePath(u"Pasted image %1.png"_s.arg(
            QDateTime::currentDateTime().toString(u"yyyy-MM-dd HH.mm.ss"_s)));
    if (!image.save(path, "PNG")) {
        setNotice(u"The pasted image could not be saved for sending."_s);
        return false;
    }
    return sendFileTo(m_current, path) != nullptr;
}

void ChatClient::cancelTransfer(const QString &transferId)
{
    m_transfers->cancel(transferId);
}

void ChatClient::retryTransfer(const QString &transferId)
{
    m_transfers->retry(transferId);
}

void ChatClient::openImage(const QString &fileId)
{
    const MessageListModel *model = messages();
    const auto attachment = model ? model->attachmentOfFile(fileId) : std::nullopt;
    if (!attachment)
        return;
    const QString sha256 = attachment->sha256;
    if (m_transfers->imageCache().contains(sha256)) {
        Q_EMIT imageReady(fileId, ImageCache::urlOf(sha256));
        return;
    }
    DownloadJob *job = m_transfers->download(*attachment);
    connect(job, &FileTransfer::finished, this,
            [this, fileId, sha256] { Q_EMIT imageReady(fileId, ImageCache::urlOf(sha256)); });
}

void ChatClient::saveFile(const QString &fileId, const QUrl &destination)
{
    const MessageListModel *model = messages();
    const auto attachment = model ? model->attachmentOfFile(fileId) : std::nullopt;
    const QString path = destination.isLocalFile() ? destination.toLocalFile() : QString();
    if (!attachment || path.isEmpty())
        return;
    DownloadJob *job = m_transfers->download(*attachment, path);
    connect(job, &FileTransfer::changed, this, [this, job, fileId] {
        if (job->state() == TransferState::Failed)
            Q_EMIT transferFailed(fileId, job->errorString());
    });
}

QUrl ChatClient::suggestedSaveUrl(const QString &fileId) const
{
    const MessageListModel *model = messages();
    const auto attachment = model ? model->attachmentOfFile(fileId) : std::nullopt;
    QString name = attachment ? QFileInfo(attachment->name).fileName() : QString();
    if (name.isEmpty() || name.startsWith(u'.'))
        name = u"download"_s;
    QString dir = QStandardPaths::writableLocation(QStandardPaths::DownloadLocation);
    if (dir.isEmpty())
        dir = QDir::homePath();
    return QUrl::fromLocalFile(QDir(dir).filePath(name));
}

QUrl ChatClient::sendFolder() const
{
    const QString pictures = QStandardPaths::writableLocation(QStandardPaths::PicturesLocation);
    return QUrl::fromLocalFile(
            !pictures.isEmpty() && QFileInfo(pictures).isDir() ? pictures : QDir::homePath());
}

void ChatClient::reconnectNow()
{
    m_socket->reconnectNow();
    if (m_syncRetry.isActive())
        syncConversations();
}

// ---- validation -------------------------------------------------------------------------

QUrl ChatClient::normalizedServerUrl(const QString &address)
{
    return validation::normalizedServerUrl(address);
}

QString ChatClient::serverAddressProblem(const QString &address) const
{
    return validation::serverAddressProblem(address);
}

QString ChatClient::usernameProblem(const QString &username) const
{
    return validation::usernameProblem(username);
}

QString ChatClient::emailProblem(const QString &email) const
{
    return validation::emailProblem(email);
}

QString ChatClient::passwordProblem(const QString &password) const
{
    return validation::passwordProblem(password);
}

// ---- properties -------------------------------------------------------------------------

void ChatClient::setServerUrl(const QUrl &url)
{
    if (url == m_serverUrl)
        return;
    m_serverUrl = url;
    m_api->setBaseUrl(url);
    m_socket->setServerUrl(url);
    Q_EMIT serverUrlChanged();
}

void ChatClient::setRestoring(bool restoring)
{
    if (m_restoring == restoring)
        return;
    m_restoring = restoring;
    Q_EMIT restoringChanged();
}

void ChatClient::setBusy(bool busy)
{
    if (m_busy == busy)
        return;
    m_busy = busy;
    Q_EMIT busyChanged();
}

void ChatClient::setError(const QString &error)
{
    if (m_error == error)
        return;
    m_error = error;
    Q_EMIT errorStringChanged();
}

void ChatClient::clearError()
{
    setError({});
}

void ChatClient::setNotice(const QString &notice)
{
    if (m_notice == notice)
        return;
    m_notice = notice;
    Q_EMIT noticeChanged();
}

QString ChatClient::keychainProblem() const
{
    return m_options.useKeychain ? m_session->keychainProblem() : QString();
}

ChatClient::ConnectionState ChatClient::connectionState() const
{
    switch (m_socket->state()) {
    case SocketClient::State::Online:
        return Online;
    case SocketClient::State::Connecting:
    case SocketClient::State::Resuming:
        return Connecting;
    case SocketClient::State::Waiting:
    case SocketClient::State::Stopped:
        break;
    }
    if (m_signedIn && !m_socketStarted)
        return m_syncRetry.isActive() ? Offline : Connecting;
    return Offline;
}

QString ChatClient::connectionText() const
{
    if (!m_signedIn)
        return {};
    switch (connectionState()) {
    case Online:
        return {};
    case Connecting:
        return u"Connecting…"_s;
    case Offline:
        break;
    }
    qint64 waitMs = -1;
    if (m_socketStarted) {
        const QDateTime next = m_socket->nextAttemptAt();
        if (next.isValid())
            waitMs = QDateTime::currentDateTimeUtc().msecsTo(next);
    } else if (m_syncRetry.isActive()) {
        waitMs = m_syncRetry.remainingTime();
    }
    if (waitMs < 0)
        return u"Offline"_s;
    const qint64 secs = std::max<qint64>(1, (waitMs + 999) / 1000);
    return u"Offline. Reconnecting in %1 s…"_s.arg(secs);
}

QString ChatClient::connectionDetail() const
{
    if (connectionState() == Online)
        return {};
    return m_socketStarted ? m_socket->lastError() : m_syncError;
}

int ChatClient::unreadTotal() const
{
    return m_conversations->unreadTotal();
}

QString ChatClient::currentPeerName() const
{
    if (!m_current)
        return {};
    if (const auto user = m_users->find(m_current))
        return user->username;
    if (const auto peer = m_conversations->peer(m_current))
        return peer->username;
    return {};
}

qreal ChatClient::currentPeerHue() const
{
    return m_current ? format::avatarHue(m_current) : 0.0;
}

MessageListModel *ChatClient::messages() const
{
    return m_models->find(m_current);
}

bool ChatClient::currentPeerOnline() const
{
    if (const auto peer = m_conversations->peer(m_current))
        return peer->isOnline;
    const auto user = m_users->find(m_current);
    return user && user->isOnline;
}

bool ChatClient::currentPeerTyping() const
{
    return m_current && m_peerTyping->isTyping(m_current);
}

QString ChatClient::currentPeerStatus() const
{
    if (!m_current)
        return {};
    if (connectionState() != Online)
        return u"waiting for the connection…"_s; // what we knew may be stale
    if (currentPeerTyping())
        return u"typing…"_s;
    const auto peer = m_conversations->peer(m_current);
    const User user = peer ? *peer : m_users->find(m_current).value_or(User());
    return format::presence(user.isOnline, user.lastSeen);
}

} // namespace fastchat::client
