// SPDX-License-Identifier: MIT
// End-to-end encryption in the desktop client (docs/e2ee.md): the identity key and the
// database key from the OS keychain, prekeys published and refilled, one SessionCipher per
// peer kept in the encrypted local database, envelopes made for the outbox and opened
// before anything reaches the models or the cache, and what the views show about a chat:
// encrypted or not, the safety number, "verified", and the key-change warning.
//
// ChatClient owns it; QML reads it as ChatClient.e2ee (the current conversation's state).
#pragma once

#include "E2eeStore.h"
#include "SecretBox.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>
#include <QtQml/qqmlregistration.h>

#include <fastchat/Message.h>
#include <fastchat/NewMessage.h>
#include <fastchat/crypto/IdentityKey.h>
#include <fastchat/crypto/PreKeyBundle.h>
#include <fastchat/crypto/PreKeys.h>

#include <functional>
#include <memory>
#include <optional>

namespace fastchat::client {

class ApiClient;
class KeyStore;
class LocalCache;

// What the outbox does with a message (Outbox::setSealer).
struct SealedMessage
{
    enum Kind {
        Send,   // send `message` (an envelope, or plaintext the user chose to send)
        Wait,   // the peer's keys are being fetched: keep it until peerReady()
        Refuse, // not sent: `error` says why (shown on the message)
    };
    Kind kind = Send;
    NewMessage message;
    QString error;
};

// How a file goes to a peer (E2ee::filePolicy).
struct FilePolicy
{
    enum Kind {
        Encrypt, // end to end: the blob is encrypted, its key goes in the encrypted message
        Plain,   // as it is: encryption is off here, or the user chose unencrypted for them
        Refuse,  // not at all: `error` says why
    };
    Kind kind = Plain;
    QString error;
};

class E2ee : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("ChatClient.e2ee")

    Q_PROPERTY(bool enabled READ isEnabled NOTIFY enabledChanged)
    Q_PROPERTY(QString problem READ problem NOTIFY enabledChanged)
    Q_PROPERTY(PeerState currentState READ currentState NOTIFY currentChanged)
    Q_PROPERTY(QString currentStateText READ currentStateText NOTIFY currentChanged)
    Q_PROPERTY(QString currentPeerName READ currentPeerName NOTIFY currentChanged)
    Q_PROPERTY(QString currentSafetyNumber READ currentSafetyNumber NOTIFY currentChanged)
    Q_PROPERTY(bool currentVerified READ currentVerified NOTIFY currentChanged)
    Q_PROPERTY(bool currentKeyChanged READ currentKeyChanged NOTIFY currentChanged)
    Q_PROPERTY(bool currentPlaintextAllowed READ currentPlaintextAllowed NOTIFY currentChanged)

public:
    enum PeerState {
        Off,          // end-to-end encryption is off on this computer (problem says why)
        Checking,     // fetching the peer's keys
        Encrypted,    // a session exists: messages are end-to-end encrypted
        NotEncrypted, // the peer has published no keys (a client without encryption)
        Unknown,      // the keys could not be fetched yet (offline); retried
    };
    Q_ENUM(PeerState)

    // One-time prekeys: refill to stockTarget when the server has fewer than refillBelow.
    static constexpr int refillBelow = 25;
    static constexpr int stockTarget = 100;
    // What a message shows instead of its text when it cannot be decrypted.
    static QString decryptErrorText(const QString &reason);
    static bool isDecryptError(const QString &content);

    explicit E2ee(ApiClient *api, KeyStore *keys, QObject *parent = nullptr);
    ~E2ee() override;

    // Step 1 of signing in: the identity seed and the database key from the keychain
    // (created and stored there on first use). Without a keychain end-to-end encryption is
    // off and problem() says so; done() runs either way.
    void loadSecrets(const QString &keychainKey, bool useKeychain, QObject *context,
                     std::function<void()> done);
    // The database key for LocalCache (null when off).
    std::shared_ptr<const e2ee::SecretBox> box() const { return m_box; }
    // Step 2, once the cache is open: the sessions and prekeys, then publishing.
    void attach(LocalCache *cache, qint64 me);
    // Signing out or a lost session: forget everything in memory.
    void detach();
    // Signing out: the keychain entry goes too (the local database is deleted).
    void forget(const QString &keychainKey);

    bool isEnabled() const { return m_identity.has_value() && m_store.isOpen(); }
    QString problem() const { return m_problem; }
    const crypto::IdentityKeyPair *identity() const { return m_identity ? &*m_identity : nullptr; }

