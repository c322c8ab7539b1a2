// SPDX-License-Identifier: MIT
#include "TestEnv.h"

#include <QFile>
#include <QRegularExpression>
#include <QTest>

using namespace Qt::StringLiterals;

namespace fctest {

QStringList drivers()
{
    return {u"sqlite"_s, u"postgres"_s};
}

void addDriverRows()
{
    QTest::addColumn<QString>("driver");
    for (const QString &driver : drivers())
        QTest::addRow("%s", qPrintable(driver)) << driver;
}

bool isWireTime(const QJsonValue &value)
{
    static const QRegularExpression pattern(u"^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z$"_s);
    return value.isString() && pattern.match(value.toString()).hasMatch();
}

bool isPositiveId(const QJsonValue &value)
{
    return value.isDouble() && value.toDouble() >= 1 && value.toDouble() == double(value.toInteger());
}

QString missingKeys(const QJsonObject &object, const QStringList &keys)
{
    QStringList missing;
    for (const QString &key : keys)
        if (!object.contains(key))
            missing << key;
    return missing.join(u", "_s);
}

QString nonSnakeCaseKeys(const QJsonObject &object)
{
    static const QRegularExpression snake(u"^[a-z][a-z0-9_]*$"_s);
    QStringList bad;
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!snake.match(it.key()).hasMatch())
            bad << it.key();
        if (it.value().isObject()) {
            const QString inner = nonSnakeCaseKeys(it.value().toObject());
            if (!inner.isEmpty())
                bad << it.key() + u"{"_s + inner + u"}"_s;
        }
    }
    return bad.join(u", "_s);
}

QStringList userKeys()
{
    return {u"id"_s, u"username"_s, u"profile_image"_s, u"is_online"_s, u"last_seen"_s, u"created_at"_s, u"updated_at"_s};
}

QStringList messageKeys()
{
    return {u"id"_s, u"conversation_id"_s, u"sender_id"_s, u"receiver_id"_s, u"content"_s, u"type"_s,
            u"client_id"_s, u"timestamp"_s, u"read_at"_s, u"created_at"_s, u"updated_at"_s};
}

QStringList conversationKeys()
{
    return {u"id"_s, u"user1_id"_s, u"user2_id"_s, u"last_message_id"_s, u"unread_count"_s, u"last_message"_s,
            u"peer_id"_s, u"peer"_s, u"created_at"_s, u"updated_at"_s};
}

QList<qint64> idsOf(const QJsonArray &messages)
{
    QList<qint64> ids;
    for (const QJsonValue &m : messages)
        ids.append(m.toObject().value(u"id").toInteger());
    return ids;
}

TestEnv::TestEnv() : m_server(std::make_unique<ServerProcess>()) { }

TestEnv::~TestEnv()
{
    // The server goes before its database is dropped.
    m_server.reset();
    m_database.drop();
}

bool TestEnv::start(const QString &driver, const QByteArray &secret)
{
    m_driver = driver;
    if (!m_dataDir.isValid() || !m_secretDir.isValid()) {
        m_error = u"cannot create a temporary directory"_s;
        return false;
    }
    if (!m_database.create(driver)) {
        m_error = m_database.errorString();
        return false;
    }
    if (!secret.isEmpty()) {
        m_secretFile = m_secretDir.filePath(u"jwt-secret"_s);
        QFile file(m_secretFile);
        if (!file.open(QIODevice::WriteOnly) || file.write(secret) != secret.size()) {
            m_error = u"cannot write the secret file"_s;
            return false;
        }
    }
    return restart();
}

bool TestEnv::restart()
{
    if (m_server->isRunning() && !m_server->stop()) {
        m_error = u"fastchat-server did not exit within 10 s of SIGTERM"_s;
        return false;
    }
    m_server = std::make_unique<ServerProcess>();
    ServerProcess::Options options;
    options.dataDir = m_dataDir.path();
    options.databaseUrl = m_database.url();
    options.secretFile = m_secretFile;
    if (!m_server->start(options)) {
        m_error = m_server->errorString();
        return false;
    }
    m_http.setBaseUrl(m_server->baseUrl());
    return true;
}

