// SPDX-License-Identifier: MIT
#include "AdminEnv.h"

#include <QTest>

using namespace Qt::StringLiterals;

namespace fcadmin {

AdminEnv::AdminEnv() : m_server(std::make_unique<fctest::ServerProcess>()) { }

AdminEnv::~AdminEnv()
{
    // The server goes before its database is dropped.
    m_server.reset();
    m_database.drop();
}

bool AdminEnv::prepare(const QString &driver)
{
    m_driver = driver;
    if (!m_dataDir.isValid()) {
        m_error = u"cannot create a temporary directory"_s;
        return false;
    }
    if (!m_database.create(driver)) {
        m_error = m_database.errorString();
        return false;
    }
    return true;
}

QStringList AdminEnv::storageArgs() const
{
    QStringList args{u"--data-dir"_s, m_dataDir.path()};
    if (!m_database.url().isEmpty())
        args << u"--database"_s << m_database.url();
    args << u"--password-cost"_s << u"min"_s;
    return args;
}

CliResult AdminEnv::cli(const QStringList &args, const QByteArray &stdinData)
{
    return runCli(args + storageArgs(), {}, stdinData);
}

bool AdminEnv::startServer(const QStringList &extraArgs)
{
    if (m_server->isRunning() && !m_server->stop()) {
        m_error = u"the previous fastchat-server did not exit within 10 s of SIGTERM"_s;
        return false;
    }
    m_server = std::make_unique<fctest::ServerProcess>();
    fctest::ServerProcess::Options options;
    options.dataDir = m_dataDir.path();
    options.databaseUrl = m_database.url();
    options.extraArgs = extraArgs;
    if (!m_server->start(options)) {
        m_error = m_server->errorString();
        return false;
    }
    m_http.setBaseUrl(m_server->baseUrl());
    return true;
}

bool AdminEnv::stopServer()
{
    return m_server->stop();
}

fctest::TestUser AdminEnv::registerUser(const QString &name)
{
    fctest::TestUser user;
    user.username = name;
    user.email = name + u"@example.org"_s;
    user.password = name + u" password 123"_s;
    const fctest::HttpResponse reg = m_http.post(
            u"/auth/register"_s,
            {{u"username"_s, user.username}, {u"email"_s, user.email}, {u"password"_s, user.password}});
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

fctest::HttpResponse AdminEnv::loginResponse(const QString &email, const QString &password)
{
    return m_http.post(u"/auth/login"_s, {{u"email"_s, email}, {u"password"_s, password}});
}

bool AdminEnv::login(fctest::TestUser &user)
{
    const fctest::HttpResponse r = loginResponse(user.email, user.password);
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
    if (user.id == 0)
        user.id = user.session.value(u"user").toObject().value(u"id").toInteger();
    return true;
}

fctest::HttpResponse AdminEnv::refresh(const QString &refreshToken)
{
    return m_http.post(u"/auth/refresh"_s, {{u"refresh_token"_s, refreshToken}});
}

std::unique_ptr<fctest::WsClient> AdminEnv::connectWs(const QString &token)
{
    auto ws = std::make_unique<fctest::WsClient>();
    if (!ws->open(m_server->wsUrl(), token)) {
        m_error = ws->errorString();
        return nullptr;
    }
    return ws;
}

} // namespace fcadmin
