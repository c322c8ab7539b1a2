// SPDX-License-Identifier: MIT
#include "TestServer.h"

#include <QDeadlineTimer>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace clienttest {

namespace {

constexpr auto testPassword = "correct horse battery";

QString execAdmin(const QString &adminUrl, const QString &statement)
{
    const QUrl url(adminUrl);
    const QString connection = u"client-test-admin-%1"_s.arg(
            QRandomGenerator::global()->generate64());
    QString error;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QPSQL"_s, connection);
        db.setHostName(url.host());
        db.setPort(url.port(5432));
        db.setUserName(url.userName().isEmpty() ? u"postgres"_s : url.userName());
        if (!url.password().isEmpty())
            db.setPassword(url.password());
        const QString name = url.path().mid(1);
        db.setDatabaseName(name.isEmpty() ? u"postgres"_s : name);
        if (!db.open()) {
            error = u"cannot connect to %1: %2"_s.arg(adminUrl, db.lastError().text());
        } else {
            QSqlQuery q(db);
            if (!q.exec(statement))
                error = u"%1 failed: %2"_s.arg(statement, q.lastError().text());
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(connection);
    return error;
}

} // namespace

void addDriverRows()
{
    QTest::addColumn<QString>("driver");
    QTest::newRow("sqlite") << u"sqlite"_s;
    QTest::newRow("postgres") << u"postgres"_s;
}

TestServer::TestServer() = default;

TestServer::~TestServer()
{
    stop();
    if (QTest::currentTestFailed()) {
        QFile log(logFile());
        if (log.open(QIODevice::ReadOnly))
            qWarning().noquote() << "---- fastchat-server log (end) ----\n"
                                 << QString::fromUtf8(log.readAll().right(12000))
                                 << "\n---- end of log ----";
    }
    dropDatabase();
}

QString TestServer::logFile() const
{
    return m_dir.filePath(u"server.log"_s);
}

QUrl TestServer::url() const
{
    return QUrl(u"http://127.0.0.1:%1"_s.arg(m_port));
}

bool TestServer::createDatabase()
{
    if (m_driver == u"sqlite")
        return true;
    if (m_driver != u"postgres") {
        m_error = u"unknown driver '%1'"_s.arg(m_driver);
        return false;
    }
    m_adminUrl = qEnvironmentVariable("FASTCHAT_TEST_PG_ADMIN_URL");
    if (m_adminUrl.isEmpty()) {
        m_error = u"FASTCHAT_TEST_PG_ADMIN_URL is not set: the postgres rows need a PostgreSQL "
                  "(run scripts/test, or scripts/pg-throwaway ctest ...)"_s;
        return false;
    }
    const QString name = u"fc_client_%1"_s.arg(QRandomGenerator::global()->generate64(), 16, 16,
                                               QLatin1Char('0'));
    const QString error = execAdmin(m_adminUrl, u"CREATE DATABASE %1"_s.arg(name));
    if (!error.isEmpty()) {
        m_error = error;
        return false;
    }
    m_databaseName = name;
    QUrl url(m_adminUrl);
    url.setPath(u"/"_s + name);
    m_databaseUrl = url.toString();
    return true;
}

void TestServer::dropDatabase()
{
    if (m_databaseName.isEmpty())
        return;
    const QString error = execAdmin(
            m_adminUrl, u"DROP DATABASE IF EXISTS %1 WITH (FORCE)"_s.arg(m_databaseName));
    if (!error.isEmpty())
        qWarning().noquote() << "could not drop the test database:" << error;
    m_databaseName.clear();
}

bool TestServer::start(const QString &driver)
{
    m_driver = driver;
    if (!m_dir.isValid()) {
        m_error = u"no temporary directory"_s;
        return false;
    }
    if (!createDatabase())
        return false;
    return launch(0);
}

bool TestServer::restart()
{
    stop();
    return launch(m_port);
}

bool TestServer::launch(quint16 port)
{
    const QString binary = qEnvironmentVariable("FASTCHAT_SERVER_BINARY");
    if (binary.isEmpty()) {
        m_error = u"FASTCHAT_SERVER_BINARY is not set: run the tests through ctest"_s;
        return false;
    }
    QStringList args{u"serve"_s,
                     u"--listen"_s,
                     u"127.0.0.1:%1"_s.arg(port),
                     u"--data-dir"_s,
                     m_dir.filePath(u"data"_s),
                     u"--password-cost"_s,
                     u"min"_s};
    if (!m_databaseUrl.isEmpty())
        args << u"--database"_s << m_databaseUrl;
    m_process.setProgram(binary);
    m_process.setArguments(args);
    m_process.setStandardErrorFile(logFile(), QIODevice::Append);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"QT_FORCE_STDERR_LOGGING"_s, u"1"_s);
    m_process.setProcessEnvironment(env);
    m_process.start();
    if (!m_process.waitForStarted(10000)) {
        m_error = u"cannot start %1: %2"_s.arg(binary, m_process.errorString());
        return false;
    }
    static const QRegularExpression listening(
            u"fastchat-server listening on 127\\.0\\.0\\.1:(\\d+)"_s);
    QByteArray out;
    const QDeadlineTimer deadline(30000);
    while (!deadline.hasExpired()) {
        m_process.waitForReadyRead(100);
        out += m_process.readAllStandardOutput();
        const auto match = listening.match(QString::fromUtf8(out));
        if (match.hasMatch()) {
            m_port = match.captured(1).toUShort();
            // Keep draining stdout so that the server never blocks on a full pipe.
            QObject::connect(&m_process, &QProcess::readyReadStandardOutput, &m_process,
                             [this] { m_process.readAllStandardOutput(); });
            return true;
        }
        if (m_process.state() == QProcess::NotRunning)
            break;
    }
    QFile log(logFile());
    log.open(QIODevice::ReadOnly);
    m_error = u"fastchat-server did not start listening. stdout:\n%1\nlog:\n%2"_s.arg(
            QString::fromUtf8(out), QString::fromUtf8(log.readAll().right(8000)));
    return false;
}

