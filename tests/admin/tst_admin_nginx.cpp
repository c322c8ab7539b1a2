// SPDX-License-Identifier: MIT
// The two nginx recipes of the docs, run for real (nginx as a child process, `daemon off`):
//   - resources/nginx-cluster.conf (docs/cluster.md): the file is read at run time and only
//     its two upstream ports and its listen port are replaced (every proxy_* line stays as
//     written); it is wrapped in a minimal main config (events, http, pid/log/temp paths in a
//     temp dir). In front of two `--cluster postgres` nodes on a fresh database: register,
//     login, REST, WebSocket upgrades with an Authorization header, and two users chatting
//     through nginx with acks and delivery; the access log shows both nodes were used.
//   - the TLS reverse proxy of docs/admin.md (section TLS): the ```nginx block is read from
//     the doc, its listen port, certificate paths and proxy_pass port are replaced (a
//     self-signed certificate from `openssl req -x509`); HTTPS /healthz and a WSS ping/pong
//     through it, with the certificate verified (trusted as the only CA).
// PostgreSQL only: FASTCHAT_TEST_PG_ADMIN_URL must be set (the test fails without it).
// nginx must be installed (scripts/setup-deps); a missing nginx fails the test too.
#include "AdminEnv.h"
#include "HttpClient.h"
#include "ServerRun.h"
#include "TestDatabase.h"
#include "TestEnv.h"
#include "WsClient.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtTest>

#include <unistd.h>

#include <array>
#include <csignal>
#include <memory>

using namespace Qt::StringLiterals;
using fctest::HttpClient;
using fctest::HttpResponse;
using fctest::TestUser;
using fctest::WsClient;

namespace {

QString readText(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(f.readAll());
}

bool writeText(const QString &path, const QString &text)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(text.toUtf8()) >= 0;
}

quint16 freePort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0))
        return 0;
    return server.serverPort();
}

// Replaces `from` by `to` in `text`, which must contain it exactly once.
bool replaceOnce(QString &text, const QString &from, const QString &to, QString *error)
{
    if (text.count(from) != 1) {
        *error = u"the recipe should contain \"%1\" exactly once, has it %2 times"_s.arg(from).arg(
                text.count(from));
        return false;
    }
    text.replace(from, to);
    return true;
}

bool replaceOnce(QString &text, const QRegularExpression &from, const QString &to, QString *error)
{
    qsizetype n = 0;
    for (auto it = from.globalMatch(text); it.hasNext(); it.next())
        ++n;
    if (n != 1) {
        *error = u"the recipe should match /%1/ exactly once, matches %2 times"_s
                         .arg(from.pattern())
                         .arg(n);
        return false;
    }
    text.replace(from, to);
    return true;
}

// An nginx master process in the foreground (daemon off) with a config of our own, all its
// files in a temp dir. Stopped (SIGTERM, then SIGKILL) by stop() and by the destructor.
class NginxRun
{
public:
    NginxRun() = default;
    ~NginxRun()
    {
        if (QTest::currentTestFailed() && m_started)
            qWarning().noquote() << "==== nginx error.log ====\n" << errorLog();
        stop();
    }
    NginxRun(const NginxRun &) = delete;
    NginxRun &operator=(const NginxRun &) = delete;