    // Incoming messages, history pages and conversation previews: an envelope comes back with
    // its text (decrypted once, then from the local database), or with decryptErrorText().
    Message open(const Message &message);
    // The outbox's hook for an outgoing message.
    SealedMessage seal(const NewMessage &message);
    // Whether a file to this peer is encrypted, sent as it is, or refused (a peer without
    // keys, until the user chooses to send unencrypted).
    FilePolicy filePolicy(qint64 peerId) const;
    // A message the server could read although encryption is on here (a peer's client
    // without it, or the user's choice): the chat marks it. Opened messages only.
    bool wasPlaintext(const Message &message) const;
    // An acknowledged message of mine: its text is kept under the server's id too.
    void noteAcknowledged(const QString &clientId, qint64 id);

    PeerState state(qint64 peerId) const;
    bool isVerified(qint64 peerId) const;
    bool keyChanged(qint64 peerId) const;
    QString safetyNumber(qint64 peerId) const;
    // Fetches the peer's bundle and starts a session when there is none (opening a chat).
    void ensureSession(qint64 peerId);

    void setCurrentPeer(qint64 peerId, const QString &name);
    PeerState currentState() const { return state(m_current); }
    QString currentStateText() const;
    QString currentPeerName() const { return m_currentName; }
    QString currentSafetyNumber() const { return safetyNumber(m_current); }
    bool currentVerified() const { return isVerified(m_current); }
    bool currentKeyChanged() const { return keyChanged(m_current); }
    bool currentPlaintextAllowed() const;

    Q_INVOKABLE void markVerified(bool verified = true);
    Q_INVOKABLE void acknowledgeKeyChange();
    // The user chose to send without encryption to the current peer (who has no keys).
    Q_INVOKABLE void allowUnencrypted();
    // Asks the server again for the current peer's keys.
    Q_INVOKABLE void recheck();

    // Publishing and refilling now (also on a timer). For tests.
    void refreshKeys();
    int publishedCount() const { return m_lastCount; }

Q_SIGNALS:
    void enabledChanged();
    void currentChanged();
    // The peer's state is settled (session made, or no keys): waiting messages may go.
    void peerReady(qint64 peerId);
    void peerChanged(qint64 peerId);
    // PUT /keys succeeded.
    void keysPublished(int oneTimePreKeysLeft);

private:
    struct Peer
    {
        QByteArray identityKey;
        bool verified = false;
        bool keyChanged = false;
        bool wasVerified = false; // verified before the change: sending waits for the user
        bool plaintextAllowed = false;
    };

    // A message as opened: its type and content (text, or attachment JSON).
    struct Opened
    {
        QString type;
        QString content;
    };
    // Opened messages by "id:<id>" or "c:<client id>", in the encrypted local database.
    bool keepOpened(const QString &id, const QString &type, const QString &content);
    std::optional<Opened> opened(const QString &id) const;
    QString nextOldSessionId(qint64 peerId) const;
    // Keeps the newest few old sessions of a peer (inside the caller's transaction).
    bool pruneOldSessions(qint64 peerId);

    void setProblem(const QString &problem);
    std::optional<Peer> peer(qint64 peerId) const;
    void savePeer(qint64 peerId, const Peer &peer);
    // A session brought this identity key: records it, or flags a change.
    void checkIdentity(qint64 peerId, const QByteArray &identityKey);
    void fetchBundle(qint64 peerId);
    Message decryptEnvelope(const Message &message);
    std::optional<crypto::SignedPreKey> signedPreKey(quint32 id) const;
    std::optional<crypto::OneTimePreKey> oneTimePreKey(quint32 id) const;
    std::optional<crypto::SignedPreKey> currentSignedPreKey(QDateTime *replacedAt = nullptr) const;
    void publish(int count);
    void scheduleRefill();

    ApiClient *m_api;
    KeyStore *m_keys;
    std::shared_ptr<const e2ee::SecretBox> m_box;
    std::optional<crypto::IdentityKeyPair> m_identity;
    e2ee::E2eeStore m_store;
    qint64 m_me = 0;
    QString m_problem;
    QHash<qint64, PeerState> m_states; // peers without a session
    QSet<qint64> m_fetching;
    // Messages that did not decrypt in this run, by id: not tried again on every history page
    // (the next start tries once more).
    QHash<qint64, QString> m_failed;
    QHash<qint64, crypto::PreKeyBundle> m_bundles; // fetched; the session starts on sending
    qint64 m_current = 0;
    QString m_currentName;
    QTimer m_refill;
    QTimer m_retry;
    int m_lastCount = -1;
    bool m_publishing = false;
    quint64 m_generation = 0;
};

} // namespace fastchat::client
