// SPDX-License-Identifier: MIT
#include "Session.h"

#include "KeyStore.h"
#include "Logging.h"

using namespace Qt::StringLiterals;

namespace fastchat::client {

namespace {
// Renew this long before the expiry, or after 4/5 of a short lifetime.
constexpr qint64 renewLeadMs = 60 * 1000;
constexpr qint64 retryAfterFailureMs = 10 * 1000;
} // namespace

Session::Session(ApiClient *api, KeyStore *keys, QObject *parent)
    : QObject(parent)
    , m_api(api)
    , m_keys(keys)
{
    m_renewTimer.setSingleShot(true);
    m_renewTimer.setTimerType(Qt::VeryCoarseTimer);
    connect(&m_renewTimer, &QTimer::timeout, this, [this] {
        if (!isActive())
            return;
        qCInfo(lcSession) << "the access token expires soon; renewing it";
        renewAccessToken(this, [this](const ApiError &error) {
            if (!error.ok() && !error.isUnauthorized()) {
                // Offline or the server failed: try again a little later.
                m_renewTimer.start(retryAfterFailureMs);
            }
        });
    });
}

void Session::begin(const SessionTokens &tokens)
{
    ++m_generation;
    apply(tokens);
}

void Session::adopt(const QString &refreshToken, const User &knownUser)
{
    ++m_generation;
    m_refreshToken = refreshToken;
    m_user = knownUser;
    m_accessToken.clear();
    m_accessExpiry = {};
    m_renewTimer.stop();
}

void Session::end()
{
    ++m_generation;
    m_renewTimer.stop();
    m_accessToken.clear();
    m_accessExpiry = {};
    m_refreshToken.clear();
    m_renewing = false;
    const auto waiters = std::exchange(m_waiters, {});
    for (const auto &[context, done] : waiters) {
        if (context)
            done({ApiError::Kind::Http, 401, u"You signed out."_s});
    }
    if (!m_keychainKey.isEmpty())
        m_keys->remove(m_keychainKey, this, nullptr);
}

void Session::apply(const SessionTokens &tokens)
{
    m_accessToken = tokens.accessToken;
    m_accessExpiry = QDateTime::currentDateTimeUtc().addSecs(tokens.expiresIn);
    const bool rotated = tokens.refreshToken != m_refreshToken;
    m_refreshToken = tokens.refreshToken;
    m_user = tokens.user;
    scheduleRenewal();
    if (rotated)
        saveRefreshToken();
    Q_EMIT tokensChanged();
}

void Session::setAccessTokenExpiry(const QDateTime &expiry)
{
    m_accessExpiry = expiry;
    scheduleRenewal();
}

void Session::scheduleRenewal()
{
    if (!m_accessExpiry.isValid()) {
        m_renewTimer.stop();
        return;
    }
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 lifetime = m_accessExpiry.toMSecsSinceEpoch() - now;
    const qint64 lead = std::min(renewLeadMs, std::max<qint64>(lifetime / 5, 0));
    const qint64 wait = std::max<qint64>(lifetime - lead, 0);
    m_renewTimer.start(std::chrono::milliseconds(wait));
    qCDebug(lcSession) << "access token renewal planned in" << wait / 1000 << "s";
}

void Session::saveRefreshToken()
{
    if (m_keychainKey.isEmpty())
        return;
    m_keys->write(m_keychainKey, m_refreshToken, this, [this](const QString &error) {
        setKeychainProblem(error.isEmpty() ? QString()
                                           : u"Fast-Chat cannot remember you on this computer, so "
                                             u"you will have to sign in "
                                             "again next time. "_s
                                           + error);
        if (error.isEmpty())
            Q_EMIT refreshTokenSaved();
    });
}

void Session::setKeychainProblem(const QString &problem)
{
    if (problem == m_keychainProblem)
        return;
    m_keychainProblem = problem;
    Q_EMIT keychainProblemChanged();
}

void Session::renewAccessToken(QObject *context, std::function<void(const ApiError &)> done)
{
    if (!isActive()) {
        if (done)
            done({ApiError::Kind::Http, 401, u"You are not signed in."_s});
        return;
    }
    m_waiters.append({QPointer<QObject>(context), std::move(done)});
    if (m_renewing)
        return;
    m_renewing = true;
    const quint64 generation = m_generation;
    m_api->refresh(m_refreshToken, this, [this, generation](ApiResult<SessionTokens> result) {
        if (generation != m_generation)
            return; // signed out (or in again) meanwhile
        m_renewing = false;
        ApiError error = result.error;
        if (result.ok()) {
            ++m_renewals;
            qCInfo(lcSession) << "access token renewed";
            apply(*result.value);
        } else if (error.isUnauthorized()) {
            qCWarning(lcSession) << "the server ended the session:" << error.message;
        } else {
            qCInfo(lcSession) << "renewing the access token failed:" << error.message;
        }
        const auto waiters = std::exchange(m_waiters, {});
        for (const auto &[waiterContext, waiterDone] : waiters) {
            if (waiterContext && waiterDone)
                waiterDone(error);
        }
        if (error.isUnauthorized()) {
            end();
            Q_EMIT expired(u"Your session has ended. Please sign in again."_s);
        }
    });
}

} // namespace fastchat::client