    // Wraps `httpBlock` (server/upstream/map directives) in a main config and starts nginx
    // on it; waits until 127.0.0.1:`port` accepts connections.
    bool start(const QString &httpBlock, quint16 port)
    {
        m_port = port;
        const QString nginx = QStandardPaths::findExecutable(
                u"nginx"_s, {u"/usr/sbin"_s, u"/usr/bin"_s, u"/sbin"_s});
        if (nginx.isEmpty()) {
            m_error = u"nginx is not installed (scripts/setup-deps installs it)"_s;
            return false;
        }
        if (!m_dir.isValid()) {
            m_error = u"cannot create a temporary directory"_s;
            return false;
        }
        const QString d = m_dir.path();
        QString conf;
        if (::geteuid() == 0)
            conf += u"user root;\n"_s; // the workers must read our 0700 temp dir
        conf += u"worker_processes 1;\n"
                u"pid %1/nginx.pid;\n"
                u"error_log %1/error.log info;\n"
                u"events { worker_connections 256; }\n"
                u"http {\n"
                u"    log_format fctest '$upstream_addr $status \"$request\"';\n"
                u"    access_log %1/access.log fctest;\n"
                u"    client_body_temp_path %1/client_body;\n"
                u"    proxy_temp_path %1/proxy;\n"
                u"    fastcgi_temp_path %1/fastcgi;\n"
                u"    uwsgi_temp_path %1/uwsgi;\n"
                u"    scgi_temp_path %1/scgi;\n"_s.arg(d);
        conf += httpBlock;
        conf += u"\n}\n"_s;
        m_config = conf;
        const QString file = d + u"/nginx.conf"_s;
        if (!writeText(file, conf)) {
            m_error = u"cannot write "_s + file;
            return false;
        }
        m_process.setProcessChannelMode(QProcess::MergedChannels);
        m_process.start(nginx,
                        {u"-p"_s, d + u'/', u"-e"_s, d + u"/error.log"_s, u"-c"_s, file, u"-g"_s,
                         u"daemon off;"_s});
        if (!m_process.waitForStarted(10000)) {
            m_error = u"nginx did not start: "_s + m_process.errorString();
            return false;
        }
        m_started = true;
        const bool up = QTest::qWaitFor(
                [this] {
                    if (m_process.state() != QProcess::Running)
                        return true;
                    QTcpSocket probe;
                    probe.connectToHost(QHostAddress::LocalHost, m_port);
                    return probe.waitForConnected(200);
                },
                15000);
        if (!up || m_process.state() != QProcess::Running) {
            m_error = u"nginx is not serving on 127.0.0.1:%1: %2\n%3\n--- config ---\n%4"_s
                              .arg(m_port)
                              .arg(QString::fromUtf8(m_process.readAll()), errorLog(), conf);
            return false;
        }
        return true;
    }
    QString errorString() const { return m_error; }
    QString config() const { return m_config; }
    QString errorLog() const { return readText(m_dir.path() + u"/error.log"_s); }
    QString accessLog() const { return readText(m_dir.path() + u"/access.log"_s); }
    bool isRunning() const { return m_process.state() == QProcess::Running; }

    void stop()
    {
        if (m_process.state() == QProcess::NotRunning)
            return;
        ::kill(pid_t(m_process.processId()), SIGTERM); // fast shutdown, workers included
        if (!m_process.waitForFinished(10000)) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }

private:
    QTemporaryDir m_dir;
    QProcess m_process;
    QString m_config;
    QString m_error;
    quint16 m_port = 0;
    bool m_started = false;
};

struct DefaultSslConfigGuard
{
    QSslConfiguration saved = QSslConfiguration::defaultConfiguration();
    ~DefaultSslConfigGuard() { QSslConfiguration::setDefaultConfiguration(saved); }
};

TestUser registerAndLogin(HttpClient &http, const QString &name, QString *error)
{
    TestUser user;
    user.username = name;
    user.email = name + u"@example.org"_s;
    user.password = name + u" password 123"_s;
    const HttpResponse reg = http.post(u"/auth/register"_s,
                                       {{u"username"_s, user.username},
                                        {u"email"_s, user.email},
                                        {u"password"_s, user.password}});
    if (reg.status != 201 || !reg.isObject()) {
        *error = u"POST /auth/register through nginx: "_s + reg.describe();
        return {};
    }
    user.id = reg.object().value(u"id").toInteger();
    const HttpResponse login = http.post(
            u"/auth/login"_s, {{u"email"_s, user.email}, {u"password"_s, user.password}});
    if (login.status != 200 || !login.isObject()) {
        *error = u"POST /auth/login through nginx: "_s + login.describe();
        return {};
    }
    user.session = login.object();
    user.token = user.session.value(u"access_token").toString();
    user.refreshToken = user.session.value(u"refresh_token").toString();
    if (!user.ok())
        *error = u"login answered without a token or the user without an id: "_s + login.describe();
    return user;
}

// The chat_message payload with this id the socket received (waits up to 15 s); empty if none.
QJsonObject waitForMessage(WsClient &ws, qint64 id)
{
    QJsonObject found;
    (void)QTest::qWaitFor(
            [&] {
                for (const QJsonObject &frame : ws.log())
                    if (frame.value(u"type").toString() == u"chat_message"
                        && frame.value(u"payload").toObject().value(u"id").toInteger() == id) {
                        found = frame.value(u"payload").toObject();
                        return true;
                    }
                return false;
            },
            15000);
    return found;
}

