// SPDX-License-Identifier: MIT
#include "E2ee.h"

#include "../ApiClient.h"
#include "../KeyStore.h"
#include "../LocalCache.h"
#include "../Logging.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>

#include <fastchat/Attachment.h>
#include <fastchat/crypto/Base64Url.h>
#include <fastchat/crypto/Envelope.h>
#include <fastchat/crypto/PreKeyBundle.h>
#include <fastchat/crypto/SafetyNumber.h>
#include <fastchat/crypto/SessionCipher.h>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace fastchat::client {

using crypto::Envelope;
using crypto::IdentityKeyPair;
using crypto::OneTimePreKey;
using crypto::SecretBytes;
using crypto::SessionCipher;
using crypto::SignedPreKey;

namespace {

const QString kMeta = u"meta"_s;
const QString kSignedPreKey = u"spk"_s;
const QString kOneTimePreKey = u"otpk"_s;
const QString kSession = u"session"_s;
const QString kPeer = u"peer"_s;
const QString kPlain = u"plain"_s;
// The type of an opened message when it is not "text" (same ids as kPlain).
const QString kPlainType = u"ptype"_s;
// Earlier sessions with a peer, kept to open messages still on their way (see open()).
constexpr int keptOldSessions = 4;

QString oldSessionsKind(qint64 peerId)
{
    return u"oldsession/"_s + QString::number(peerId);
}

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QJsonObject parse(QByteArrayView bytes)
{
    return QJsonDocument::fromJson(bytes.toByteArray()).object();
}

QString idKey(qint64 id)
{
    return u"id:"_s + QString::number(id);
}

bool isSealable(const QString &type)
{
    return type == u"text"_s || type == u"image"_s || type == u"file"_s;
}

} // namespace

bool E2ee::keepOpened(const QString &id, const QString &type, const QString &content)
{
    if (!m_store.put(kPlain, id, content.toUtf8()))
        return false;
    return type == u"text"_s ? m_store.remove(kPlainType, id)
                             : m_store.put(kPlainType, id, type.toUtf8());
}

std::optional<E2ee::Opened> E2ee::opened(const QString &id) const
{
    const auto content = m_store.get(kPlain, id);
    if (!content)
        return std::nullopt;
    const auto type = m_store.get(kPlainType, id);
    return Opened{type ? QString::fromUtf8(*type) : u"text"_s, QString::fromUtf8(*content)};
}

bool E2ee::wasPlaintext(const Message &message) const
{
    // Not yet stored: the outbox has still to seal it (or refuse it).
    if (!isEnabled() || message.id <= 0 || isDecryptError(message.content)
        || !isSealable(message.type))
        return false;
    // Whatever was opened from an envelope, or sealed into one, is in the local store.
    if (m_store.get(kPlain, idKey(message.id)))
        return false;
    const bool mine = message.senderId == m_me;
    return !mine || message.clientId.isEmpty()
            || !m_store.get(kPlain, u"out:"_s + message.clientId);
}

QString E2ee::decryptErrorText(const QString &reason)
{
    return u"⚠ This message could not be decrypted: %1"_s.arg(reason);
}

bool E2ee::isDecryptError(const QString &content)
{
    return content.startsWith(u"⚠ This message could not be decrypted"_s);
}

E2ee::E2ee(ApiClient *api, KeyStore *keys, QObject *parent)
    : QObject(parent)
    , m_api(api)
    , m_keys(keys)
{
    m_refill.setInterval(30min);
    connect(&m_refill, &QTimer::timeout, this, &E2ee::refreshKeys);
    m_retry.setSingleShot(true);
    m_retry.setInterval(5s);
    connect(&m_retry, &QTimer::timeout, this, [this] {
        const auto states = m_states;
        for (auto it = states.begin(); it != states.end(); ++it) {
            if (it.value() == Unknown)
                fetchBundle(it.key());
        }
    });
}

E2ee::~E2ee() = default;

void E2ee::setProblem(const QString &problem)
{
    m_problem = problem;
    Q_EMIT enabledChanged();
    Q_EMIT currentChanged();
}

// ---- secrets --------------------------------------------------------------------------------

