// SPDX-License-Identifier: MIT
// Cluster mode (issue 10): two fastchat-server nodes on one PostgreSQL act as one server.
// The suite runs once per bus: `--cluster postgres` (LISTEN/NOTIFY, ctest cluster.two_nodes)
// and, with FASTCHAT_TEST_CLUSTER_BUS=nats, `--cluster nats://127.0.0.1:PORT` with a real
// nats-server that each test function starts on a free port (cluster.two_nodes_nats).
// Every test function makes a fresh database and starts node A and node B on it (`serve
// --listen 127.0.0.1:0 --data-dir <own dir> --database <url> --cluster <bus> --password-cost
// min`), then talks to them over HTTP and WebSocket only:
//   - a token from one node works on the other (REST, /ws, refresh);
//   - users on different nodes chat live (delivery, ack, the sender's other sockets, nobody
//     else), and the cluster delivers in commit order: per conversation and across the stream;
//   - messages too large for a NOTIFY payload cross nodes intact;
//   - typing and read receipts cross nodes;
//   - presence with sockets on both nodes, revocation (logout, deletion) across nodes;
//   - kill -9 of a node under traffic: its users go offline for the others, reconnect to the
//     other node and resume with nothing lost and nothing twice;
//   - every node loses its database connections (postgres: clients resume; nats: the bus
//     is not affected and sockets stay open);
//   - NATS only: the nats-server restarts; the nodes reconnect and their clients resume;
//   - a second node on one SQLite folder, a cluster without PostgreSQL, and a bad NATS
//     address are refused; `config check` describes the NATS mode.
// Timing is asserted only as generous upper bounds. PostgreSQL only:
// FASTCHAT_TEST_PG_ADMIN_URL must be set (the test fails without it).
#include "Cli.h"
#include "HttpClient.h"
#include "NatsServer.h"
#include "ServerRun.h"
#include "TestDatabase.h"
#include "TestEnv.h"
#include "WsClient.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>
#include <QtTest>

#include <array>
#include <memory>

using namespace Qt::StringLiterals;
using fctest::HttpClient;
using fctest::HttpResponse;
using fctest::TestUser;
using fctest::WsClient;

namespace {

enum Node { A = 0, B = 1 };

// Which cluster bus this run tests: FASTCHAT_TEST_CLUSTER_BUS=nats, else postgres.
bool natsMode()
{
    return qEnvironmentVariable("FASTCHAT_TEST_CLUSTER_BUS") == u"nats";
}

QString nodeName(int node)
{
    return node == A ? u"A"_s : u"B"_s;
}

QString compact(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

// Payloads of every frame of `type` the socket has received so far, in arrival order
// (whether or not a waitFor took them from the queue).
QList<QJsonObject> received(const WsClient &ws, const QString &type)
{
    QList<QJsonObject> out;
    for (const QJsonObject &frame : ws.log())
        if (frame.value(u"type").toString() == type)
            out.append(frame.value(u"payload").toObject());
    return out;
}

QList<QJsonObject> chatMessages(const WsClient &ws)
{
    return received(ws, u"chat_message"_s);
}

// chat_message payloads with this id.
int countMessage(const WsClient &ws, qint64 id)
{
    int n = 0;
    for (const QJsonObject &m : chatMessages(ws))
        n += m.value(u"id").toInteger() == id;
    return n;
}

QJsonObject messageWithId(const WsClient &ws, qint64 id)
{
    for (const QJsonObject &m : chatMessages(ws))
        if (m.value(u"id").toInteger() == id)
            return m;
    return {};
}

// The first ack for this client_id, or an empty object.
QJsonObject ackFor(const WsClient &ws, const QString &clientId)
{
    for (const QJsonObject &a : received(ws, u"ack"_s))
        if (a.value(u"client_id").toString() == clientId)
            return a;
    return {};
}

// client_id -> message id, from every ack the socket received.
QMap<QString, qint64> acksOf(const WsClient &ws)
{
    QMap<QString, qint64> out;
    for (const QJsonObject &a : received(ws, u"ack"_s))
        out.insert(a.value(u"client_id").toString(), a.value(u"id").toInteger());
    return out;
}

// The error frames a socket received, for failure messages.
QString errorsOf(const WsClient &ws)
{
    QStringList out;
    for (const QJsonObject &e : received(ws, u"error"_s))
        out << compact(e);
    return out.isEmpty() ? u"(no error frames)"_s : out.join(u"; "_s);
}

// user_status payloads about `userId`, from index `from` of the socket's log on.
QList<QJsonObject> statusesOf(const WsClient &ws, qint64 userId, qsizetype from = 0)
{
    QList<QJsonObject> out;
    const QList<QJsonObject> log = ws.log();
    for (qsizetype i = from; i < log.size(); ++i) {
        const QJsonObject &frame = log.at(i);
        if (frame.value(u"type").toString() != u"user_status")
            continue;
        const QJsonObject p = frame.value(u"payload").toObject();
        if (p.value(u"user_id").toInteger() == userId)
            out.append(p);
    }
    return out;
}

bool hasStatus(const WsClient &ws, qint64 userId, bool online, qsizetype from = 0)
{
    for (const QJsonObject &s : statusesOf(ws, userId, from))
        if (s.value(u"is_online").toBool() == online)
            return true;
    return false;
}

QString describeStatuses(const WsClient &ws, qint64 userId)
{
    QStringList out;
    for (const QJsonObject &s : statusesOf(ws, userId))
        out << compact(s);
    return out.isEmpty() ? u"(none)"_s : out.join(u", "_s);
}

void sendChat(WsClient &ws, qint64 receiverId, const QString &content, const QString &clientId)
{
    ws.sendFrame(u"chat_message"_s,
                 {{u"receiver_id"_s, receiverId},
                  {u"content"_s, content},
                  {u"type"_s, u"text"_s},
                  {u"client_id"_s, clientId}});
}

// On a sending socket, each of its messages comes back only after its ack (docs/protocol.md):
// the problems found, or an empty list.
QStringList echoesBeforeAcks(const WsClient &ws)
{
    QStringList problems;
    QSet<QString> ackedClientIds;
    const QList<QJsonObject> log = ws.log();
    for (qsizetype i = 0; i < log.size(); ++i) {
        const QString type = log.at(i).value(u"type").toString();
        const QJsonObject p = log.at(i).value(u"payload").toObject();
        const QString clientId = p.value(u"client_id").toString();
        if (type == u"ack")
            ackedClientIds.insert(clientId);
        else if (type == u"chat_message" && !ackedClientIds.contains(clientId)
                 && !ackFor(ws, clientId).isEmpty())
            problems << u"frame %1: message %2 (%3) before its ack"_s.arg(i)
                                .arg(p.value(u"id").toInteger())
                                .arg(clientId);
    }
    if (problems.size() > 20)
        problems = problems.mid(0, 20) << u"..."_s;
    return problems;
}

// Checks a stream of chat_message payloads a receiver got against what was sent:
// `expected` maps each sender's client ids, in sending order, to the ids their acks gave.
// Returns the problems found (empty: every message exactly once, in sending order per
// sender, and ids increasing across the whole stream).
QStringList checkStream(const QList<QJsonObject> &stream,
                        const QMap<qint64, QStringList> &sentBySender,
                        const QMap<QString, qint64> &ackedIds)
{
    QStringList problems;
    QSet<qint64> seen;
    QMap<qint64, QStringList> orderBySender;
    qint64 previous = 0;
    int total = 0;
    for (qsizetype i = 0; i < stream.size(); ++i) {
        const QJsonObject &m = stream.at(i);
        const qint64 id = m.value(u"id").toInteger();
        const qint64 sender = m.value(u"sender_id").toInteger();
        const QString clientId = m.value(u"client_id").toString();
        if (!sentBySender.contains(sender))
            continue;
        ++total;
        if (seen.contains(id))
            problems << u"message %1 (%2) arrived twice"_s.arg(id).arg(clientId);
        seen.insert(id);
        if (ackedIds.contains(clientId) && ackedIds.value(clientId) != id)
            problems << u"%1 arrived with id %2 but its ack said %3"_s.arg(clientId).arg(id).arg(
                    ackedIds.value(clientId));
        if (id <= previous)
            problems << u"stream position %1: id %2 after id %3 (not in commit order)"_s.arg(i)
                                .arg(id)
                                .arg(previous);
        previous = std::max(previous, id);
        orderBySender[sender] << clientId;
    }
    for (auto it = sentBySender.cbegin(); it != sentBySender.cend(); ++it) {
        const QStringList got = orderBySender.value(it.key());
        if (got != it.value()) {
            qsizetype k = 0;
            while (k < got.size() && k < it.value().size() && got.at(k) == it.value().at(k))
                ++k;
            problems
                    << u"from user %1: received %2 of %3 messages; first difference at position %4 (got %5, sent %6)"_s
                               .arg(it.key())
                               .arg(got.size())
                               .arg(it.value().size())
                               .arg(k)
                               .arg(k < got.size() ? got.at(k) : u"nothing"_s)
                               .arg(k < it.value().size() ? it.value().at(k) : u"nothing"_s);
        }
    }
    if (problems.size() > 20) {
        const qsizetype more = problems.size() - 20;
        problems = problems.mid(0, 20);
        problems << u"... and %1 more"_s.arg(more);
    }
    return problems;
}

// Runs one statement on the PostgreSQL server of $FASTCHAT_TEST_PG_ADMIN_URL (its admin
// database); returns an empty string or the error.
QString execAdminSql(const QString &statement)
{
    const QUrl url(qEnvironmentVariable("FASTCHAT_TEST_PG_ADMIN_URL"));
    const QString connection = u"fccluster-admin"_s;
    QString error;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QPSQL"_s, connection);
        db.setHostName(url.host());
        db.setPort(url.port(5432));
        db.setUserName(url.userName().isEmpty() ? u"postgres"_s : url.userName());
        if (!url.password().isEmpty())
            db.setPassword(url.password());
        db.setDatabaseName(url.path().mid(1).isEmpty() ? u"postgres"_s : url.path().mid(1));
        if (!db.open()) {
            error = u"cannot connect to the admin database: "_s + db.lastError().text();
        } else {
            QSqlQuery query(db);
            if (!query.exec(statement))
                error = u"%1 failed: %2"_s.arg(statement, query.lastError().text());
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(connection);
    return error;
}

// Two nodes on one fresh PostgreSQL database.
class Cluster
{
public:
    Cluster() = default;
    ~Cluster();
    Cluster(const Cluster &) = delete;
    Cluster &operator=(const Cluster &) = delete;

    // Creates the database, then starts node A and node B on it with `extraArgs` added.
    bool start(const QStringList &extraArgs = {});
    QString error() const { return m_error; }
    QStringList serveArgs(int node) const;

    fcadmin::ServerRun &node(int node) { return *m_nodes[size_t(node)]; }
    QString databaseUrl() const { return m_database.url(); }
    HttpClient &http(int node) { return m_http[size_t(node)]; }
    // NATS mode: the nats-server of this cluster (nullptr in postgres mode).
    fctest::NatsServer *nats() { return m_nats.get(); }
    // The --cluster value: postgres, or the NATS server's URL.
    QString clusterArg() const { return m_nats ? m_nats->url() : u"postgres"_s; }

    // POST /auth/register on `registerOn`, then POST /auth/login on `loginOn`.
    TestUser registerUser(const QString &name, int registerOn = A, int loginOn = A);
    // POST /auth/login on `node`: fills token, refreshToken, session.
    bool login(TestUser &user, int node);
    // An open WebSocket on `node` (Authorization: Bearer), or nullptr with error().
    std::unique_ptr<WsClient> connect(int node, const QString &token,
                                      WsClient::Auth auth = WsClient::Auth::Header);
    std::unique_ptr<WsClient> connect(int node, const TestUser &user)
    {
        return connect(node, user.token);
    }

    // Every message between `me` and `peerId` as `me` sees it on `node`: GET
    // /chat/history/<peer>?after=&limit=200 page by page (no read side effect).
    QJsonArray wholeHistory(int node, const TestUser &me, qint64 peerId);

private:
    fctest::TestDatabase m_database;
    std::unique_ptr<fctest::NatsServer> m_nats;
    std::array<QTemporaryDir, 2> m_dirs;
    std::array<std::unique_ptr<fcadmin::ServerRun>, 2> m_nodes;
    std::array<HttpClient, 2> m_http;
    QString m_error;
};

Cluster::~Cluster()
{
    // The nodes go before their database; a failed test shows each node's stderr.
    for (int n : {A, B}) {
        if (!m_nodes[size_t(n)])
            continue;
        if (QTest::currentTestFailed())
            qWarning().noquote() << "==== node" << nodeName(n) << "(port"
                                 << m_nodes[size_t(n)]->port() << ") follows ====";
        m_nodes[size_t(n)].reset();
    }
    if (m_nats && QTest::currentTestFailed())
        qWarning().noquote() << "==== nats-server ====\n" << m_nats->output();
    m_nats.reset();
    m_database.drop();
}

QStringList Cluster::serveArgs(int node) const
{
    return {u"serve"_s,
            u"--listen"_s,
            u"127.0.0.1:0"_s,
            u"--data-dir"_s,
            m_dirs[size_t(node)].path(),
            u"--database"_s,
            m_database.url(),
            u"--cluster"_s,
            clusterArg(),
            u"--password-cost"_s,
            u"min"_s};
}

bool Cluster::start(const QStringList &extraArgs)
{
    if (!m_database.create(u"postgres"_s)) {
        m_error = m_database.errorString();
        return false;
    }
    if (natsMode()) {
        m_nats = std::make_unique<fctest::NatsServer>();
        if (!m_nats->start()) {
            m_error = m_nats->errorString();
            return false;
        }
    }
    for (int n : {A, B}) {
        if (!m_dirs[size_t(n)].isValid()) {
            m_error = u"cannot create a temporary directory"_s;
            return false;
        }
        m_nodes[size_t(n)] = std::make_unique<fcadmin::ServerRun>();
        if (!m_nodes[size_t(n)]->start(serveArgs(n) + extraArgs)) {
            m_error = u"node %1 did not start: %2"_s.arg(nodeName(n),
                                                         m_nodes[size_t(n)]->errorString());
            return false;
        }
        m_http[size_t(n)].setBaseUrl(m_nodes[size_t(n)]->baseUrl());
    }
    return true;
}

TestUser Cluster::registerUser(const QString &name, int registerOn, int loginOn)
{
    TestUser user;
    user.username = name;
    user.email = name + u"@example.org"_s;
    user.password = name + u" password 123"_s;
    const HttpResponse reg = http(registerOn)
                                     .post(u"/auth/register"_s,
                                           {{u"username"_s, user.username},
                                            {u"email"_s, user.email},
                                            {u"password"_s, user.password}});
    if (reg.status != 201 || !reg.isObject()) {
        m_error = u"POST /auth/register on node %1: %2"_s.arg(nodeName(registerOn), reg.describe());
        return {};
    }
    user.user = reg.object();
    user.id = user.user.value(u"id").toInteger();
    if (!login(user, loginOn))
        return {};
    return user;
}

bool Cluster::login(TestUser &user, int node)
{
    const HttpResponse r = http(node).post(
            u"/auth/login"_s, {{u"email"_s, user.email}, {u"password"_s, user.password}});
    if (r.status != 200 || !r.isObject()) {
        m_error = u"POST /auth/login on node %1: %2"_s.arg(nodeName(node), r.describe());
        return false;
    }
    user.session = r.object();
    user.token = user.session.value(u"access_token").toString();
    user.refreshToken = user.session.value(u"refresh_token").toString();
    if (user.token.isEmpty()) {
        m_error = u"login answered without a token: "_s + r.describe();
        return false;
    }
    return true;
}

std::unique_ptr<WsClient> Cluster::connect(int node, const QString &token, WsClient::Auth auth)
{
    auto ws = std::make_unique<WsClient>();
    if (!ws->open(this->node(node).wsUrl(), token, auth)) {
        m_error = u"node %1: %2"_s.arg(nodeName(node), ws->errorString());
        return nullptr;
    }
    return ws;
}

QJsonArray Cluster::wholeHistory(int node, const TestUser &me, qint64 peerId)
{
    QJsonArray all;
    qint64 after = 0;
    for (int page = 0; page < 10000; ++page) {
        const HttpResponse r = http(node).get(
                u"/chat/history/%1?after=%2&limit=200"_s.arg(peerId).arg(after), me.token);
        if (r.status != 200 || !r.isArray()) {
            m_error = u"GET /chat/history on node %1: %2"_s.arg(nodeName(node), r.describe());
            return {};
        }
        for (const QJsonValue &m : r.array()) {
            all.append(m);
            after = std::max(after, m.toObject().value(u"id").toInteger());
        }
        if (r.array().size() < 200)
            break;
    }
    return all;
}

// UTF-8 text of exactly `bytes` bytes: numbered segments with multi-byte characters, quotes,
// backslashes and control characters (which JSON escapes, so the encoded frame is larger
// still), padded with ASCII.
QString bulkyText(int bytes, const QString &tag)
{
    QByteArray out;
    for (int i = 0; out.size() < bytes - 64; ++i)
        out += u"[%1 %2] héllo wörld € 😀 \"quoted\" back\\slash\ttab\nline "_s.arg(tag)
                       .arg(i)
                       .toUtf8();
    out.truncate(bytes - 64);
    // Never cut a multi-byte character: drop continuation bytes and an unfinished lead byte.
    while (!out.isEmpty() && (uchar(out.back()) & 0xC0) == 0x80)
        out.chop(1);
    if (!out.isEmpty() && uchar(out.back()) >= 0xC0)
        out.chop(1);
    while (out.size() < bytes - 8)
        out += 'x';
    out += "<end>";
    while (out.size() < bytes)
        out += '.';
    return QString::fromUtf8(out);
}

} // namespace

// Starts the cluster or fails the test with the reason.
#define CL_START(c, ...) QVERIFY2((c).start(__VA_ARGS__), qPrintable((c).error()))
// Registers (and logs in) a user or fails the test.
#define CL_USER(var, c, name, registerOn, loginOn) \
    TestUser var = (c).registerUser(name, registerOn, loginOn); \
    QVERIFY2(var.ok(), qPrintable(u"creating user %1: %2"_s.arg(name, (c).error())))
// Opens a WebSocket or fails the test.
#define CL_WS(var, c, node, tokenOrUser) \
    auto var = (c).connect(node, tokenOrUser); \
    QVERIFY2(var, qPrintable((c).error()))
// Compares an HTTP status, printing the answer on failure; `response` is evaluated once.
#define CL_STATUS(response, expected) \
    do { \
        const HttpResponse &clHttp_ = (response); \
        QVERIFY2(clHttp_.status == (expected), \
                 qPrintable(u"expected HTTP %1, got %2"_s.arg(expected).arg(clHttp_.describe()))); \
    } while (false)

class TestCluster : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY2(!fcadmin::serverBinary().isEmpty(),
                 "FASTCHAT_SERVER_BINARY is not set: run the test through ctest");
        if (natsMode())
            QVERIFY2(!fctest::NatsServer::binary().isEmpty(),
                     "NATS mode needs nats-server (apt install nats-server)");
        qInfo().noquote() << "cluster bus:" << (natsMode() ? u"nats"_s : u"postgres"_s);
    }