TestUser TestEnv::createUser(const QString &name)
{
    TestUser user;
    user.username = name;
    user.email = name + u"@example.org"_s;
    user.password = name + u" password 123"_s;
    const HttpResponse reg = m_http.post(u"/auth/register"_s,
                                         {{u"username"_s, user.username},
                                          {u"email"_s, user.email},
                                          {u"password"_s, user.password}});
    if (reg.status != 201 || !reg.isObject()) {
        m_error = u"POST /auth/register: "_s + reg.describe();
        return {};
    }
    user.user = reg.object();
    user.id = user.user.value(u"id").toInteger();
    if (!login(user))
        return {};
    return user;
}

bool TestEnv::login(TestUser &user)
{
    const HttpResponse r = m_http.post(u"/auth/login"_s, {{u"email"_s, user.email}, {u"password"_s, user.password}});
    if (r.status != 200 || !r.isObject()) {
        m_error = u"POST /auth/login: "_s + r.describe();
        return false;
    }
    user.session = r.object();
    user.token = user.session.value(u"access_token").toString();
    if (user.token.isEmpty())
        user.token = user.session.value(u"token").toString();
    user.refreshToken = user.session.value(u"refresh_token").toString();
    if (user.token.isEmpty()) {
        m_error = u"login answered without a token: "_s + r.describe();
        return false;
    }
    return true;
}

QJsonObject TestEnv::sendMessage(const TestUser &from, const TestUser &to, const QString &content,
                                 const QString &clientId)
{
    QJsonObject body{{u"receiver_id"_s, to.id}, {u"content"_s, content}, {u"type"_s, u"text"_s}};
    if (!clientId.isEmpty())
        body.insert(u"client_id"_s, clientId);
    const HttpResponse r = m_http.post(u"/chat/message"_s, body, from.token);
    if ((r.status != 201 && r.status != 200) || !r.isObject()) {
        m_error = u"POST /chat/message: "_s + r.describe();
        return {};
    }
    return r.object();
}

QJsonArray TestEnv::history(const TestUser &me, qint64 peerId, const QString &query)
{
    const HttpResponse r = m_http.get(u"/chat/history/%1%2"_s.arg(peerId).arg(query), me.token);
    if (r.status != 200 || !r.isArray()) {
        m_error = u"GET /chat/history: "_s + r.describe();
        return {};
    }
    return r.array();
}

QJsonArray TestEnv::conversations(const TestUser &me)
{
    const HttpResponse r = m_http.get(u"/chat/conversations"_s, me.token);
    if (r.status != 200 || !r.isArray()) {
        m_error = u"GET /chat/conversations: "_s + r.describe();
        return {};
    }
    return r.array();
}

QJsonObject TestEnv::conversationWith(const TestUser &me, qint64 peerId)
{
    for (const QJsonValue &c : conversations(me)) {
        const QJsonObject o = c.toObject();
        const qint64 u1 = o.value(u"user1_id").toInteger();
        const qint64 u2 = o.value(u"user2_id").toInteger();
        if ((u1 == me.id && u2 == peerId) || (u2 == me.id && u1 == peerId))
            return o;
    }
    return {};
}

std::unique_ptr<WsClient> TestEnv::connectWs(const TestUser &user, WsClient::Auth auth, const QString &query)
{
    return connectWs(user.token, auth, query);
}

std::unique_ptr<WsClient> TestEnv::connectWs(const QString &token, WsClient::Auth auth, const QString &query)
{
    auto ws = std::make_unique<WsClient>();
    if (!ws->open(m_server->wsUrl(), token, auth, query)) {
        m_error = ws->errorString();
        return nullptr;
    }
    return ws;
}

} // namespace fctest