void E2ee::loadSecrets(const QString &keychainKey, bool useKeychain, QObject *context,
                       std::function<void()> done)
{
    detach();
    m_box.reset();
    m_identity.reset();
    const quint64 generation = ++m_generation;
    if (!useKeychain) {
        setProblem(u"End-to-end encryption is off: it needs the system keychain to keep this "
                   u"computer's identity key, and this session does not use one."_s);
        done();
        return;
    }
    QPointer<QObject> guard(context);
    auto finish = [guard, done] {
        if (guard)
            done();
    };
    m_keys->read(
            keychainKey, this,
            [this, generation, finish, keychainKey](const std::optional<QString> &secret,
                                                    const QString &error) {
                if (generation != m_generation)
                    return;
                if (!error.isEmpty()) {
                    setProblem(u"End-to-end encryption is off: "_s + error);
                    finish();
                    return;
                }
                if (secret && !secret->isEmpty()) {
                    const QJsonObject o = parse(secret->toUtf8());
                    const auto seed = crypto::fromBase64Url(o.value(u"identity_seed"_s).toString());
                    const auto key = crypto::fromBase64Url(o.value(u"database_key"_s).toString());
                    if (seed && key && key->size() == e2ee::SecretBox::keyBytes) {
                        auto identity = IdentityKeyPair::fromSeed(SecretBytes(*seed));
                        if (identity) {
                            m_identity = identity.takeValue();
                            m_box = std::make_shared<e2ee::SecretBox>(SecretBytes(*key));
                            setProblem({});
                            finish();
                            return;
                        }
                    }
                    qCWarning(lcSession) << "the keychain's end-to-end encryption entry is "
                                            "unreadable: making new keys";
                }
                // First use on this computer: a new identity and database key.
                const IdentityKeyPair identity = IdentityKeyPair::generate();
                const SecretBytes databaseKey = SecretBytes::random(e2ee::SecretBox::keyBytes);
                const QString text = QString::fromUtf8(
                        compact({{u"v"_s, 1},
                                 {u"identity_seed"_s, crypto::toBase64Url(identity.seed().view())},
                                 {u"database_key"_s, crypto::toBase64Url(databaseKey.view())}}));
                m_keys->write(
                        keychainKey, text, this,
                        [this, generation, finish, identity, databaseKey](const QString &error) {
                            if (generation != m_generation)
                                return;
                            if (!error.isEmpty()) {
                                setProblem(u"End-to-end encryption is off: "_s + error);
                            } else {
                                m_identity = identity;
                                m_box = std::make_shared<e2ee::SecretBox>(databaseKey);
                                setProblem({});
                            }
                            finish();
                        });
            });
}

void E2ee::attach(LocalCache *cache, qint64 me)
{
    m_me = me;
    if (!m_identity || !m_box)
        return;
    if (!m_store.open(cache->connectionName(), m_box)) {
        setProblem(u"End-to-end encryption is off: the local database cannot be opened."_s);
        return;
    }
    Q_EMIT enabledChanged();
    Q_EMIT currentChanged();
    refreshKeys();
    m_refill.start();
}

void E2ee::detach()
{
    ++m_generation;
    m_store.close();
    m_states.clear();
    m_fetching.clear();
    m_bundles.clear();
    m_failed.clear();
    m_refill.stop();
    m_retry.stop();
    m_publishing = false;
    m_lastCount = -1;
    m_current = 0;
    m_me = 0;
    Q_EMIT enabledChanged();
    Q_EMIT currentChanged();
}

void E2ee::forget(const QString &keychainKey)
{
    detach();
    m_identity.reset();
    m_box.reset();
    m_keys->remove(keychainKey, this, [](const QString &) {});
}

// ---- prekeys ------------------------------------------------------------------------------

std::optional<SignedPreKey> E2ee::signedPreKey(quint32 id) const
{
    const auto row = m_store.get(kSignedPreKey, QString::number(id));
    if (!row)
        return std::nullopt;
    auto key = SignedPreKey::fromPrivateJson(parse(*row).value(u"key"_s).toObject());
    return key ? std::optional(key.takeValue()) : std::nullopt;
}