QJsonObject chat(qint64 receiverId, const QString &content, const QString &clientId)
{
    return {{u"receiver_id"_s, receiverId},
            {u"content"_s, content},
            {u"type"_s, u"text"_s},
            {u"client_id"_s, clientId}};
}

// Two cluster nodes on one fresh PostgreSQL database.
struct Nodes
{
    fctest::TestDatabase database;
    std::array<QTemporaryDir, 2> dirs;
    std::array<std::unique_ptr<fcadmin::ServerRun>, 2> nodes;
    QString error;

    ~Nodes()
    {
        for (auto &n : nodes)
            n.reset();
        database.drop();
    }

    bool start(int count)
    {
        if (!database.create(u"postgres"_s)) {
            error = database.errorString();
            return false;
        }
        for (int i = 0; i < count; ++i) {
            nodes[size_t(i)] = std::make_unique<fcadmin::ServerRun>();
            if (!nodes[size_t(i)]->start({u"serve"_s, u"--listen"_s, u"127.0.0.1:0"_s,
                                          u"--data-dir"_s, dirs[size_t(i)].path(), u"--database"_s,
                                          database.url(), u"--cluster"_s, u"postgres"_s,
                                          u"--password-cost"_s, u"min"_s})) {
                error = u"node %1 did not start: %2"_s.arg(i).arg(nodes[size_t(i)]->errorString());
                return false;
            }
        }
        return true;
    }
    quint16 port(int i) const { return nodes[size_t(i)]->port(); }
};

} // namespace

#define FC_NO_VIOLATIONS(ws) \
    QVERIFY2((ws)->violations().isEmpty(), qPrintable((ws)->violations().join(u'\n')))