    // 1. The token secret lives in PostgreSQL: a token from node A works on node B.
    void tokenFromOneNodeWorksOnTheOther()
    {
        Cluster c;
        CL_START(c);
        CL_USER(alice, c, u"alice"_s, A, A); // token issued by A
        CL_USER(bob, c, u"bob"_s, B, B);     // token issued by B

        // REST on B with A's token, and on A with B's.
        const HttpResponse me = c.http(B).get(u"/users/me"_s, alice.token);
        CL_STATUS(me, 200);
        QCOMPARE(me.object().value(u"id").toInteger(), alice.id);
        const HttpResponse bobMe = c.http(A).get(u"/users/me"_s, bob.token);
        CL_STATUS(bobMe, 200);
        QCOMPARE(bobMe.object().value(u"id").toInteger(), bob.id);

        // A write on B with A's token, read on A with B's.
        const HttpResponse sent = c.http(B).post(
                u"/chat/message"_s,
                {{u"receiver_id"_s, bob.id}, {u"content"_s, u"written on B with A's token"_s}},
                alice.token);
        CL_STATUS(sent, 201);
        const HttpResponse conversations = c.http(A).get(u"/chat/conversations"_s, bob.token);
        CL_STATUS(conversations, 200);
        QCOMPARE(conversations.array().size(), 1);
        QCOMPARE(conversations.array().first().toObject().value(u"peer_id").toInteger(), alice.id);

        // /ws on B with A's token, in the header and as ?token=.
        CL_WS(header, c, B, alice.token);
        QVERIFY2(header->pingPong(),
                 "a WebSocket opened on B with a token from A does not answer ping");
        auto query = c.connect(B, alice.token, WsClient::Auth::Query);
        QVERIFY2(query, qPrintable(c.error()));
        QVERIFY(query->pingPong());
        QCOMPARE(WsClient::upgradeStatus(c.node(B).baseUrl(), u"/ws"_s,
                                         {{"Authorization", "Bearer not-a-token"}}),
                 401);

        // The refresh token from A rotates on B; the new access token works on A.
        const HttpResponse refreshed = c.http(B).post(u"/auth/refresh"_s,
                                                      {{u"refresh_token"_s, alice.refreshToken}});
        CL_STATUS(refreshed, 200);
        const QString newToken = refreshed.object().value(u"access_token").toString();
        QVERIFY(!newToken.isEmpty());
        CL_STATUS(c.http(A).get(u"/users/me"_s, newToken), 200);
        // The used refresh token presented on A is reuse: the whole session ends, on B too.
        CL_STATUS(c.http(A).post(u"/auth/refresh"_s, {{u"refresh_token"_s, alice.refreshToken}}),
                  401);
        QTRY_VERIFY2_WITH_TIMEOUT(
                c.http(B).get(u"/users/me"_s, newToken).status == 401,
                "after refresh-token reuse on A, the session's new access token still works on B",
                10000);
        QVERIFY(header->violations().isEmpty());
    }