std::optional<OneTimePreKey> E2ee::oneTimePreKey(quint32 id) const
{
    const auto row = m_store.get(kOneTimePreKey, QString::number(id));
    if (!row)
        return std::nullopt;
    auto key = OneTimePreKey::fromPrivateJson(parse(*row));
    return key ? std::optional(key.takeValue()) : std::nullopt;
}

std::optional<SignedPreKey> E2ee::currentSignedPreKey(QDateTime *) const
{
    std::optional<SignedPreKey> current;
    for (const auto &[id, row] : m_store.all(kSignedPreKey)) {
        const QJsonObject o = parse(row);
        if (o.contains(u"replaced_at"_s))
            continue;
        auto key = SignedPreKey::fromPrivateJson(o.value(u"key"_s).toObject());
        if (key && (!current || key->id > current->id))
            current = key.takeValue();
    }
    return current;
}

void E2ee::refreshKeys()
{
    if (!isEnabled() || m_publishing)
        return;
    // The signed prekey: made on first use, rotated weekly; replaced ones stay a month for
    // first messages still on their way, then go.
    bool rotated = false;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    auto current = currentSignedPreKey();
    if (!current || current->needsRotation(now)) {
        quint32 nextId = 1;
        m_store.begin();
        for (const auto &[id, row] : m_store.all(kSignedPreKey)) {
            nextId = std::max<quint32>(nextId, id.toUInt() + 1);
            QJsonObject o = parse(row);
            if (!o.contains(u"replaced_at"_s)) {
                o.insert(u"replaced_at"_s, now.toMSecsSinceEpoch());
                m_store.put(kSignedPreKey, id, compact(o));
            } else if (QDateTime::fromMSecsSinceEpoch(o.value(u"replaced_at"_s).toInteger(),
                                                      Qt::UTC)
                               .daysTo(now)
                       > SignedPreKey::keepReplacedDays) {
                m_store.remove(kSignedPreKey, id);
            }
        }
        const SignedPreKey fresh = SignedPreKey::generate(*m_identity, nextId, now);
        m_store.put(kSignedPreKey, QString::number(nextId),
                    compact({{u"key"_s, fresh.toPrivateJson()}}));
        m_store.commit();
        qCInfo(lcSession) << "new signed prekey" << nextId;
        rotated = true;
    }
    const QString published = QString::fromUtf8(
            m_store.get(kMeta, u"published_identity"_s).value_or(QByteArray()));
    const bool identityPublished = published == crypto::toBase64Url(m_identity->publicKey());
    m_publishing = true;
    const quint64 generation = m_generation;
    m_api->keyCount(this, [this, generation, rotated, identityPublished](ApiResult<int> r) {
        if (generation != m_generation)
            return;
        m_publishing = false;
        if (!r.ok() && !(r.error.kind == ApiError::Kind::Http && r.error.status == 404)) {
            qCInfo(lcSession) << "cannot count my one-time prekeys:" << r.error.message;
            return; // the timer tries again
        }
        const int count = identityPublished ? r.value.value_or(0) : 0;
        m_lastCount = count;
        if (count < refillBelow || !identityPublished || rotated)
            publish(count < refillBelow ? stockTarget - count : 0);
    });
}

void E2ee::publish(int count)
{
    if (!isEnabled())
        return;
    const auto current = currentSignedPreKey();
    if (!current)
        return;
    // The private halves are stored before the public ones leave: every one-time prekey the
    // server can hand out can be accepted here.
    const quint32 first
            = parse(m_store.get(kMeta, u"next_otpk"_s).value_or("{}")).value(u"id"_s).toInt(1);
    const QList<OneTimePreKey> keys = OneTimePreKey::generate(first, count);
    crypto::PreKeyUpload upload;
    upload.identityKey = m_identity->publicKey();
    upload.signedPreKey = crypto::SignedPreKeyPublic::from(*current);
    m_store.begin();
    for (const OneTimePreKey &key : keys) {
        m_store.put(kOneTimePreKey, QString::number(key.id), compact(key.toPrivateJson()));
        upload.oneTimePreKeys.append(crypto::OneTimePreKeyPublic::from(key));
    }
    m_store.put(kMeta, u"next_otpk"_s, compact({{u"id"_s, qint64(first) + count}}));
    m_store.commit();
    m_publishing = true;
    const quint64 generation = m_generation;
    const QByteArray identity = crypto::toBase64Url(m_identity->publicKey()).toUtf8();
    m_api->publishKeys(upload.toJson(), this, [this, generation, identity](ApiResult<int> r) {
        if (generation != m_generation)
            return;
        m_publishing = false;
        if (!r.ok()) {
            qCWarning(lcSession) << "cannot publish my keys:" << r.error.message;
            return;
        }
        m_store.put(kMeta, u"published_identity"_s, identity);
        m_lastCount = *r.value;
        qCInfo(lcSession) << "keys published;" << m_lastCount << "one-time prekeys on the server";
        Q_EMIT keysPublished(m_lastCount);
    });
}