void TestServer::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    QObject::disconnect(&m_process, &QProcess::readyReadStandardOutput, nullptr, nullptr);
    m_process.terminate();
    if (!m_process.waitForFinished(15000)) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

QJsonValue TestServer::request(const QByteArray &verb, const QString &path, const QJsonValue &body,
                               const QString &token, int *status) const
{
    QNetworkAccessManager network;
    QUrl target = url();
    const qsizetype q = path.indexOf(u'?');
    target.setPath(q < 0 ? path : path.left(q));
    if (q >= 0)
        target.setQuery(path.mid(q + 1));
    QNetworkRequest request(target);
    QByteArray data;
    if (!body.isUndefined() && !body.isNull()) {
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          QByteArrayLiteral("application/json"));
        data = body.isArray() ? QJsonDocument(body.toArray()).toJson()
                              : QJsonDocument(body.toObject()).toJson();
    }
    if (!token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + token.toUtf8());
    request.setTransferTimeout(30000);
    QNetworkReply *reply = network.sendCustomRequest(request, verb, data);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    if (status)
        *status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QJsonDocument doc = QJsonDocument::fromJson(reply->readAll());
    reply->deleteLater();
    return doc.isArray() ? QJsonValue(doc.array()) : QJsonValue(doc.object());
}

Account TestServer::registerUser(const QString &name) const
{
    Account account{0, name, name + u"@example.org"_s, QString::fromLatin1(testPassword)};
    int status = 0;
    const QJsonValue user = request("POST", u"/auth/register"_s,
                                    QJsonObject{{u"username"_s, account.username},
                                                {u"email"_s, account.email},
                                                {u"password"_s, account.password}},
                                    {}, &status);
    if (status != 201)
        qWarning() << "register" << name << "answered" << status << user;
    else
        account.id = user.toObject().value(u"id").toInteger();
    return account;
}

QString TestServer::accessToken(const Account &account) const
{
    const QJsonValue session = request(
            "POST", u"/auth/login"_s,
            QJsonObject{{u"email"_s, account.email}, {u"password"_s, account.password}}, {});
    return session.toObject().value(u"access_token").toString();
}

qint64 TestServer::postMessage(const QString &token, qint64 receiverId,
                               const QString &content) const
{
    int status = 0;
    const QJsonValue stored = request(
            "POST", u"/chat/message"_s,
            QJsonObject{{u"receiver_id"_s, receiverId}, {u"content"_s, content}}, token, &status);
    return status == 201 ? stored.toObject().value(u"id").toInteger() : 0;
}

int TestServer::countStored(const QString &token, qint64 peerId, const QString &content) const
{
    int count = 0;
    qint64 before = 0;
    for (;;) {
        QString path = u"/chat/history/%1?limit=200"_s.arg(peerId);
        if (before)
            path += u"&before=%1"_s.arg(before);
        const QJsonArray page = request("GET", path, {}, token).toArray();
        for (const QJsonValue &m : page) {
            if (m.toObject().value(u"content").toString() == content)
                ++count;
        }
        if (page.size() < 200)
            return count;
        before = page.first().toObject().value(u"id").toInteger();
    }
}

} // namespace clienttest
