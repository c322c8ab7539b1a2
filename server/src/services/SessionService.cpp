// SPDX-License-Identifier: MIT
#include "SessionService.h"

#include "app/Logging.h"
#include "cluster/EventBus.h"
#include "realtime/Hub.h"
#include "store/SqlSession.h"
#include "store/Store.h"

#include <QDateTime>

using namespace Qt::StringLiterals;

namespace fastchat::server {

namespace {
// A refresh token is "<session id>.<secret>"; only a hash of the secret is stored.
QString refreshHash(const QString &secret)
{
    return TokenService::sha256Hex(secret.toUtf8());
}
} // namespace

SessionService::SessionService(Store &store, Authenticator &auth, Hub &hub, EventBus &bus,
                               QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_auth(auth)
    , m_hub(hub)
{
    connect(&bus, &EventBus::received, this, [this](const Event &event) {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        if (event.kind == Event::Kind::CloseSession)
            m_auth.revokeSession(event.sessionId, now);
        else if (event.kind == Event::Kind::CloseUser)
            for (qint64 userId : event.userIds)
                m_auth.revokeUser(userId, now);
    });
}

QJsonObject SessionService::sessionJson(qint64 userId, const QString &sessionId,
                                        const QString &refreshToken, const QJsonObject &user) const
{
    const QString access = QString::fromLatin1(m_auth.tokens().issue(userId, sessionId));
    QJsonObject o{
            {u"token"_s, access},
            {u"access_token"_s, access},
            {u"refresh_token"_s, refreshToken},
            {u"token_type"_s, u"Bearer"_s},
            {u"expires_in"_s, m_auth.tokens().accessTtlSeconds()},
    };
    if (!user.isEmpty())
        o.insert(u"user"_s, user);
    return o;
}

void SessionService::open(const UserRecord &user, std::function<void(Result<QJsonObject>)> done)
{
    const QString sessionId = TokenService::randomToken(16);
    const QString secret = TokenService::randomToken(32);
    const qint64 userId = user.user.id;
    const qint64 expires = QDateTime::currentMSecsSinceEpoch() + refreshLifetimeMs;
    const QJsonObject userJson = user.user.toJson();
    m_store.write<Done>(
            [=](SqlSession &s) {
                return SessionQueries::create(s, sessionId, userId, refreshHash(secret), expires);
            },
            [=](Result<Done> created) {
                if (!created) {
                    done(created.error());
                    return;
                }
                done(sessionJson(userId, sessionId, sessionId + u'.' + secret, userJson));
            });
}

void SessionService::refresh(const QString &refreshToken,
                             std::function<void(Result<QJsonObject>)> done)
{
    const qsizetype dot = refreshToken.indexOf(u'.');
    if (dot <= 0 || refreshToken.size() > 512) {
        done(StoreError{StoreError::NotFound, u"invalid refresh token"_s});
        return;
    }
    const QString sessionId = refreshToken.left(dot);
    const QString presented = refreshHash(refreshToken.mid(dot + 1));
    const QString secret = TokenService::randomToken(32);
    const qint64 expires = QDateTime::currentMSecsSinceEpoch() + refreshLifetimeMs;
    struct Refreshed
    {
        RefreshOutcome outcome;
        QJsonObject user;
    };
    m_store.write<Refreshed>(
            [=](SqlSession &s) -> Result<Refreshed> {
                auto outcome = SessionQueries::rotate(s, sessionId, presented, refreshHash(secret),
                                                      expires);
                if (!outcome)
                    return outcome.error();
                Refreshed r{outcome.value(), {}};
                if (r.outcome.kind == RefreshOutcome::Rotated) {
                    auto user = UserQueries::findById(s, r.outcome.userId);
                    if (!user)
                        return user.error();
                    r.user = user->user.toJson();
                }
                return r;
            },
            [=](Result<Refreshed> refreshed) {
                if (!refreshed) {
                    done(refreshed.error());
                    return;
                }
                const RefreshOutcome *outcome = &refreshed->outcome;
                switch (outcome->kind) {
                case RefreshOutcome::Rotated:
                    done(sessionJson(outcome->userId, sessionId, sessionId + u'.' + secret,
                                     refreshed->user));
                    return;
                case RefreshOutcome::Reused:
                    // Someone holds a copy of an old token: end the session for everyone.
                    qCWarning(lcAuth) << "a refresh token was used twice; session of user"
                                      << outcome->userId << "revoked";
                    revokeSessionEverywhere(sessionId, outcome->userId);
                    break;
                case RefreshOutcome::Invalid:
                    break;
                }
                done(StoreError{StoreError::NotFound, u"invalid refresh token"_s});
            });
}

void SessionService::close(const AuthContext &session, std::function<void(Result<Done>)> done)
{
    const QString sessionId = session.sessionId;
    m_store.write<qint64>(
            [sessionId](SqlSession &s) { return SessionQueries::revoke(s, sessionId); },
            [this, session, done](Result<qint64> revoked) {
                if (!revoked && revoked.error().kind != StoreError::NotFound) {
                    done(revoked.error());
                    return;
                }
                revokeSessionEverywhere(session.sessionId, session.userId);
                done(Done{});
            });
}

void SessionService::closeOthers(qint64 userId, const QString &keepSessionId)
{
    m_store.write<QList<QString>>(
            [userId, keepSessionId](SqlSession &s) {
                return SessionQueries::revokeAllOf(s, userId, keepSessionId);
            },
            [this, userId](Result<QList<QString>> revoked) {
                if (!revoked)
                    return;
                for (const QString &sessionId : revoked.value())
                    revokeSessionEverywhere(sessionId, userId);
            });
}

void SessionService::revokeSessionEverywhere(const QString &sessionId, qint64 userId)
{
    m_auth.revokeSession(sessionId, QDateTime::currentMSecsSinceEpoch());
    Event event;
    event.kind = Event::Kind::CloseSession;
    event.userIds = {userId};
    event.sessionId = sessionId;
    m_hub.publish(event);
}

void SessionService::userRevoked(qint64 userId)
{
    m_auth.revokeUser(userId, QDateTime::currentMSecsSinceEpoch());
    Event event;
    event.kind = Event::Kind::CloseUser;
    event.userIds = {userId};
    m_hub.publish(event);
}

qint64 SessionService::horizonMs() const
{
    return QDateTime::currentMSecsSinceEpoch()
            - (qint64(m_auth.tokens().accessTtlSeconds()) + 60) * 1000;
}

void SessionService::apply(const QList<Revocation> &revocations)
{
    for (const Revocation &r : revocations) {
        m_lastRevocationId = std::max(m_lastRevocationId, r.id);
        Event event;
        event.userIds = {r.userId};
        if (r.sessionId.isEmpty()) {
            m_auth.revokeUser(r.userId, r.atMs);
            event.kind = Event::Kind::CloseUser;
        } else {
            m_auth.revokeSession(r.sessionId, r.atMs);
            event.kind = Event::Kind::CloseSession;
            event.sessionId = r.sessionId;
        }
        // Every node reads the log itself: close only the sockets held here.
        m_hub.deliverLocal(event);
    }
}

bool SessionService::loadRecentRevocations(QString *error)
{
    const qint64 since = horizonMs();
    auto revocations = m_store.readNow<QList<Revocation>>(
            [since](SqlSession &s) { return SessionQueries::revocationsAfter(s, 0, since); });
    auto last = m_store.readNow<qint64>(
            [](SqlSession &s) { return SessionQueries::lastRevocationId(s); });
    if (!revocations || !last) {
        *error = (revocations ? last.error() : revocations.error()).message;
        return false;
    }
    apply(revocations.value());
    m_lastRevocationId = std::max(m_lastRevocationId, last.value());
    return true;
}

void SessionService::followRevocations(int pollMs)
{
    m_poll.setInterval(pollMs);
    connect(&m_poll, &QTimer::timeout, this, [this] {
        if (m_polling)
            return;
        m_polling = true;
        const qint64 after = m_lastRevocationId;
        const qint64 since = horizonMs();
        m_store.read<QList<Revocation>>(
                [after, since](SqlSession &s) {
                    return SessionQueries::revocationsAfter(s, after, since);
                },
                [this](Result<QList<Revocation>> revocations) {
                    m_polling = false;
                    if (revocations)
                        apply(revocations.value());
                });
    });
    m_poll.start();
}

} // namespace fastchat::server