void E2ee::scheduleRefill()
{
    const quint64 generation = m_generation;
    QTimer::singleShot(2s, this, [this, generation] {
        if (generation == m_generation)
            refreshKeys();
    });
}

// ---- peers --------------------------------------------------------------------------------

std::optional<E2ee::Peer> E2ee::peer(qint64 peerId) const
{
    const auto row = m_store.get(kPeer, QString::number(peerId));
    if (!row)
        return std::nullopt;
    const QJsonObject o = parse(*row);
    Peer p;
    p.identityKey
            = crypto::fromBase64Url(o.value(u"identity_key"_s).toString()).value_or(QByteArray());
    p.verified = o.value(u"verified"_s).toBool();
    p.keyChanged = o.value(u"key_changed"_s).toBool();
    p.wasVerified = o.value(u"was_verified"_s).toBool();
    p.plaintextAllowed = o.value(u"plaintext_allowed"_s).toBool();
    return p;
}

void E2ee::savePeer(qint64 peerId, const Peer &p)
{
    m_store.put(kPeer, QString::number(peerId),
                compact({{u"identity_key"_s, crypto::toBase64Url(p.identityKey)},
                         {u"verified"_s, p.verified},
                         {u"key_changed"_s, p.keyChanged},
                         {u"was_verified"_s, p.wasVerified},
                         {u"plaintext_allowed"_s, p.plaintextAllowed}}));
}

void E2ee::checkIdentity(qint64 peerId, const QByteArray &identityKey)
{
    Peer p = peer(peerId).value_or(Peer{});
    if (p.identityKey == identityKey)
        return;
    const bool known = !p.identityKey.isEmpty();
    p.identityKey = identityKey;
    if (known) {
        qCWarning(lcSession) << "the identity key of user" << peerId << "changed";
        p.wasVerified = p.verified;
        p.verified = false;
        p.keyChanged = true;
    }
    savePeer(peerId, p);
    Q_EMIT peerChanged(peerId);
    if (peerId == m_current)
        Q_EMIT currentChanged();
}

E2ee::PeerState E2ee::state(qint64 peerId) const
{
    if (!isEnabled())
        return Off;
    if (peerId <= 0)
        return Unknown;
    if (m_bundles.contains(peerId) || m_store.get(kSession, QString::number(peerId)))
        return Encrypted;
    return m_states.value(peerId, Unknown);
}

bool E2ee::isVerified(qint64 peerId) const
{
    const auto p = peer(peerId);
    return p && p->verified;
}

bool E2ee::keyChanged(qint64 peerId) const
{
    const auto p = peer(peerId);
    return p && p->keyChanged;
}

QString E2ee::safetyNumber(qint64 peerId) const
{
    const auto p = peer(peerId);
    if (!m_identity || !p || p->identityKey.isEmpty())
        return {};
    return crypto::SafetyNumber::format(crypto::SafetyNumber::compute(
            m_identity->publicKey(), crypto::SafetyNumber::stableId(m_me), p->identityKey,
            crypto::SafetyNumber::stableId(peerId)));
}

void E2ee::ensureSession(qint64 peerId)
{
    if (!isEnabled() || peerId <= 0 || peerId == m_me || state(peerId) == Encrypted)
        return;
    fetchBundle(peerId);
}