class TestAdminNginx : public QObject
{
    Q_OBJECT

private slots:
    // resources/nginx-cluster.conf in front of two cluster nodes.
    void clusterRecipe()
    {
        Nodes nodes;
        QVERIFY2(nodes.start(2), qPrintable(nodes.error));

        QString recipe = readText(QStringLiteral(FASTCHAT_NGINX_CLUSTER_CONF));
        QVERIFY2(!recipe.isEmpty(), "cannot read " FASTCHAT_NGINX_CLUSTER_CONF);
        const QStringList proxyLines = [&] {
            QStringList out;
            for (const QString &line : recipe.split(u'\n'))
                if (line.trimmed().startsWith(u"proxy_"))
                    out << line.trimmed();
            return out;
        }();
        QVERIFY2(proxyLines.size() >= 4, "the cluster recipe has lost its proxy_* lines");
        const quint16 port = freePort();
        QVERIFY(port != 0);
        QString error;
        QVERIFY2(replaceOnce(recipe, u"server 127.0.0.1:8081 "_s,
                             u"server 127.0.0.1:%1 "_s.arg(nodes.port(0)), &error),
                 qPrintable(error));
        QVERIFY2(replaceOnce(recipe, u"server 127.0.0.1:8082 "_s,
                             u"server 127.0.0.1:%1 "_s.arg(nodes.port(1)), &error),
                 qPrintable(error));
        QVERIFY2(replaceOnce(recipe,
                             QRegularExpression(u"^(\\s*)listen 8080;"_s,
                                                QRegularExpression::MultilineOption),
                             u"\\1listen 127.0.0.1:%1;"_s.arg(port), &error),
                 qPrintable(error));
        for (const QString &line : proxyLines)
            QVERIFY2(recipe.contains(line), qPrintable(u"proxy line changed: "_s + line));

        NginxRun nginx;
        QVERIFY2(nginx.start(recipe, port), qPrintable(nginx.errorString()));
        const QUrl base(u"http://127.0.0.1:%1"_s.arg(port));
        const QUrl ws(u"ws://127.0.0.1:%1/ws"_s.arg(port));
        HttpClient http(base);

        FC_HTTP_STATUS(http.get(u"/healthz"_s), 200);
        TestUser alice = registerAndLogin(http, u"alice"_s, &error);
        QVERIFY2(alice.ok(), qPrintable(error));
        TestUser bob = registerAndLogin(http, u"bob"_s, &error);
        QVERIFY2(bob.ok(), qPrintable(error));

        // REST with and without a token.
        FC_HTTP_STATUS(http.get(u"/chat/conversations"_s, alice.token), 200);
        FC_HTTP_STATUS(http.get(u"/chat/conversations"_s), 401);

        // WebSocket upgrades (Authorization: Bearer) through nginx.
        auto aliceWs = std::make_unique<WsClient>();
        QVERIFY2(aliceWs->open(ws, alice.token), qPrintable(aliceWs->errorString()));
        auto bobWs = std::make_unique<WsClient>();
        QVERIFY2(bobWs->open(ws, bob.token), qPrintable(bobWs->errorString()));
        QVERIFY2(aliceWs->pingPong(), "no pong through nginx (alice)");
        QVERIFY2(bobWs->pingPong(), "no pong through nginx (bob)");

        // alice -> bob, ack and delivery.
        aliceWs->sendFrame(u"chat_message"_s, chat(bob.id, u"hello through nginx"_s, u"ngx-1"_s));
        const QJsonObject ack1 = aliceWs->waitForPayload(u"ack"_s, 15000);
        QCOMPARE(ack1.value(u"client_id").toString(), u"ngx-1"_s);
        const qint64 id1 = ack1.value(u"id").toInteger();
        QVERIFY2(id1 > 0, "the ack has no message id");
        const QJsonObject got1 = waitForMessage(*bobWs, id1);
        QVERIFY2(!got1.isEmpty(), "bob got no chat_message through nginx");
        QCOMPARE(got1.value(u"sender_id").toInteger(), alice.id);
        QCOMPARE(got1.value(u"content").toString(), u"hello through nginx"_s);

        // bob -> alice.
        bobWs->sendFrame(u"chat_message"_s, chat(alice.id, u"hello back"_s, u"ngx-2"_s));
        const QJsonObject ack2 = bobWs->waitForPayload(u"ack"_s, 15000);
        QCOMPARE(ack2.value(u"client_id").toString(), u"ngx-2"_s);
        const qint64 id2 = ack2.value(u"id").toInteger();
        QVERIFY2(id2 > id1, "the reply's ack has no later id");
        const QJsonObject got2 = waitForMessage(*aliceWs, id2);
        QVERIFY2(!got2.isEmpty(), "alice got no chat_message through nginx");
        QCOMPARE(got2.value(u"sender_id").toInteger(), bob.id);
        QCOMPARE(got2.value(u"content").toString(), u"hello back"_s);

        // History over REST through nginx has both.
        const HttpResponse history = http.get(u"/chat/history/%1"_s.arg(bob.id), alice.token);
        FC_HTTP_STATUS(history, 200);
        const QList<qint64> ids = fctest::idsOf(history.array());
        QVERIFY2(ids.contains(id1) && ids.contains(id2),
                 qPrintable(u"history through nginx: "_s + history.describe()));

        FC_NO_VIOLATIONS(aliceWs);
        FC_NO_VIOLATIONS(bobWs);
        aliceWs->close();
        bobWs->close();
        aliceWs->waitForClosed(5000);
        bobWs->waitForClosed(5000);

        // The access log is written when a request ends: both upgrades were answered 101,
        // and requests went to both nodes (the upstream block balances).
        QString log;
        const bool logged = QTest::qWaitFor(
                [&] {
                    log = nginx.accessLog();
                    return log.count(u" 101 \"GET /ws"_s) >= 2;
                },
                5000);
        QVERIFY2(logged, qPrintable(u"access log:\n"_s + log));
        for (const QString &line : log.split(u'\n'))
            if (line.contains(u"GET /ws"))
                qInfo().noquote() << "nginx:" << line;
        for (int i : {0, 1})
            QVERIFY2(log.contains(u"127.0.0.1:%1 "_s.arg(nodes.port(i))),
                     qPrintable(
                             u"node %1 got no request through nginx; access log:\n%2"_s.arg(i).arg(
                                     log)));
        QVERIFY2(nginx.isRunning(), "nginx exited during the test");
        nginx.stop();
        QVERIFY(!nginx.isRunning());
    }