    // 2. Users on different nodes chat live.
    void liveChatAcrossNodes()
    {
        Cluster c;
        CL_START(c);
        CL_USER(alice, c, u"alice"_s, A, A);
        CL_USER(bob, c, u"bob"_s, A, B);
        CL_USER(dave, c, u"dave"_s, A, B);
        CL_WS(aliceA, c, A, alice);
        CL_WS(aliceB, c, B, alice);
        CL_WS(bobB, c, B, bob);
        CL_WS(daveB, c, B, dave);
        CL_WS(daveA, c, A, dave);
        for (WsClient *ws : {aliceA.get(), aliceB.get(), bobB.get(), daveB.get(), daveA.get()})
            QVERIFY(ws->pingPong());

        // alice on A -> bob on B.
        sendChat(*aliceA, bob.id, u"hello bob, from node A"_s, u"live-1"_s);
        QTRY_VERIFY2_WITH_TIMEOUT(!ackFor(*aliceA, u"live-1"_s).isEmpty(),
                                  qPrintable(u"no ack on A: "_s + errorsOf(*aliceA)), 10000);
        const QJsonObject ack = ackFor(*aliceA, u"live-1"_s);
        const qint64 id = ack.value(u"id").toInteger();
        QVERIFY(fctest::isPositiveId(ack.value(u"id")));
        QVERIFY(fctest::isPositiveId(ack.value(u"conversation_id")));
        QVERIFY(fctest::isWireTime(ack.value(u"timestamp")));

        QTRY_VERIFY2_WITH_TIMEOUT(countMessage(*bobB, id) >= 1,
                                  "bob on node B did not receive alice's message from node A",
                                  10000);
        const QJsonObject atBob = messageWithId(*bobB, id);
        QCOMPARE(atBob.value(u"sender_id").toInteger(), alice.id);
        QCOMPARE(atBob.value(u"receiver_id").toInteger(), bob.id);
        QCOMPARE(atBob.value(u"content").toString(), u"hello bob, from node A"_s);
        QCOMPARE(atBob.value(u"client_id").toString(), u"live-1"_s);
        QCOMPARE(atBob.value(u"conversation_id").toInteger(),
                 ack.value(u"conversation_id").toInteger());
        QCOMPARE(atBob.value(u"timestamp").toString(), ack.value(u"timestamp").toString());
        QVERIFY2(fctest::missingKeys(atBob, fctest::messageKeys()).isEmpty(),
                 qPrintable(fctest::missingKeys(atBob, fctest::messageKeys())));
        // alice's other socket, on B, gets it too; her sending socket gets it after the ack.
        QTRY_VERIFY2_WITH_TIMEOUT(countMessage(*aliceB, id) >= 1,
                                  "alice's socket on node B did not get her own message", 10000);
        QTRY_VERIFY_WITH_TIMEOUT(countMessage(*aliceA, id) >= 1, 10000);
        qsizetype ackAt = -1, echoAt = -1;
        const QList<QJsonObject> aliceLog = aliceA->log();
        for (qsizetype i = 0; i < aliceLog.size(); ++i) {
            const QJsonObject p = aliceLog.at(i).value(u"payload").toObject();
            if (aliceLog.at(i).value(u"type").toString() == u"ack"
                && p.value(u"client_id").toString() == u"live-1")
                ackAt = ackAt < 0 ? i : ackAt;
            if (aliceLog.at(i).value(u"type").toString() == u"chat_message"
                && p.value(u"id").toInteger() == id)
                echoAt = echoAt < 0 ? i : echoAt;
        }
        QVERIFY2(ackAt >= 0 && ackAt < echoAt,
                 "the sending socket got the chat_message before its ack");

        // bob on B -> alice: both of alice's sockets (A and B) get it.
        sendChat(*bobB, alice.id, u"hi alice, from node B"_s, u"live-2"_s);
        QTRY_VERIFY2_WITH_TIMEOUT(!ackFor(*bobB, u"live-2"_s).isEmpty(),
                                  qPrintable(errorsOf(*bobB)), 10000);
        const qint64 id2 = ackFor(*bobB, u"live-2"_s).value(u"id").toInteger();
        QTRY_VERIFY2_WITH_TIMEOUT(countMessage(*aliceA, id2) >= 1,
                                  "alice on node A did not receive bob's message from B", 10000);
        QTRY_VERIFY_WITH_TIMEOUT(countMessage(*aliceB, id2) >= 1, 10000);
        QVERIFY(id2 > id);

        // POST /chat/message on B (REST) reaches the sockets on A and B.
        const HttpResponse rest = c.http(B).post(u"/chat/message"_s,
                                                 {{u"receiver_id"_s, bob.id},
                                                  {u"content"_s, u"by REST on node B"_s},
                                                  {u"client_id"_s, u"live-3"_s}},
                                                 alice.token);
        CL_STATUS(rest, 201);
        const qint64 id3 = rest.object().value(u"id").toInteger();
        QTRY_VERIFY2_WITH_TIMEOUT(countMessage(*aliceA, id3) >= 1,
                                  "a message POSTed on B did not reach the sender on A", 10000);
        QTRY_VERIFY_WITH_TIMEOUT(countMessage(*aliceB, id3) >= 1, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(countMessage(*bobB, id3) >= 1, 10000);

        // Exactly once everywhere, and nothing for dave (on B and on A).
        QTest::qWait(2000);
        for (qint64 m : {id, id2, id3}) {
            QCOMPARE(countMessage(*aliceA, m), 1);
            QCOMPARE(countMessage(*aliceB, m), 1);
            QCOMPARE(countMessage(*bobB, m), 1);
        }
        QVERIFY2(chatMessages(*daveB).isEmpty(),
                 "a third user on node B received someone else's message");
        QVERIFY2(chatMessages(*daveA).isEmpty(),
                 "a third user on node A received someone else's message");
        for (WsClient *ws : {aliceA.get(), aliceB.get(), bobB.get(), daveB.get(), daveA.get()}) {
            QVERIFY2(ws->violations().isEmpty(), qPrintable(ws->violations().join(u"; "_s)));
            QVERIFY2(received(*ws, u"error"_s).isEmpty(), qPrintable(errorsOf(*ws)));
        }
    }

    // 2b. Order: alice (A) and carol (B) each send 200 messages to bob as fast as they can.
    // bob's sockets (on B and on A) get every message once, in sending order per
    // conversation, and ids increase across the whole stream (delivery in commit order).
    void orderAcrossNodes()
    {
        constexpr int perSender = 200;
        Cluster c;
        // No message rate limit here: the senders do not pace themselves.
        CL_START(c, {u"--messages-per-second"_s, u"1000000"_s});
        CL_USER(alice, c, u"alice"_s, A, A);
        CL_USER(bob, c, u"bob"_s, A, B);
        CL_USER(carol, c, u"carol"_s, A, B);
        CL_WS(aliceA, c, A, alice);
        CL_WS(carolB, c, B, carol);
        CL_WS(bobB, c, B, bob);
        CL_WS(bobA, c, A, bob);
        for (WsClient *ws : {aliceA.get(), carolB.get(), bobB.get(), bobA.get()})
            QVERIFY(ws->pingPong());

        QMap<qint64, QStringList> sentBySender;
        for (int i = 0; i < perSender; ++i) {
            const QString a = u"a-%1"_s.arg(i);
            const QString k = u"c-%1"_s.arg(i);
            sendChat(*aliceA, bob.id, u"alice #%1"_s.arg(i), a);
            sendChat(*carolB, bob.id, u"carol #%1"_s.arg(i), k);
            sentBySender[alice.id] << a;
            sentBySender[carol.id] << k;
        }
        QTRY_VERIFY2_WITH_TIMEOUT(acksOf(*aliceA).size() == perSender
                                          && acksOf(*carolB).size() == perSender,
                                  qPrintable(u"acks: alice %1, carol %2 of %3; errors: %4 / %5"_s
                                                     .arg(acksOf(*aliceA).size())
                                                     .arg(acksOf(*carolB).size())
                                                     .arg(perSender)
                                                     .arg(errorsOf(*aliceA), errorsOf(*carolB))),
                                  120000);
        QMap<QString, qint64> acked = acksOf(*aliceA);
        acked.insert(acksOf(*carolB));
        QCOMPARE(acked.size(), 2 * perSender);

        QTRY_VERIFY2_WITH_TIMEOUT(
                chatMessages(*bobB).size() >= 2 * perSender,
                qPrintable(u"bob on B received %1 of %2"_s.arg(chatMessages(*bobB).size())
                                   .arg(2 * perSender)),
                60000);
        QTRY_VERIFY2_WITH_TIMEOUT(
                chatMessages(*bobA).size() >= 2 * perSender,
                qPrintable(u"bob on A received %1 of %2"_s.arg(chatMessages(*bobA).size())
                                   .arg(2 * perSender)),
                60000);
        QTest::qWait(1500); // anything sent twice would show up now

        const QStringList onB = checkStream(chatMessages(*bobB), sentBySender, acked);
        QVERIFY2(onB.isEmpty(), qPrintable(u"bob's socket on node B: "_s + onB.join(u"\n"_s)));
        const QStringList onA = checkStream(chatMessages(*bobA), sentBySender, acked);
        QVERIFY2(onA.isEmpty(), qPrintable(u"bob's socket on node A: "_s + onA.join(u"\n"_s)));
        // Each sending socket gets its own 200 back, after their acks, in order, once.
        for (const TestUser *sender : {&alice, &carol}) {
            WsClient &ws = sender == &alice ? *aliceA : *carolB;
            QTRY_VERIFY2_WITH_TIMEOUT(
                    chatMessages(ws).size() >= perSender,
                    qPrintable(u"%1's sending socket received %2 of %3"_s.arg(sender->username)
                                       .arg(chatMessages(ws).size())
                                       .arg(perSender)),
                    60000);
            const QStringList own = checkStream(chatMessages(ws),
                                                {{sender->id, sentBySender.value(sender->id)}},
                                                acked)
                    + echoesBeforeAcks(ws);
            QVERIFY2(own.isEmpty(),
                     qPrintable(sender->username + u"'s sending socket: "_s + own.join(u"\n"_s)));
            QCOMPARE(chatMessages(ws).size(), perSender);
        }
        QCOMPARE(chatMessages(*bobB).size(), 2 * perSender);
        QCOMPARE(chatMessages(*bobA).size(), 2 * perSender);

        // The stored history agrees: 200 per conversation, in sending order.
        for (const TestUser *sender : {&alice, &carol}) {
            const QJsonArray history = c.wholeHistory(B, bob, sender->id);
            QCOMPARE(history.size(), perSender);
            QStringList order;
            for (const QJsonValue &m : history)
                order << m.toObject().value(u"client_id").toString();
            QCOMPARE(order, sentBySender.value(sender->id));
        }
        for (WsClient *ws : {aliceA.get(), carolB.get(), bobB.get(), bobA.get()})
            QVERIFY2(ws->violations().isEmpty(), qPrintable(ws->violations().join(u"; "_s)));
    }

    // 2c. One conversation, both directions at once: alice (A) and bob (B) each send 200
    // messages to the other. Every socket of both (the sending ones included, and their
    // second sockets on the other node) gets all 400 once, in increasing id order: within one
    // conversation ids grow in the order the server stored the messages (docs/protocol.md).
    void conversationOrderBothDirections()
    {
        constexpr int perSender = 200;
        Cluster c;
        CL_START(c, {u"--messages-per-second"_s, u"1000000"_s});
        CL_USER(alice, c, u"alice"_s, A, A);
        CL_USER(bob, c, u"bob"_s, A, B);
        CL_WS(aliceA, c, A, alice);
        CL_WS(aliceB, c, B, alice);
        CL_WS(bobB, c, B, bob);
        CL_WS(bobA, c, A, bob);
        for (WsClient *ws : {aliceA.get(), aliceB.get(), bobB.get(), bobA.get()})
            QVERIFY(ws->pingPong());

        QMap<qint64, QStringList> sentBySender;
        for (int i = 0; i < perSender; ++i) {
            const QString a = u"a-%1"_s.arg(i);
            const QString b = u"b-%1"_s.arg(i);
            sendChat(*aliceA, bob.id, u"alice #%1"_s.arg(i), a);
            sendChat(*bobB, alice.id, u"bob #%1"_s.arg(i), b);
            sentBySender[alice.id] << a;
            sentBySender[bob.id] << b;
        }
        QTRY_VERIFY2_WITH_TIMEOUT(acksOf(*aliceA).size() == perSender
                                          && acksOf(*bobB).size() == perSender,
                                  qPrintable(u"acks: alice %1, bob %2 of %3; errors: %4 / %5"_s
                                                     .arg(acksOf(*aliceA).size())
                                                     .arg(acksOf(*bobB).size())
                                                     .arg(perSender)
                                                     .arg(errorsOf(*aliceA), errorsOf(*bobB))),
                                  120000);
        QMap<QString, qint64> acked = acksOf(*aliceA);
        acked.insert(acksOf(*bobB));
        const QList<QPair<QString, WsClient *>> sockets{
                {u"alice's sending socket on A"_s, aliceA.get()},
                {u"alice's socket on B"_s, aliceB.get()},
                {u"bob's sending socket on B"_s, bobB.get()},
                {u"bob's socket on A"_s, bobA.get()}};
        for (const auto &[name, ws] : sockets)
            QTRY_VERIFY2_WITH_TIMEOUT(chatMessages(*ws).size() >= 2 * perSender,
                                      qPrintable(u"%1 received %2 of %3"_s.arg(name)
                                                         .arg(chatMessages(*ws).size())
                                                         .arg(2 * perSender)),
                                      60000);
        QTest::qWait(1500);
        QStringList problems;
        for (const auto &[name, ws] : sockets) {
            const QStringList p = checkStream(chatMessages(*ws), sentBySender, acked)
                    + echoesBeforeAcks(*ws);
            if (!p.isEmpty())
                problems << name + u":\n  "_s + p.join(u"\n  "_s);
            else if (chatMessages(*ws).size() != 2 * perSender)
                problems << u"%1 received %2 messages, expected %3"_s.arg(name)
                                    .arg(chatMessages(*ws).size())
                                    .arg(2 * perSender);
        }
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u"\n"_s)));
    }

    // 2d. A first message makes two users contacts: both are told the other is online ("to
    // both users when their first message creates a conversation while they are online",
    // docs/protocol.md). alice is on A; bob on A too (the control row) or on B.
    void newConversationAnnouncesPresence_data()
    {
        QTest::addColumn<int>("bobNode");
        QTest::addRow("both on node A") << int(A);
        QTest::addRow("alice on A, bob on B") << int(B);
    }
    void newConversationAnnouncesPresence()
    {
        QFETCH(int, bobNode);
        Cluster c;
        CL_START(c);
        CL_USER(alice, c, u"alice"_s, A, A);
        CL_USER(bob, c, u"bob"_s, A, B);
        CL_WS(aliceA, c, A, alice);
        CL_WS(bobWs, c, bobNode, bob);
        QVERIFY(aliceA->pingPong());
        QVERIFY(bobWs->pingPong());
        QTest::qWait(1000);
        QVERIFY2(statusesOf(*bobWs, alice.id).isEmpty() && statusesOf(*aliceA, bob.id).isEmpty(),
                 "users without a conversation were told about each other");

        sendChat(*aliceA, bob.id, u"nice to meet you"_s, u"first"_s);
        QTRY_VERIFY2_WITH_TIMEOUT(!ackFor(*aliceA, u"first"_s).isEmpty(),
                                  qPrintable(errorsOf(*aliceA)), 10000);
        QTRY_VERIFY2_WITH_TIMEOUT(
                hasStatus(*bobWs, alice.id, true),
                qPrintable(u"bob (node %1) was not told that alice (node A), who just wrote to him "
                           "first, is online"_s.arg(nodeName(bobNode))),
                10000);
        QTRY_VERIFY2_WITH_TIMEOUT(
                hasStatus(*aliceA, bob.id, true),
                qPrintable(
                        u"alice (node A) was not told that bob (node %1) is online after her first "
                        "message to him created their conversation; alice's user_status frames "
                        "about bob: %2"_s.arg(nodeName(bobNode),
                                              describeStatuses(*aliceA, bob.id))),
                10000);
    }

    // 3. Messages too large for one NOTIFY payload (8000 bytes) cross nodes intact and in
    // order with small ones around them.
    void largeMessagesCrossNodes()
    {
        Cluster c;
        CL_START(c);
        CL_USER(alice, c, u"alice"_s, A, A);
        CL_USER(bob, c, u"bob"_s, A, B);
        CL_WS(aliceA, c, A, alice);
        CL_WS(aliceB, c, B, alice);
        CL_WS(bobB, c, B, bob);
        for (WsClient *ws : {aliceA.get(), aliceB.get(), bobB.get()})
            QVERIFY(ws->pingPong());

        QList<QPair<QString, QString>> messages; // client id, content
        messages << qMakePair(u"small-1"_s, u"before the big one"_s);
        messages << qMakePair(u"big-60k"_s, bulkyText(60 * 1024, u"60k"_s));
        messages << qMakePair(u"small-2"_s, u"right after the big one"_s);
        messages << qMakePair(u"big-8100"_s, bulkyText(8100, u"8100"_s));
        messages << qMakePair(u"small-3"_s, u"after 8100"_s);
        messages << qMakePair(u"edge-7700"_s,
                              QString(7700, u'y')); // raw < 8000, with envelope > 7800
        messages << qMakePair(u"escapes"_s,
                              QString(3000, u'"') + QString(1000, u'\\') + QString(500, QChar(1)));
        messages << qMakePair(u"small-4"_s, u"the last one"_s);
        for (const auto &[clientId, content] : messages)
            sendChat(*aliceA, bob.id, content, clientId);
        QTRY_VERIFY2_WITH_TIMEOUT(acksOf(*aliceA).size() == messages.size(),
                                  qPrintable(errorsOf(*aliceA)), 20000);

        const auto checkReceived = [&](const WsClient &ws, const QString &who) -> QString {
            const QList<QJsonObject> got = chatMessages(ws);
            if (got.size() != messages.size())
                return u"%1 received %2 of %3 messages"_s.arg(who)
                        .arg(got.size())
                        .arg(messages.size());
            for (qsizetype i = 0; i < got.size(); ++i) {
                const QString clientId = got.at(i).value(u"client_id").toString();
                if (clientId != messages.at(i).first)
                    return u"%1: message %2 is %3, expected %4 (order)"_s.arg(who).arg(i).arg(
                            clientId, messages.at(i).first);
                const QString content = got.at(i).value(u"content").toString();
                if (content != messages.at(i).second)
                    return u"%1: %2 arrived altered (%3 UTF-8 bytes, sent %4)"_s.arg(who, clientId)
                            .arg(content.toUtf8().size())
                            .arg(messages.at(i).second.toUtf8().size());
                if (got.at(i).value(u"id").toInteger()
                    != ackFor(*aliceA, clientId).value(u"id").toInteger())
                    return u"%1: %2 arrived with another id than its ack's"_s.arg(who, clientId);
            }
            return {};
        };
        QTRY_VERIFY2_WITH_TIMEOUT(
                chatMessages(*bobB).size() >= messages.size(),
                qPrintable(u"bob on B got %1 of %2"_s.arg(chatMessages(*bobB).size())
                                   .arg(messages.size())),
                20000);
        QTRY_VERIFY_WITH_TIMEOUT(chatMessages(*aliceB).size() >= messages.size(), 20000);
        QTest::qWait(1000);
        QString problem = checkReceived(*bobB, u"bob on node B"_s);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        problem = checkReceived(*aliceB, u"alice's socket on node B"_s);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        problem = checkReceived(*aliceA, u"alice's sending socket on node A"_s);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));

        // By REST on A as well.
        const QString restContent = bulkyText(60 * 1024, u"rest"_s);
        const HttpResponse rest = c.http(A).post(u"/chat/message"_s,
                                                 {{u"receiver_id"_s, bob.id},
                                                  {u"content"_s, restContent},
                                                  {u"client_id"_s, u"big-rest"_s}},
                                                 alice.token);
        CL_STATUS(rest, 201);
        const qint64 restId = rest.object().value(u"id").toInteger();
        QTRY_VERIFY2_WITH_TIMEOUT(countMessage(*bobB, restId) == 1,
                                  "a 60 KiB message POSTed on A did not reach bob on B", 20000);
        QCOMPARE(messageWithId(*bobB, restId).value(u"content").toString(), restContent);

        // And the history read on B holds the same text.
        const QJsonArray history = c.wholeHistory(B, bob, alice.id);
        QCOMPARE(history.size(), messages.size() + 1);
        QCOMPARE(history.at(1).toObject().value(u"content").toString(), messages.at(1).second);
        for (WsClient *ws : {aliceA.get(), aliceB.get(), bobB.get()})
            QVERIFY2(ws->violations().isEmpty(), qPrintable(ws->violations().join(u"; "_s)));
    }

    // 4. Typing from A reaches B; read receipts cross nodes.
    void typingAndReceiptsCrossNodes()
    {
        Cluster c;
        CL_START(c);
        CL_USER(alice, c, u"alice"_s, A, A);
        CL_USER(bob, c, u"bob"_s, A, B);
        CL_WS(aliceA, c, A, alice);
        CL_WS(aliceB, c, B, alice);
        CL_WS(bobB, c, B, bob);
        for (WsClient *ws : {aliceA.get(), aliceB.get(), bobB.get()})
            QVERIFY(ws->pingPong());

        // Typing: alice on A -> bob on B.
        aliceA->sendFrame(u"typing_status"_s, {{u"receiver_id"_s, bob.id}, {u"is_typing"_s, true}});
        QJsonObject typing = bobB->waitForPayload(u"typing_status"_s, 10000);
        QVERIFY2(!typing.isEmpty(), "bob on node B did not get alice's typing_status from node A");
        QCOMPARE(typing.value(u"sender_id").toInteger(), alice.id);
        QCOMPARE(typing.value(u"user_id").toInteger(), alice.id);
        QCOMPARE(typing.value(u"receiver_id").toInteger(), bob.id);
        QCOMPARE(typing.value(u"is_typing").toBool(), true);
        aliceA->sendFrame(u"typing_status"_s,
                          {{u"receiver_id"_s, bob.id}, {u"is_typing"_s, false}});
        typing = bobB->waitForPayload(u"typing_status"_s, 10000);
        QVERIFY2(!typing.isEmpty(), "bob on node B did not get is_typing false from node A");
        QCOMPARE(typing.value(u"is_typing").toBool(), false);
        // Typing goes to the receiver only, not to the typist's socket on the other node.
        QVERIFY2(aliceB->expectNoFrame(u"typing_status"_s, 1000),
                 "the typist's own socket on B got her typing_status");

        // Two messages alice (A) -> bob (B).
        sendChat(*aliceA, bob.id, u"first"_s, u"r-1"_s);
        sendChat(*aliceA, bob.id, u"second"_s, u"r-2"_s);
        QTRY_VERIFY2_WITH_TIMEOUT(acksOf(*aliceA).size() == 2, qPrintable(errorsOf(*aliceA)),
                                  10000);
        const qint64 first = ackFor(*aliceA, u"r-1"_s).value(u"id").toInteger();
        const qint64 second = ackFor(*aliceA, u"r-2"_s).value(u"id").toInteger();
        const qint64 conversationId
                = ackFor(*aliceA, u"r-1"_s).value(u"conversation_id").toInteger();
        QTRY_VERIFY_WITH_TIMEOUT(countMessage(*bobB, second) == 1, 10000);

        // bob on B reads the first: alice on A (and on B) gets the read_receipt.
        bobB->sendFrame(u"read"_s, {{u"peer_id"_s, alice.id}, {u"message_id"_s, first}});
        QJsonObject receipt = aliceA->waitForPayload(u"read_receipt"_s, 10000);
        QVERIFY2(!receipt.isEmpty(),
                 "alice on node A did not get the read_receipt of bob's read on node B");
        QCOMPARE(receipt.value(u"reader_id").toInteger(), bob.id);
        QCOMPARE(receipt.value(u"peer_id").toInteger(), alice.id);
        QCOMPARE(receipt.value(u"message_id").toInteger(), first);
        QCOMPARE(receipt.value(u"conversation_id").toInteger(), conversationId);
        QCOMPARE(receipt.value(u"unread_count").toInteger(), 1);
        QVERIFY(fctest::isWireTime(receipt.value(u"read_at")));
        QVERIFY2(!aliceB->waitForPayload(u"read_receipt"_s, 10000).isEmpty(),
                 "alice's socket on B got no read_receipt");
        QVERIFY2(!bobB->waitForPayload(u"read_receipt"_s, 10000).isEmpty(),
                 "the reader's own socket got no read_receipt");

        // POST /chat/read on B marks the second: alice on A is told.
        CL_STATUS(c.http(B).post(u"/chat/read"_s,
                                 {{u"peer_id"_s, alice.id}, {u"message_id"_s, second}}, bob.token),
                  200);
        receipt = aliceA->waitForPayload(u"read_receipt"_s, 10000);
        QVERIFY2(!receipt.isEmpty(),
                 "alice on node A did not get the read_receipt of POST /chat/read on node B");
        QCOMPARE(receipt.value(u"message_id").toInteger(), second);
        QCOMPARE(receipt.value(u"unread_count").toInteger(), 0);

        // The receipt is in the database for every node: A shows both messages read.
        const QJsonArray history = c.wholeHistory(A, alice, bob.id);
        QCOMPARE(history.size(), 2);
        for (const QJsonValue &m : history)
            QVERIFY2(fctest::isWireTime(m.toObject().value(u"read_at")),
                     qPrintable(compact(m.toObject())));
        for (WsClient *ws : {aliceA.get(), aliceB.get(), bobB.get()})
            QVERIFY2(received(*ws, u"error"_s).isEmpty(), qPrintable(errorsOf(*ws)));
    }

    // 5. Presence across nodes: alice with sockets on A and B stays online until both close.
    void presenceWithSocketsOnBothNodes_data()
    {
        QTest::addColumn<int>("closeFirst");
        QTest::addRow("close A first") << int(A);
        QTest::addRow("close B first") << int(B);
    }
    void presenceWithSocketsOnBothNodes()
    {
        QFETCH(int, closeFirst);
        const int closeLast = closeFirst == A ? B : A;
        Cluster c;
        CL_START(c);
        CL_USER(alice, c, u"alice"_s, A, A);
        CL_USER(bob, c, u"bob"_s, A, B);
        // A conversation, so that bob is told about alice.
        CL_STATUS(c.http(A).post(u"/chat/message"_s,
                                 {{u"receiver_id"_s, bob.id}, {u"content"_s, u"hi"_s}},
                                 alice.token),
                  201);

        CL_WS(bobB, c, B, bob);
        QVERIFY(bobB->pingPong());
        std::array<std::unique_ptr<WsClient>, 2> alices;
        alices[A] = c.connect(A, alice);
        QVERIFY2(alices[A], qPrintable(c.error()));
        QTRY_VERIFY2_WITH_TIMEOUT(hasStatus(*bobB, alice.id, true),
                                  "bob on B was not told that alice came online on A", 15000);
        alices[B] = c.connect(B, alice);
        QVERIFY2(alices[B], qPrintable(c.error()));
        QVERIFY(alices[B]->pingPong());
        // A second socket is no news.
        QTest::qWait(2000);
        QVERIFY2(statusesOf(*bobB, alice.id).size() == 1,
                 qPrintable(u"alice's second socket changed her status for bob: "_s
                            + describeStatuses(*bobB, alice.id)));
        for (int n : {A, B}) {
            const QString path = u"/users/%1"_s.arg(alice.id);
            QTRY_VERIFY2_WITH_TIMEOUT(
                    c.http(n).get(path, bob.token).object().value(u"is_online").toBool(),
                    qPrintable(u"node %1 does not show alice online"_s.arg(nodeName(n))), 10000);
        }

        // One socket closes: she stays online (longer than a heartbeat).
        const qsizetype mark = bobB->log().size();
        alices[size_t(closeFirst)]->close();
        QTest::qWait(7000);
        QVERIFY2(!hasStatus(*bobB, alice.id, false, mark),
                 qPrintable(
                         u"alice went offline for bob although her socket on node %1 is open: %2"_s
                                 .arg(nodeName(closeLast), describeStatuses(*bobB, alice.id))));
        for (int n : {A, B})
            QVERIFY2(c.http(n)
                             .get(u"/users/%1"_s.arg(alice.id), bob.token)
                             .object()
                             .value(u"is_online")
                             .toBool(),
                     qPrintable(u"node %1 shows alice offline while one socket is open"_s.arg(
                             nodeName(n))));
        QVERIFY(alices[size_t(closeLast)]->pingPong());

        // The other closes: offline for bob, on both nodes.
        alices[size_t(closeLast)]->close();
        QTRY_VERIFY2_WITH_TIMEOUT(hasStatus(*bobB, alice.id, false, mark),
                                  qPrintable(u"bob was not told that alice went offline: "_s
                                             + describeStatuses(*bobB, alice.id)),
                                  15000);
        QJsonObject offline;
        for (const QJsonObject &s : statusesOf(*bobB, alice.id, mark))
            offline = s;
        QCOMPARE(offline.value(u"is_online").toBool(), false);
        QVERIFY2(fctest::isWireTime(offline.value(u"last_seen")), qPrintable(compact(offline)));
        QCOMPARE(statusesOf(*bobB, alice.id, mark).size(), 1);
        for (int n : {A, B}) {
            const QString path = u"/users/%1"_s.arg(alice.id);
            QTRY_VERIFY2_WITH_TIMEOUT(
                    !c.http(n).get(path, bob.token).object().value(u"is_online").toBool(true),
                    qPrintable(u"node %1 still shows alice online"_s.arg(nodeName(n))), 10000);
        }
    }

    // 6. Revocation crosses nodes: logout on A closes the session's sockets on B (1008) and
    // its token stops working on B; a user deleted on A loses their sockets on B.
    void revocationCrossesNodes()
    {
        Cluster c;
        CL_START(c);
        CL_USER(alice, c, u"alice"_s, A, A); // session 1, from A
        TestUser alice2 = alice;
        QVERIFY2(c.login(alice2, B), qPrintable(c.error())); // session 2, from B
        CL_USER(dave, c, u"dave"_s, A, A);

        CL_WS(session1OnB, c, B, alice.token);
        CL_WS(session1OnA, c, A, alice.token);
        CL_WS(session2OnB, c, B, alice2.token);
        CL_WS(daveB, c, B, dave);
        for (WsClient *ws : {session1OnB.get(), session1OnA.get(), session2OnB.get(), daveB.get()})
            QVERIFY(ws->pingPong());

        CL_STATUS(c.http(A).post(u"/auth/logout"_s, {}, alice.token), 200);
        QVERIFY2(session1OnB->waitForClosed(10000),
                 "after logout on A, the session's socket on B is still open");
        QCOMPARE(session1OnB->closeCode(), 1008);
        QVERIFY2(session1OnA->waitForClosed(10000),
                 "after logout on A, the session's socket on A is still open");
        QCOMPARE(session1OnA->closeCode(), 1008);
        QTRY_VERIFY2_WITH_TIMEOUT(c.http(B).get(u"/users/me"_s, alice.token).status == 401,
                                  "the logged-out access token still works on node B", 10000);
        CL_STATUS(c.http(B).post(u"/auth/refresh"_s, {{u"refresh_token"_s, alice.refreshToken}}),
                  401);
        QCOMPARE(WsClient::upgradeStatus(c.node(B).baseUrl(), u"/ws"_s,
                                         {{"Authorization", "Bearer " + alice.token.toUtf8()}}),
                 401);
        // The other session lives on.
        QVERIFY2(session2OnB->pingPong(),
                 "logging out one session closed another session's socket");
        CL_STATUS(c.http(B).get(u"/users/me"_s, alice2.token), 200);
        CL_STATUS(c.http(A).get(u"/users/me"_s, alice2.token), 200);

        // dave deletes his account on A: his socket on B closes, his token fails on B.
        CL_STATUS(c.http(A).del(u"/users/%1"_s.arg(dave.id), dave.token), 200);
        QVERIFY2(daveB->waitForClosed(10000),
                 "the socket on B of a user deleted on A is still open");
        QCOMPARE(daveB->closeCode(), 1008);
        QTRY_VERIFY2_WITH_TIMEOUT(c.http(B).get(u"/users/me"_s, dave.token).status == 401,
                                  "a deleted user's token still works on node B", 10000);
        QCOMPARE(WsClient::upgradeStatus(c.node(B).baseUrl(), u"/ws"_s,
                                         {{"Authorization", "Bearer " + dave.token.toUtf8()}}),
                 401);
        QVERIFY(session2OnB->pingPong());

        // alice is disabled from the command line, on the database alone: both nodes follow
        // the revocation log, so her remaining session's sockets on A and B close.
        CL_WS(session2OnA, c, A, alice2.token);
        QVERIFY(session2OnA->pingPong());
        QTemporaryDir cliDir;
        QVERIFY(cliDir.isValid());
        const fcadmin::CliResult disable = fcadmin::runCli(
                {u"user"_s, u"disable"_s, u"alice"_s, u"--database"_s, c.databaseUrl(),
                 u"--data-dir"_s, cliDir.path(), u"--password-cost"_s, u"min"_s});
        FC_EXIT(disable, 0);
        QVERIFY2(session2OnB->waitForClosed(10000),
                 "the socket on B of a user disabled from the command line is still open");
        QCOMPARE(session2OnB->closeCode(), 1008);
        QVERIFY2(session2OnA->waitForClosed(10000),
                 "the socket on A of a user disabled from the command line is still open");
        QCOMPARE(session2OnA->closeCode(), 1008);
        for (int n : {A, B})
            QTRY_VERIFY2_WITH_TIMEOUT(
                    c.http(n).get(u"/users/me"_s, alice2.token).status == 401,
                    qPrintable(
                            u"a disabled user's token still works on node %1"_s.arg(nodeName(n))),
                    10000);
    }

    // 7. kill -9 one node under traffic. alice (on A) sends to bob (on B) continuously; A is
    // killed. bob sees alice go offline; alice reconnects to B, resumes from the highest id
    // she had seen and re-sends what was not acknowledged with the same client_ids. bob's
    // history then holds every message once, and bob received every message once.
    void killNodeUnderTraffic()
    {
        Cluster c;
        CL_START(c, {u"--messages-per-second"_s, u"1000000"_s});
        CL_USER(alice, c, u"alice"_s, A, A);
        CL_USER(bob, c, u"bob"_s, A, B);
        // A conversation, so that bob is told about alice's presence.
        const HttpResponse hello = c.http(B).post(
                u"/chat/message"_s, {{u"receiver_id"_s, alice.id}, {u"content"_s, u"hello"_s}},
                bob.token);
        CL_STATUS(hello, 201);

        CL_WS(bobB, c, B, bob);
        QVERIFY(bobB->pingPong());
        CL_WS(aliceA, c, A, alice);
        QTRY_VERIFY2_WITH_TIMEOUT(hasStatus(*bobB, alice.id, true),
                                  "bob on B was not told that alice is online on A", 15000);

        // Continuous traffic: a few messages every 5 ms.
        QStringList sent;
        QHash<QString, QString> contentOf;
        int next = 0;
        const auto burst = [&](int n) {
            for (int i = 0; i < n; ++i) {
                const QString id = u"k-%1"_s.arg(next++);
                const QString content = u"message %1 from alice"_s.arg(id);
                sent << id;
                contentOf.insert(id, content);
                sendChat(*aliceA, bob.id, content, id);
            }
        };
        QTimer pump;
        pump.setInterval(5);
        QObject::connect(&pump, &QTimer::timeout, [&] {
            if (aliceA->isOpen())
                burst(3);
        });
        pump.start();
        QTRY_VERIFY2_WITH_TIMEOUT(
                acksOf(*aliceA).size() >= 150,
                qPrintable(u"only %1 acks; errors: %2"_s.arg(acksOf(*aliceA).size())
                                   .arg(errorsOf(*aliceA))),
                60000);
        QTRY_VERIFY_WITH_TIMEOUT(!chatMessages(*bobB).isEmpty(), 10000); // traffic is flowing to B

        // kill -9 node A while alice sends: two bursts go out just before, the first with
        // time for node A to work on it (commits whose ack may never arrive), the second
        // right before the kill (received or not, never acknowledged).
        pump.stop();
        burst(100);
        QThread::msleep(10); // this side reads nothing meanwhile
        burst(100);
        const qsizetype bobMark = bobB->log().size();
        QElapsedTimer sinceKill;
        sinceKill.start();
        c.node(A).kill();
        QVERIFY(!c.node(A).isRunning());
        QVERIFY2(aliceA->waitForClosed(10000), "alice's socket on the killed node did not close");

        const QMap<QString, qint64> ackedOnA = acksOf(*aliceA);
        qint64 highestSeen = 0;
        for (const qint64 id : ackedOnA)
            highestSeen = std::max(highestSeen, id);
        for (const QJsonObject &m : chatMessages(*aliceA))
            highestSeen = std::max(highestSeen, m.value(u"id").toInteger());
        QStringList unacked;
        for (const QString &id : std::as_const(sent))
            if (!ackedOnA.contains(id))
                unacked << id;
        qInfo().noquote()
                << u"killed node A after %1 messages sent, %2 acknowledged (highest id seen %3)"_s
                           .arg(sent.size())
                           .arg(ackedOnA.size())
                           .arg(highestSeen);

        // bob on B sees alice go offline (the bound is 30 s; we wait up to 45 s).
        QTRY_VERIFY2_WITH_TIMEOUT(
                hasStatus(*bobB, alice.id, false, bobMark),
                qPrintable(
                        u"45 s after kill -9 of node A, bob has not seen alice go offline; statuses: "_s
                        + describeStatuses(*bobB, alice.id)),
                45000);
        qInfo().noquote() << u"bob saw alice offline %1 ms after the kill"_s.arg(
                sinceKill.elapsed());
        // No flapping: nothing but that one offline since the kill.
        QTest::qWait(2000);
        QVERIFY2(statusesOf(*bobB, alice.id, bobMark).size() == 1,
                 qPrintable(u"alice's statuses for bob after the kill: "_s
                            + describeStatuses(*bobB, alice.id)));

        // alice reconnects to B (bob sees her online again) and resumes from the highest id
        // she had seen.
        CL_WS(aliceB, c, B, alice);
        QTRY_VERIFY2_WITH_TIMEOUT(
                statusesOf(*bobB, alice.id, bobMark).size() >= 2
                        && statusesOf(*bobB, alice.id, bobMark).last().value(u"is_online").toBool(),
                qPrintable(u"bob was not told that alice is back online on B: "_s
                           + describeStatuses(*bobB, alice.id)),
                10000);
        aliceB->sendFrame(u"resume"_s, {{u"last_message_id"_s, highestSeen}});
        QTRY_VERIFY2_WITH_TIMEOUT(!received(*aliceB, u"resume_done"_s).isEmpty(),
                                  qPrintable(u"no resume_done on B: "_s + errorsOf(*aliceB)),
                                  20000);
        QList<QJsonObject> resumed;
        for (const QJsonObject &frame : aliceB->log()) {
            if (frame.value(u"type").toString() == u"resume_done")
                break;
            if (frame.value(u"type").toString() == u"chat_message")
                resumed << frame.value(u"payload").toObject();
        }
        QHash<QString, qint64>
                resumedIds; // client_id -> id of alice's messages committed without an ack
        qint64 previous = highestSeen;
        for (const QJsonObject &m : std::as_const(resumed)) {
            const qint64 id = m.value(u"id").toInteger();
            QVERIFY2(id > previous,
                     qPrintable(u"resume sent id %1 after %2"_s.arg(id).arg(previous)));
            previous = id;
            if (m.value(u"sender_id").toInteger() == alice.id)
                resumedIds.insert(m.value(u"client_id").toString(), id);
        }
        const QJsonObject done = received(*aliceB, u"resume_done"_s).first();
        QCOMPARE(done.value(u"count").toInteger(), resumed.size());
        for (auto it = resumedIds.cbegin(); it != resumedIds.cend(); ++it)
            QVERIFY2(unacked.contains(it.key()),
                     qPrintable(u"resume returned %1, which alice had an ack for (or never sent)"_s
                                        .arg(it.key())));

        // Re-send everything without an ack, with the same client_ids.
        for (const QString &id : std::as_const(unacked))
            sendChat(*aliceB, bob.id, contentOf.value(id), id);
        const auto missingAcks = [&] {
            const QMap<QString, qint64> acks = acksOf(*aliceB);
            int n = 0;
            for (const QString &id : std::as_const(unacked))
                n += !acks.contains(id);
            return n;
        };
        QTRY_VERIFY2_WITH_TIMEOUT(
                missingAcks() == 0,
                qPrintable(
                        u"%1 of %2 re-sent messages without an ack; errors: %3"_s.arg(missingAcks())
                                .arg(unacked.size())
                                .arg(errorsOf(*aliceB))),
                30000);
        QMap<QString, qint64> acked = ackedOnA;
        const QMap<QString, qint64> ackedOnB = acksOf(*aliceB);
        for (const QString &id : std::as_const(unacked)) {
            acked.insert(id, ackedOnB.value(id));
            if (resumedIds.contains(id))
                QVERIFY2(
                        ackedOnB.value(id) == resumedIds.value(id),
                        qPrintable(
                                u"%1 was committed as %2 before the kill, but its re-send was acknowledged as %3"_s
                                        .arg(id)
                                        .arg(resumedIds.value(id))
                                        .arg(ackedOnB.value(id))));
        }
        QCOMPARE(acked.size(), sent.size());

        // bob's history: every acknowledged message exactly once, nothing twice.
        const QJsonArray history = c.wholeHistory(B, bob, alice.id);
        QVERIFY2(!history.isEmpty(), qPrintable(c.error()));
        QHash<QString, int> byClientId;
        QHash<qint64, int> byId;
        QSet<qint64> historyIds;
        QStringList problems;
        for (const QJsonValue &v : history) {
            const QJsonObject m = v.toObject();
            if (m.value(u"sender_id").toInteger() != alice.id)
                continue;
            const QString clientId = m.value(u"client_id").toString();
            const qint64 id = m.value(u"id").toInteger();
            if (++byId[id] == 2)
                problems << u"id %1 twice in the history"_s.arg(id);
            if (++byClientId[clientId] == 2)
                problems << u"client_id %1 stored twice"_s.arg(clientId);
            if (!acked.contains(clientId))
                problems << u"%1 (id %2) in the history was never acknowledged"_s.arg(clientId).arg(
                        id);
            else if (acked.value(clientId) != id)
                problems << u"%1 is stored as %2 but was acknowledged as %3"_s.arg(clientId)
                                    .arg(id)
                                    .arg(acked.value(clientId));
            if (m.value(u"content").toString() != contentOf.value(clientId))
                problems << u"%1 stored with other content"_s.arg(clientId);
            historyIds.insert(id);
        }
        for (auto it = acked.cbegin(); it != acked.cend(); ++it)
            if (!byClientId.contains(it.key()))
                problems << u"acknowledged %1 (id %2) is missing from the history"_s.arg(it.key())
                                    .arg(it.value());
        QVERIFY2(problems.isEmpty(), qPrintable(problems.mid(0, 30).join(u"\n"_s)));

        // bob received each message exactly once, live or (for anything he missed) by resume.
        const auto bobIds = [&] {
            QSet<qint64> ids;
            for (const QJsonObject &m : chatMessages(*bobB))
                if (m.value(u"sender_id").toInteger() == alice.id)
                    ids.insert(m.value(u"id").toInteger());
            return ids;
        };
        QTRY_VERIFY_WITH_TIMEOUT(bobIds().contains(historyIds), 10000);
        qint64 bobHighest = 0;
        for (const QJsonObject &m : chatMessages(*bobB))
            bobHighest = std::max(bobHighest, m.value(u"id").toInteger());
        const qsizetype beforeResume = received(*bobB, u"resume_done"_s).size();
        bobB->sendFrame(u"resume"_s, {{u"last_message_id"_s, bobHighest}});
        QTRY_VERIFY_WITH_TIMEOUT(received(*bobB, u"resume_done"_s).size() > beforeResume, 20000);
        QTest::qWait(1000);
        QHash<qint64, int> bobCount;
        for (const QJsonObject &m : chatMessages(*bobB))
            if (m.value(u"sender_id").toInteger() == alice.id)
                ++bobCount[m.value(u"id").toInteger()];
        problems.clear();
        for (auto it = bobCount.cbegin(); it != bobCount.cend(); ++it) {
            if (it.value() > 1)
                problems << u"bob received message %1 %2 times"_s.arg(it.key()).arg(it.value());
            if (!historyIds.contains(it.key()))
                problems << u"bob received message %1, which is not in the history"_s.arg(it.key());
        }
        for (const qint64 id : std::as_const(historyIds))
            if (!bobCount.contains(id))
                problems << u"bob never received message %1"_s.arg(id);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.mid(0, 30).join(u"\n"_s)));
        qInfo().noquote()
                << u"%1 messages, %2 re-sent after the kill (%3 of them had been committed without an ack)"_s
                           .arg(acked.size())
                           .arg(unacked.size())
                           .arg(resumedIds.size());
    }

    // 7b. A node dies and its user reconnects to the other node at once (as clients do):
    // she never goes offline for her contacts, also when the dead node is swept (20 s of
    // silence), and goes offline once her last socket closes.
    void nodeDeathWithQuickReconnectDoesNotFlap()
    {
        Cluster c;
        CL_START(c);
        CL_USER(alice, c, u"alice"_s, A, A);
        CL_USER(bob, c, u"bob"_s, A, B);
        CL_STATUS(c.http(B).post(u"/chat/message"_s,
                                 {{u"receiver_id"_s, alice.id}, {u"content"_s, u"hello"_s}},
                                 bob.token),
                  201);
        CL_WS(bobB, c, B, bob);
        QVERIFY(bobB->pingPong());
        CL_WS(aliceA, c, A, alice);
        QTRY_VERIFY2_WITH_TIMEOUT(hasStatus(*bobB, alice.id, true),
                                  "bob on B was not told that alice is online on A", 15000);

        const qsizetype mark = bobB->log().size();
        c.node(A).kill();
        QVERIFY(aliceA->waitForClosed(10000));
        CL_WS(aliceB, c, B, alice);
        QVERIFY(aliceB->pingPong());
        // Past the point where node A counts as dead (20 s without a heartbeat) and is swept.
        QTest::qWait(30000);
        QVERIFY2(!hasStatus(*bobB, alice.id, false, mark),
                 qPrintable(
                         u"alice, back on node B right after node A died, went offline for bob: "_s
                         + describeStatuses(*bobB, alice.id)));
        QVERIFY2(c.http(B)
                         .get(u"/users/%1"_s.arg(alice.id), bob.token)
                         .object()
                         .value(u"is_online")
                         .toBool(),
                 "node B shows alice offline while her socket on B is open");
        QVERIFY(aliceB->pingPong());

        aliceB->close();
        QTRY_VERIFY2_WITH_TIMEOUT(hasStatus(*bobB, alice.id, false, mark),
                                  qPrintable(u"bob was not told that alice went offline: "_s
                                             + describeStatuses(*bobB, alice.id)),
                                  15000);
    }

    // 7c. Every node loses its PostgreSQL connections (all backends of the database are
    // terminated, as in a database restart). Notifications sent while a node's listener
    // was down cannot be replayed, so each node closes its sockets with 1001 and its clients
    // resume: nothing is lost or doubled, and live delivery works again in both directions.
    // With NATS the bus does not go through the database: the sockets stay open, and what
    // is sent once the database is back arrives live, once.
    void databaseConnectionsLostThenResume()
    {
        Cluster c;
        CL_START(c);
        CL_USER(alice, c, u"alice"_s, A, A);
        CL_USER(bob, c, u"bob"_s, A, B);
        CL_WS(aliceA, c, A, alice);
        CL_WS(bobB, c, B, bob);
        sendChat(*aliceA, bob.id, u"before"_s, u"m-0"_s);
        QTRY_VERIFY2_WITH_TIMEOUT(!ackFor(*aliceA, u"m-0"_s).isEmpty(),
                                  qPrintable(errorsOf(*aliceA)), 10000);
        const qint64 first = ackFor(*aliceA, u"m-0"_s).value(u"id").toInteger();
        QTRY_VERIFY_WITH_TIMEOUT(countMessage(*bobB, first) == 1, 10000);

        const QString database = QUrl(c.databaseUrl()).path().mid(1);
        const QString killed = execAdminSql(
                u"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '%1'"
                " AND pid <> pg_backend_pid()"_s.arg(database));
        QVERIFY2(killed.isEmpty(), qPrintable(killed));

        // Each node must notice (its listener checks every 2 s) and close its sockets with
        // 1001. When a socket stays open, the failure says whether live delivery still works
        // over it (or whether messages now silently stop arriving).
        const auto diagnose = [&](WsClient &sender, qint64 receiverId, WsClient &receiver,
                                  const QString &clientId) {
            if (!sender.isOpen() || !receiver.isOpen())
                return u"(a socket closed meanwhile)"_s;
            sendChat(sender, receiverId, u"sent after the connections were lost"_s, clientId);
            (void)QTest::qWaitFor([&] { return !ackFor(sender, clientId).isEmpty(); }, 15000);
            const QJsonObject ack = ackFor(sender, clientId);
            if (ack.isEmpty())
                return u"a message sent afterwards got no ack: %1"_s.arg(errorsOf(sender));
            const qint64 id = ack.value(u"id").toInteger();
            (void)QTest::qWaitFor([&] { return countMessage(receiver, id) > 0; }, 10000);
            return countMessage(receiver, id) > 0
                    ? u"a message sent afterwards (id %1) was still delivered live"_s.arg(id)
                    : u"a message sent afterwards (id %1, acknowledged) never reached the "
                      "receiver's open socket within 10 s: the node no longer receives cluster "
                      "events"_s.arg(id);
        };
        std::unique_ptr<WsClient> aliceA2;
        WsClient *aliceSender = aliceA.get();
        if (!natsMode()) {
            if (!bobB->waitForClosed(20000))
                QFAIL(qPrintable(
                        u"node B kept bob's socket open for 20 s after losing its database "
                        "connections (no 1001); "_s
                        + diagnose(*aliceA, bob.id, *bobB, u"diag-1"_s)));
            QCOMPARE(bobB->closeCode(), 1001);
            if (!aliceA->waitForClosed(20000))
                QFAIL("node A kept alice's socket open for 20 s after losing its database "
                      "connections (no 1001)");
            QCOMPARE(aliceA->closeCode(), 1001);
        }
        for (int n : {A, B})
            QTRY_VERIFY2_WITH_TIMEOUT(
                    c.http(n).get(u"/healthz"_s).status == 200,
                    qPrintable(u"node %1 did not get its database back"_s.arg(nodeName(n))), 20000);
        if (natsMode()) {
            QVERIFY2(aliceA->isOpen() && bobB->isOpen(),
                     qPrintable(u"with NATS, losing the database connections closed a socket "
                                "(code %1)"_s.arg(aliceA->isOpen() ? bobB->closeCode()
                                                                   : aliceA->closeCode())));
        } else {
            // alice reconnects to A.
            aliceA2 = c.connect(A, alice);
            QVERIFY2(aliceA2, qPrintable(c.error()));
            aliceSender = aliceA2.get();
        }

        // alice sends (re-sending what gets `unavailable`, same client_id).
        QStringList ids;
        for (int i = 1; i <= 5; ++i) {
            ids << u"m-%1"_s.arg(i);
            sendChat(*aliceSender, bob.id, u"while bob was away %1"_s.arg(i), ids.last());
        }
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < 30000) {
            const QMap<QString, qint64> acks = acksOf(*aliceSender);
            QStringList missing;
            for (const QString &id : std::as_const(ids))
                if (!acks.contains(id))
                    missing << id;
            if (missing.isEmpty())
                break;
            QSet<QString> refused;
            for (const QJsonObject &e : received(*aliceSender, u"error"_s))
                if (e.value(u"code").toString() == u"unavailable")
                    refused.insert(e.value(u"client_id").toString());
            aliceSender->clearQueue();
            for (const QString &id : std::as_const(missing))
                if (refused.contains(id))
                    sendChat(*aliceSender, bob.id, u"while bob was away %1"_s.arg(id.mid(2)), id);
            QTest::qWait(500);
        }
        const QMap<QString, qint64> acks = acksOf(*aliceSender);
        for (const QString &id : std::as_const(ids))
            QVERIFY2(acks.contains(id),
                     qPrintable(u"%1 never acknowledged: "_s.arg(id) + errorsOf(*aliceSender)));

        std::unique_ptr<WsClient> bobB2;
        WsClient *bobReceiver = bobB.get();
        if (natsMode()) {
            // bob's socket stayed open: each message arrives live, once.
            for (const QString &id : std::as_const(ids))
                QTRY_VERIFY2_WITH_TIMEOUT(
                        countMessage(*bobB, acks.value(id)) == 1,
                        qPrintable(u"bob got %1 (id %2) %3 times live"_s.arg(id)
                                           .arg(acks.value(id))
                                           .arg(countMessage(*bobB, acks.value(id)))),
                        10000);
        } else {
            // bob reconnects to B and resumes: each message once.
            bobB2 = c.connect(B, bob);
            QVERIFY2(bobB2, qPrintable(c.error()));
            bobReceiver = bobB2.get();
            bobB2->sendFrame(u"resume"_s, {{u"last_message_id"_s, first}});
            QTRY_VERIFY2_WITH_TIMEOUT(!received(*bobB2, u"resume_done"_s).isEmpty(),
                                      qPrintable(errorsOf(*bobB2)), 20000);
            for (const QString &id : std::as_const(ids))
                QVERIFY2(countMessage(*bobB2, acks.value(id)) == 1,
                         qPrintable(u"bob got %1 (id %2) %3 times by resume"_s.arg(id)
                                            .arg(acks.value(id))
                                            .arg(countMessage(*bobB2, acks.value(id)))));
        }
        // Then live traffic both ways.
        sendChat(*aliceSender, bob.id, u"live again"_s, u"m-6"_s);
        QTRY_VERIFY2_WITH_TIMEOUT(!ackFor(*aliceSender, u"m-6"_s).isEmpty(),
                                  qPrintable(errorsOf(*aliceSender)), 10000);
        QTRY_VERIFY2_WITH_TIMEOUT(
                countMessage(*bobReceiver, ackFor(*aliceSender, u"m-6"_s).value(u"id").toInteger())
                        == 1,
                "after the reconnect, a message from A no longer reaches B live", 10000);
        // (With NATS, node B's writer meets its lost connection only now: `unavailable`
        // once, and the client re-sends with the same client_id, as the protocol says.)
        sendChat(*bobReceiver, alice.id, u"and back"_s, u"n-1"_s);
        qsizetype errorsSeen = received(*bobReceiver, u"error"_s).size();
        for (int attempt = 0; attempt < 20 && ackFor(*bobReceiver, u"n-1"_s).isEmpty(); ++attempt) {
            (void)QTest::qWaitFor(
                    [&] {
                        return !ackFor(*bobReceiver, u"n-1"_s).isEmpty()
                                || received(*bobReceiver, u"error"_s).size() > errorsSeen;
                    },
                    2000);
            const qsizetype errors = received(*bobReceiver, u"error"_s).size();
            if (ackFor(*bobReceiver, u"n-1"_s).isEmpty() && errors > errorsSeen) {
                errorsSeen = errors;
                sendChat(*bobReceiver, alice.id, u"and back"_s, u"n-1"_s);
            }
        }
        QTRY_VERIFY2_WITH_TIMEOUT(!ackFor(*bobReceiver, u"n-1"_s).isEmpty(),
                                  qPrintable(errorsOf(*bobReceiver)), 10000);
        QTRY_VERIFY2_WITH_TIMEOUT(
                countMessage(*aliceSender, ackFor(*bobReceiver, u"n-1"_s).value(u"id").toInteger())
                        == 1,
                "after the reconnect, a message from B no longer reaches A live", 10000);
        QCOMPARE(c.wholeHistory(B, bob, alice.id).size(), 8);
    }

    // 7d. NATS only: the nats-server is killed while alice sends, and started again on the
    // same port. Events published meanwhile never reached the other node; each node
    // reconnects by itself and closes its sockets with 1001, and the clients resume (on the
    // other node this time): nothing lost or doubled, live delivery again both ways.
    // Before that, `config check` describes the NATS mode and finds the server.
    void natsServerRestart()
    {
        if (!natsMode())
            QSKIP("NATS mode only (ctest cluster.two_nodes_nats)");
        Cluster c;
        CL_START(c);
        QTemporaryDir checkDir;
        QVERIFY(checkDir.isValid());
        const fcadmin::CliResult check = fcadmin::runCli(
                {u"config"_s, u"check"_s, u"--data-dir"_s, checkDir.path(), u"--database"_s,
                 c.databaseUrl(), u"--cluster"_s, c.clusterArg()},
                {}, {}, 30000);
        FC_EXIT(check, 0);
        QVERIFY2(check.outText().contains(u"cluster: nats"_s)
                         && check.outText().contains(c.clusterArg())
                         && check.outText().contains(u"nats: reachable"_s),
                 qPrintable(check.describe()));

        CL_USER(alice, c, u"alice"_s, A, A);
        CL_USER(bob, c, u"bob"_s, A, B);
        CL_WS(aliceA, c, A, alice);
        CL_WS(bobB, c, B, bob);
        sendChat(*aliceA, bob.id, u"before"_s, u"m-0"_s);
        QTRY_VERIFY2_WITH_TIMEOUT(!ackFor(*aliceA, u"m-0"_s).isEmpty(),
                                  qPrintable(errorsOf(*aliceA)), 10000);
        const qint64 first = ackFor(*aliceA, u"m-0"_s).value(u"id").toInteger();
        QTRY_VERIFY_WITH_TIMEOUT(countMessage(*bobB, first) == 1, 10000);

        c.nats()->kill();
        // The database is up: messages are stored and acknowledged while NATS is away.
        const QStringList ids{u"m-1"_s, u"m-2"_s, u"m-3"_s};
        for (const QString &id : ids)
            sendChat(*aliceA, bob.id, u"while NATS was down "_s + id, id);
        for (const QString &id : ids)
            QTRY_VERIFY2_WITH_TIMEOUT(
                    !ackFor(*aliceA, id).isEmpty(),
                    qPrintable(id + u" never acknowledged: "_s + errorsOf(*aliceA)), 15000);
        const QMap<QString, qint64> acks = acksOf(*aliceA);
        QVERIFY2(c.nats()->start(), qPrintable(c.nats()->errorString()));

        // Each node reconnects and tells its clients to resume.
        QVERIFY2(bobB->waitForClosed(30000),
                 "node B kept bob's socket open for 30 s after NATS came back (no 1001)");
        QCOMPARE(bobB->closeCode(), 1001);
        QVERIFY2(aliceA->waitForClosed(30000),
                 "node A kept alice's socket open for 30 s after NATS came back (no 1001)");
        QCOMPARE(aliceA->closeCode(), 1001);

        // Each resumes on the other node: bob from the last message he had.
        CL_WS(bobA, c, A, bob);
        bobA->sendFrame(u"resume"_s, {{u"last_message_id"_s, first}});
        QTRY_VERIFY2_WITH_TIMEOUT(!received(*bobA, u"resume_done"_s).isEmpty(),
                                  qPrintable(errorsOf(*bobA)), 20000);
        CL_WS(aliceB, c, B, alice);
        aliceB->sendFrame(u"resume"_s, {{u"last_message_id"_s, acks.value(u"m-3"_s)}});
        QTRY_VERIFY2_WITH_TIMEOUT(!received(*aliceB, u"resume_done"_s).isEmpty(),
                                  qPrintable(errorsOf(*aliceB)), 20000);
        QTest::qWait(3000); // a late delivery through the bus (its tail check is every 2 s)
        for (const QString &id : ids)
            QVERIFY2(countMessage(*bobA, acks.value(id)) == 1,
                     qPrintable(u"bob got %1 (id %2) %3 times"_s.arg(id)
                                        .arg(acks.value(id))
                                        .arg(countMessage(*bobA, acks.value(id)))));
        QCOMPARE(chatMessages(*aliceB).size(), 0);

        // Live again, both ways, once.
        sendChat(*aliceB, bob.id, u"live again"_s, u"m-4"_s);
        QTRY_VERIFY2_WITH_TIMEOUT(!ackFor(*aliceB, u"m-4"_s).isEmpty(),
                                  qPrintable(errorsOf(*aliceB)), 10000);
        const qint64 again = ackFor(*aliceB, u"m-4"_s).value(u"id").toInteger();
        QTRY_VERIFY2_WITH_TIMEOUT(countMessage(*bobA, again) == 1,
                                  "after NATS came back, a message from B does not reach A live",
                                  10000);
        sendChat(*bobA, alice.id, u"and back"_s, u"n-1"_s);
        QTRY_VERIFY2_WITH_TIMEOUT(!ackFor(*bobA, u"n-1"_s).isEmpty(), qPrintable(errorsOf(*bobA)),
                                  10000);
        const qint64 back = ackFor(*bobA, u"n-1"_s).value(u"id").toInteger();
        QTRY_VERIFY2_WITH_TIMEOUT(countMessage(*aliceB, back) == 1,
                                  "after NATS came back, a message from A does not reach B live",
                                  10000);
        QTest::qWait(500);
        QCOMPARE(countMessage(*bobA, again), 1);
        QCOMPARE(countMessage(*aliceB, back), 1);
        QCOMPARE(c.wholeHistory(B, bob, alice.id).size(), 6);
    }

    // 8. What must be refused: a second node on the same SQLite data folder (clear message,
    // non-zero exit), cluster mode without PostgreSQL (exit code 2, naming the key), and a
    // --cluster value that is neither postgres nor a NATS address.
    void refusedConfigurations()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QStringList sqliteServe{u"serve"_s,      u"--listen"_s, u"127.0.0.1:0"_s,
                                      u"--data-dir"_s, dir.path(),    u"--password-cost"_s,
                                      u"min"_s};
        fcadmin::ServerRun first;
        QVERIFY2(first.start(sqliteServe), qPrintable(first.errorString()));
        const fcadmin::CliResult second = fcadmin::runCli(sqliteServe, {}, {}, 30000);
        QVERIFY2(second.finished && second.exitStatus == QProcess::NormalExit
                         && second.exitCode != 0,
                 qPrintable(u"a second server on the same SQLite folder was not refused: "_s
                            + second.describe()));
        QVERIFY2(!second.outText().contains(u"listening"_s), qPrintable(second.describe()));
        QVERIFY2(second.errText().contains(u"sqlite"_s, Qt::CaseInsensitive)
                         && second.errText().contains(dir.path()),
                 qPrintable(
                         u"the refusal does not say that SQLite in %1 is taken: "_s.arg(dir.path())
                         + second.describe()));
        HttpClient firstHttp(first.baseUrl());
        CL_STATUS(firstHttp.get(u"/healthz"_s), 200);

        // --cluster postgres without a PostgreSQL database.
        QTemporaryDir other;
        QVERIFY(other.isValid());
        const QStringList noPg{u"serve"_s,      u"--listen"_s, u"127.0.0.1:0"_s,
                               u"--data-dir"_s, other.path(),  u"--password-cost"_s,
                               u"min"_s};
        const fcadmin::CliResult flag = fcadmin::runCli(
                noPg + QStringList{u"--cluster"_s, u"postgres"_s}, {}, {}, 30000);
        FC_EXIT(flag, 2);
        QVERIFY2(flag.errText().contains(u"cluster"_s), qPrintable(flag.describe()));
        QVERIFY2(!flag.outText().contains(u"listening"_s), qPrintable(flag.describe()));
        // The same from the environment and from a config file: the message names the key
        // and where it came from.
        const fcadmin::CliResult env = fcadmin::runCli(
                noPg, {{u"FASTCHAT_CLUSTER"_s, u"postgres"_s}}, {}, 30000);
        FC_EXIT(env, 2);
        QVERIFY2(env.errText().contains(u"cluster"_s)
                         && env.errText().contains(u"FASTCHAT_CLUSTER"_s),
                 qPrintable(env.describe()));
        const QString configPath = other.filePath(u"cluster.conf"_s);
        QFile config(configPath);
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write("cluster = postgres\n");
        config.close();
        const fcadmin::CliResult file = fcadmin::runCli(
                noPg + QStringList{u"--config"_s, configPath}, {}, {}, 30000);
        FC_EXIT(file, 2);
        QVERIFY2(file.errText().contains(u"cluster"_s) && file.errText().contains(configPath),
                 qPrintable(file.describe()));
        // NATS mode without PostgreSQL, and values that are not a NATS address (exit code 2,
        // naming the key and the value, before any connection is tried).
        const fcadmin::CliResult natsNoPg = fcadmin::runCli(
                noPg + QStringList{u"--cluster"_s, u"nats://127.0.0.1:4222"_s}, {}, {}, 30000);
        FC_EXIT(natsNoPg, 2);
        QVERIFY2(natsNoPg.errText().contains(u"PostgreSQL"_s), qPrintable(natsNoPg.describe()));
        for (const QString &bad : {u"nats://"_s, u"nats://127.0.0.1:99999"_s, u"nats:/nohost"_s,
                                   u"nats://host:4222/path"_s, u"redis://127.0.0.1:6379"_s}) {
            const fcadmin::CliResult r = fcadmin::runCli(
                    noPg
                            + QStringList{u"--database"_s,
                                          u"postgresql://nobody@127.0.0.1:1/none"_s, u"--cluster"_s,
                                          bad},
                    {}, {}, 30000);
            FC_EXIT(r, 2);
            QVERIFY2(r.errText().contains(u"cluster"_s) && r.errText().contains(bad)
                             && r.errText().contains(u"nats://"_s),
                     qPrintable(bad + u": "_s + r.describe()));
        }
        // The refusals left the running server alone.
        CL_STATUS(firstHttp.get(u"/healthz"_s), 200);
    }
};

QTEST_GUILESS_MAIN(TestCluster)
#include "tst_cluster.moc"