void E2ee::fetchBundle(qint64 peerId)
{
    if (!isEnabled() || m_fetching.contains(peerId))
        return;
    m_fetching.insert(peerId);
    m_states.insert(peerId, Checking);
    if (peerId == m_current)
        Q_EMIT currentChanged();
    const quint64 generation = m_generation;
    m_api->fetchBundle(peerId, this, [this, peerId, generation](ApiResult<QJsonObject> r) {
        if (generation != m_generation)
            return;
        m_fetching.remove(peerId);
        if (m_store.get(kSession, QString::number(peerId))) {
            // Their first message came meanwhile: that session it is.
            m_states.remove(peerId);
        } else if (!r.ok()) {
            if (r.error.kind == ApiError::Kind::Http && r.error.status == 404) {
                m_states.insert(peerId, NotEncrypted);
            } else {
                qCInfo(lcSession) << "cannot fetch the keys of" << peerId << r.error.message;
                m_states.insert(peerId, Unknown);
                m_retry.start();
            }
        } else {
            auto bundle = crypto::PreKeyBundle::fromJson(*r.value);
            if (!bundle || !bundle->verify()) {
                qCWarning(lcSession) << "the server sent a bad key bundle for" << peerId
                                     << (bundle ? u"bad signature"_s : bundle.error());
                m_states.insert(peerId, Unknown);
                m_retry.start();
            } else {
                m_states.remove(peerId);
                checkIdentity(peerId, bundle->identityKey);
                // The session starts with the first message (seal()): a peer's own first
                // message meanwhile then wins without a clash.
                m_bundles.insert(peerId, bundle.takeValue());
            }
        }
        Q_EMIT peerChanged(peerId);
        if (peerId == m_current)
            Q_EMIT currentChanged();
        if (state(peerId) != Unknown)
            Q_EMIT peerReady(peerId);
    });
}

// ---- messages -----------------------------------------------------------------------------

SealedMessage E2ee::seal(const NewMessage &message)
{
    SealedMessage out{SealedMessage::Send, message, {}};
    if (!isEnabled() || !isSealable(message.type))
        return out;
    // Made before (a retry, or a restart with it still in the outbox): the same envelope.
    if (const auto envelope = m_store.get(kPlain, u"out:"_s + message.clientId)) {
        out.message.content = QString::fromUtf8(*envelope);
        if (message.type != u"text"_s)
            out.message.type = u"file"_s;
        return out;
    }
    const qint64 peerId = message.receiverId;
    const QString peerKey = QString::number(peerId);
    const auto p = peer(peerId);
    if (p && p->keyChanged && p->wasVerified)
        return {SealedMessage::Refuse, message,
                u"Not sent: this contact's security key changed. Compare the safety number, "
                u"then send again."_s};

    std::optional<SessionCipher> session;
    if (const auto row = m_store.get(kSession, peerKey)) {
        auto restored = SessionCipher::deserialize(*row);
        if (restored)
            session = restored.takeValue();
        else
            qCWarning(lcSession) << "a stored session does not load:" << restored.error();
    }
    if (!session && m_bundles.contains(peerId)) {
        auto started = SessionCipher::initiate(*m_identity, m_bundles.value(peerId));
        m_bundles.remove(peerId);
        if (!started) {
            qCWarning(lcSession) << "cannot start a session with" << peerId << started.error();
            m_states.insert(peerId, Unknown);
            m_retry.start();
            return {SealedMessage::Wait, message, {}};
        }
        session = started.takeValue();
    }
    if (!session) {
        if (m_states.value(peerId, Unknown) == NotEncrypted) {
            if (p && p->plaintextAllowed)
                return out; // the user chose this, and the chat says so
            return {SealedMessage::Refuse, message,
                    u"Not sent: this contact's app has no encryption keys. Choose “Send "
                    u"unencrypted” above to send it anyway (the server can read it)."_s};
        }
        fetchBundle(peerId);
        return {SealedMessage::Wait, message, {}};
    }

    QJsonObject body{{u"type"_s, message.type}};
    if (message.type == u"text"_s) {
        body.insert(u"text"_s, message.content);
    } else {
        // The attachment (name, sizes, hashes, thumbnail, the blob's key) travels only in
        // here; the server sees the file id it needs for access, as type "file".
        const auto attachment = Attachment::fromContent(message.content);
        if (!attachment)
            return {SealedMessage::Refuse, message,
                    u"Not sent: the attachment is not valid (%1)."_s.arg(attachment.error())};
        body.insert(u"attachment"_s, attachment->toJson());
        out.message.type = u"file"_s;
    }
    const QByteArray inner = compact(body);
    if (inner.size() > SessionCipher::maxPlaintextBytes)
        return {SealedMessage::Refuse, message,
                u"Not sent: an encrypted message holds at most 47 KiB of text."_s};
    auto envelope = session->encrypt(inner);
    if (!envelope)
        return {SealedMessage::Refuse, message,
                u"Not sent: it could not be encrypted (%1)."_s.arg(envelope.error())};
    const QString content = envelope->toContent();
    // The new ratchet state, the text and the envelope in one transaction.
    m_store.begin();
    const bool saved = m_store.put(kSession, peerKey, session->serialize())
            && keepOpened(u"c:"_s + message.clientId, message.type, message.content)
            && m_store.put(kPlain, u"out:"_s + message.clientId, content.toUtf8());
    if (!saved || !m_store.commit()) {
        m_store.rollback();
        return {SealedMessage::Refuse, message,
                u"Not sent: the local database could not save the encryption state."_s};
    }
    out.message.content = content;
    return out;
}