    // The TLS-terminating reverse proxy of docs/admin.md in front of one node.
    void tlsRecipe()
    {
        QVERIFY2(QSslSocket::supportsSsl(), "Qt has no TLS backend");
        Nodes nodes;
        QVERIFY2(nodes.start(1), qPrintable(nodes.error));

        const QString doc = readText(QStringLiteral(FASTCHAT_ADMIN_DOC));
        QVERIFY2(!doc.isEmpty(), "cannot read " FASTCHAT_ADMIN_DOC);
        const QRegularExpressionMatch m = QRegularExpression(
                                                  u"\\n## TLS\\n.*?```nginx\\n(.*?)```"_s,
                                                  QRegularExpression::DotMatchesEverythingOption)
                                                  .match(doc);
        QVERIFY2(m.hasMatch(), "no ```nginx block in the TLS section of docs/admin.md");
        QString recipe = m.captured(1);

        QTemporaryDir tls;
        const QString cert = tls.filePath(u"cert.pem"_s), key = tls.filePath(u"key.pem"_s);
        QProcess openssl;
        openssl.start(u"openssl"_s,
                      {u"req"_s, u"-x509"_s, u"-newkey"_s, u"rsa:2048"_s, u"-nodes"_s, u"-keyout"_s,
                       key, u"-out"_s, cert, u"-days"_s, u"2"_s, u"-subj"_s, u"/CN=127.0.0.1"_s,
                       u"-addext"_s, u"subjectAltName=IP:127.0.0.1"_s});
        QVERIFY2(openssl.waitForFinished(60000) && openssl.exitCode() == 0,
                 qPrintable(u"openssl req failed: "_s
                            + QString::fromUtf8(openssl.readAllStandardError())));
        const QList<QSslCertificate> certificates = QSslCertificate::fromPath(cert);
        QCOMPARE(certificates.size(), 1);

        const quint16 port = freePort();
        QVERIFY(port != 0);
        QString error;
        QVERIFY2(replaceOnce(recipe, u"listen 443 ssl"_s, u"listen 127.0.0.1:%1 ssl"_s.arg(port),
                             &error),
                 qPrintable(error));
        QVERIFY2(replaceOnce(recipe, QRegularExpression(u"ssl_certificate\\s+[^;\\s]+;"_s),
                             u"ssl_certificate %1;"_s.arg(cert), &error),
                 qPrintable(error));
        QVERIFY2(replaceOnce(recipe, QRegularExpression(u"ssl_certificate_key\\s+[^;\\s]+;"_s),
                             u"ssl_certificate_key %1;"_s.arg(key), &error),
                 qPrintable(error));
        QVERIFY2(replaceOnce(recipe, u"proxy_pass http://127.0.0.1:8080;"_s,
                             u"proxy_pass http://127.0.0.1:%1;"_s.arg(nodes.port(0)), &error),
                 qPrintable(error));

        NginxRun nginx;
        QVERIFY2(nginx.start(recipe, port), qPrintable(nginx.errorString()));

        // Our certificate is the only trusted CA: the clients verify nginx's.
        DefaultSslConfigGuard guard;
        QSslConfiguration trusting = QSslConfiguration::defaultConfiguration();
        trusting.setCaCertificates(certificates);
        QSslConfiguration::setDefaultConfiguration(trusting);
        {
            QSslSocket socket;
            socket.connectToHostEncrypted(u"127.0.0.1"_s, port);
            QVERIFY2(socket.waitForEncrypted(15000),
                     qPrintable(u"TLS handshake with nginx: "_s + socket.errorString()));
            QCOMPARE(socket.peerCertificate(), certificates.first());
        }

        HttpClient https(QUrl(u"https://127.0.0.1:%1"_s.arg(port)));
        const HttpResponse health = https.get(u"/healthz"_s);
        FC_HTTP_STATUS(health, 200);
        QCOMPARE(health.object().value(u"status").toString(), u"ok"_s);

        TestUser alice = registerAndLogin(https, u"alice"_s, &error);
        QVERIFY2(alice.ok(), qPrintable(error));
        auto ws = std::make_unique<WsClient>();
        QVERIFY2(ws->open(QUrl(u"wss://127.0.0.1:%1/ws"_s.arg(port)), alice.token),
                 qPrintable(ws->errorString()));
        QVERIFY2(ws->pingPong(15000), "no pong over WSS through nginx");
        FC_NO_VIOLATIONS(ws);
        ws->close();

        QVERIFY2(nginx.isRunning(), "nginx exited during the test");
        nginx.stop();
        QVERIFY(!nginx.isRunning());
    }
};

QTEST_GUILESS_MAIN(TestAdminNginx)
#include "tst_admin_nginx.moc"