FilePolicy E2ee::filePolicy(qint64 peerId) const
{
    if (!isEnabled())
        return {FilePolicy::Plain, {}};
    if (state(peerId) == NotEncrypted) {
        const auto p = peer(peerId);
        if (p && p->plaintextAllowed)
            return {FilePolicy::Plain, {}};
        return {FilePolicy::Refuse,
                u"Not sent: this contact's app has no encryption keys. Choose “Send unencrypted” "
                u"first to send files to them (the server can read them). Nothing was "
                u"uploaded."_s};
    }
    // Encrypted, or about to be (keys being fetched): the message waits for its session.
    return {FilePolicy::Encrypt, {}};
}

void E2ee::noteAcknowledged(const QString &clientId, qint64 id)
{
    if (!isEnabled() || clientId.isEmpty() || id <= 0)
        return;
    if (const auto known = opened(u"c:"_s + clientId))
        keepOpened(idKey(id), known->type, known->content);
}

Message E2ee::open(const Message &message)
{
    if (!Envelope::isEncrypted(message.content))
        return message;
    Message out = message;
    if (!isEnabled()) {
        out.content = decryptErrorText(u"end-to-end encryption is off on this computer."_s);
        return out;
    }
    if (message.id > 0) {
        if (const auto known = opened(idKey(message.id))) {
            out.type = known->type;
            out.content = known->content;
            return out;
        }
    }
    if (const auto failed = m_failed.constFind(message.id); failed != m_failed.cend()) {
        out.content = decryptErrorText(*failed);
        return out;
    }
    if (message.senderId == m_me) {
        if (!message.clientId.isEmpty()) {
            if (const auto known = opened(u"c:"_s + message.clientId)) {
                if (message.id > 0)
                    keepOpened(idKey(message.id), known->type, known->content);
                out.type = known->type;
                out.content = known->content;
                return out;
            }
        }
        out.content = decryptErrorText(u"it was sent before this computer's keys were made."_s);
        return out;
    }
    return decryptEnvelope(message);
}

Message E2ee::decryptEnvelope(const Message &message)
{
    Message out = message;
    const qint64 peerId = message.senderId;
    const QString peerKey = QString::number(peerId);
    const QString oldKind = oldSessionsKind(peerId);
    auto fail = [this, &out, peerId](const QString &reason) {
        qCWarning(lcSession) << "message" << out.id << "from" << peerId
                             << "does not decrypt:" << reason;
        if (out.id > 0)
            m_failed.insert(out.id, reason);
        out.type = u"text"_s;
        out.content = decryptErrorText(reason);
        return out;
    };
    auto envelope = Envelope::fromContent(message.content);
    if (!envelope)
        return fail(envelope.error());

    std::optional<SessionCipher> current;
    if (const auto row = m_store.get(kSession, peerKey)) {
        auto restored = SessionCipher::deserialize(*row);
        if (restored)
            current = restored.takeValue();
    }
    // Which session opens it. Both sides may start a session at once, and each then accepts
    // the other's: every session stays usable for a while (kept as an old session), and the
    // one a message last arrived on becomes the current one (Signal's rule), so both sides
    // settle on the same session with the next message that gets through, and nothing sent
    // meanwhile is lost. A new X3DH (the peer started over) becomes current too.
    std::optional<SessionCipher> session;
    QByteArray plaintext;
    QString currentError;
    bool currentIsNew = false; // the current session did not know this X3DH
    QString oldId;             // the old session that opened it
    std::optional<quint32> usedOneTimePreKey;
    bool accepted = false;
    if (current) {
        SessionCipher trial = *current;
        auto opened = trial.decrypt(*envelope);
        if (opened) {
            plaintext = opened.takeValue();
            session = std::move(trial);
        } else {
            currentError = opened.error();
            currentIsNew = opened.errorCode() == crypto::Error::NewSession;
        }
    }
    if (!session) {
        for (const auto &[id, row] : m_store.all(oldKind)) {
            auto restored = SessionCipher::deserialize(row);
            if (!restored)
                continue;
            SessionCipher trial = restored.takeValue();
            auto opened = trial.decrypt(*envelope);
            if (opened) {
                plaintext = opened.takeValue();
                session = std::move(trial);
                oldId = id;
                break;
            }
        }
    }
    if (!session) {
        if (!envelope->x3dh)
            return fail(current ? currentError
                                : u"there is no session with this contact for it."_s);
        if (current && !currentIsNew)
            return fail(currentError);
        const auto spk = signedPreKey(envelope->x3dh->signedPreKeyId);
        if (!spk)
            return fail(u"it names a signed prekey this computer does not have."_s);
        std::optional<OneTimePreKey> otpk;
        if (envelope->x3dh->oneTimePreKeyId) {
            otpk = oneTimePreKey(*envelope->x3dh->oneTimePreKeyId);
            if (!otpk)
                return fail(u"its one-time prekey was already used."_s);
        }
        auto result = SessionCipher::accept(*m_identity, *spk, otpk ? &*otpk : nullptr, *envelope);
        if (!result)
            return fail(result.error());
        session = std::move(result->session);
        plaintext = std::move(result->plaintext);
        usedOneTimePreKey = result->usedOneTimePreKeyId;
        accepted = true;
    }
    // An old session of another identity (from before the peer started over) opens its late
    // messages but does not come back: the current identity stays.
    const bool promote = oldId.isEmpty() || !current
            || session->peerIdentityKey() == current->peerIdentityKey();

    const QJsonObject inner = parse(plaintext);
    crypto::wipe(plaintext);
    const QString type = inner.value(u"type"_s).toString();
    out.type = u"text"_s;
    if (type == u"text"_s) {
        out.content = inner.value(u"text"_s).toString();
    } else if (type == u"image"_s || type == u"file"_s) {
        const auto attachment = Attachment::fromJson(inner.value(u"attachment"_s).toObject());
        if (attachment && attachment->fileId == message.fileId) {
            out.type = type;
            out.content = attachment->toContent();
        } else {
            // The ratchet step stands (its key is used); the message shows why it is empty.
            out.content = decryptErrorText(
                    attachment ? u"its attachment is not the file the message names."_s
                               : u"its attachment is not valid (%1)."_s.arg(attachment.error()));
        }
    } else {
        out.content = u"(An encrypted message of a kind this version cannot show.)"_s;
    }

    // The ratchet step, the session swap, the used one-time prekey and the text in one
    // transaction: a crash never leaves a message key both used and still stored, or a text
    // without its state.
    m_store.begin();
    bool saved = keepOpened(idKey(message.id), out.type, out.content);
    if (!promote) {
        saved = saved && m_store.put(oldKind, oldId, session->serialize());
    } else {
        saved = saved && m_store.put(kSession, peerKey, session->serialize());
        if (!oldId.isEmpty())
            saved = saved && m_store.remove(oldKind, oldId);
        // Another session opened it: the current one is put aside, not dropped.
        if (current && (accepted || !oldId.isEmpty()))
            saved = saved && m_store.put(oldKind, nextOldSessionId(peerId), current->serialize());
    }
    if (saved && usedOneTimePreKey)
        saved = m_store.remove(kOneTimePreKey, QString::number(*usedOneTimePreKey));
    if (saved)
        saved = pruneOldSessions(peerId);
    if (!saved || !m_store.commit()) {
        m_store.rollback();
        return fail(u"the local database could not save it."_s);
    }
    if (!oldId.isEmpty() && promote)
        qCInfo(lcSession) << "message" << message.id << "from" << peerId
                          << "came on an earlier session: it is the current one again";
    if (accepted) {
        m_bundles.remove(peerId);
        m_states.remove(peerId);
        checkIdentity(peerId, session->peerIdentityKey());
        if (usedOneTimePreKey)
            scheduleRefill();
        Q_EMIT peerChanged(peerId);
        if (peerId == m_current)
            Q_EMIT currentChanged();
        Q_EMIT peerReady(peerId);
    }
    return out;
}

QString E2ee::nextOldSessionId(qint64 peerId) const
{
    // Increasing ids (the time, or one more than the newest): pruning drops the lowest.
    qint64 next = QDateTime::currentMSecsSinceEpoch();
    for (const auto &[id, row] : m_store.all(oldSessionsKind(peerId)))
        next = std::max(next, id.toLongLong() + 1);
    return QString::number(next);
}

bool E2ee::pruneOldSessions(qint64 peerId)
{
    const QString kind = oldSessionsKind(peerId);
    auto rows = m_store.all(kind);
    if (rows.size() <= keptOldSessions)
        return true;
    // Ids are the times they were put aside: the oldest go first.
    std::sort(rows.begin(), rows.end(), [](const auto &a, const auto &b) {
        return a.first.toLongLong() < b.first.toLongLong();
    });
    for (qsizetype i = 0; i < rows.size() - keptOldSessions; ++i) {
        if (!m_store.remove(kind, rows.at(i).first))
            return false;
    }
    return true;
}

// ---- the current conversation ---------------------------------------------------------------

void E2ee::setCurrentPeer(qint64 peerId, const QString &name)
{
    m_current = peerId;
    m_currentName = name;
    if (peerId > 0)
        ensureSession(peerId);
    Q_EMIT currentChanged();
}

QString E2ee::currentStateText() const
{
    switch (currentState()) {
    case Off:
        return u"Not end-to-end encrypted. "_s + m_problem;
    case Checking:
        return u"Checking encryption keys…"_s;
    case Encrypted:
        return currentVerified() ? u"End-to-end encrypted · verified"_s : u"End-to-end encrypted"_s;
    case NotEncrypted:
        return currentPlaintextAllowed()
                ? u"Not encrypted: %1's app has no encryption keys. You chose to send "
                  u"unencrypted messages: the server can read them."_s.arg(m_currentName)
                : u"Not encrypted: %1's app has no encryption keys. Messages are not sent "
                  u"unless you choose to send them unencrypted."_s.arg(m_currentName);
    case Unknown:
        break;
    }
    return u"Encryption keys could not be checked yet: messages wait until they can be "
           u"encrypted."_s;
}

bool E2ee::currentPlaintextAllowed() const
{
    const auto p = peer(m_current);
    return p && p->plaintextAllowed;
}

void E2ee::markVerified(bool verified)
{
    auto p = peer(m_current);
    if (!p || p->identityKey.isEmpty())
        return;
    p->verified = verified;
    if (verified) {
        p->keyChanged = false;
        p->wasVerified = false;
    }
    savePeer(m_current, *p);
    Q_EMIT currentChanged();
}

void E2ee::acknowledgeKeyChange()
{
    auto p = peer(m_current);
    if (!p)
        return;
    p->keyChanged = false;
    p->wasVerified = false;
    savePeer(m_current, *p);
    Q_EMIT currentChanged();
    Q_EMIT peerReady(m_current);
}

void E2ee::allowUnencrypted()
{
    if (!m_current || state(m_current) != NotEncrypted)
        return;
    Peer p = peer(m_current).value_or(Peer{});
    p.plaintextAllowed = true;
    savePeer(m_current, p);
    Q_EMIT currentChanged();
    Q_EMIT peerReady(m_current);
}

void E2ee::recheck()
{
    if (!m_current)
        return;
    m_states.remove(m_current);
    fetchBundle(m_current);
}

} // namespace fastchat::client
