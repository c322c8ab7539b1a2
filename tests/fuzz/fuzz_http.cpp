// SPDX-License-Identifier: MIT
// The HTTP routes of a real server: route matching of the {id} path parts, the query
// parameters (limit, before, after, after_id, q, token, last_message_id) and the /ws
// upgrade checks. HttpServer::matches() and the handlers' query readers are private, so the
// target runs the whole server (ServerApp, SQLite in a temporary folder) in this process
// and sends it one request per input over loopback.
//
// Set-up (once): users alice, bob and carol, a few messages between alice and bob, and an
// access token for alice (signed with the secret the target wrote into the data folder).
//
// Input: byte 0 is a set of flags, the rest (up to the first CR or LF) the request target:
//   bits 0-2  method: GET GET GET GET HEAD OPTIONS PATCH PUT (no body; nothing can change)
//   bit 3     Authorization: Bearer <alice's token>
//   bit 4     WebSocket upgrade headers
//   bit 5     Origin: http://evil.example (not an allowed origin)
//   bit 6     file headers: after the first line break, the next line is sent as the value of
//             Upload-Offset and the one after it as the value of Range, with
//             Content-Type: application/offset+octet-stream (and no body: a PATCH of no
//             bytes changes nothing, whatever its offset)
//   "$TOKEN" in the target is replaced by alice's token (for /ws?token=...), "$FILE" by the
//   id of alice's complete 10-byte file, "$UPLOAD" by her upload that has 5 of 10 bytes.
// Only requests that change nothing are sent, so every input sees the same data.
//
// Checks: every request is answered (or the connection closed) within 10 s; never with a
// 500; a 206 carries exactly the bytes its Content-Range names, of the file's content; no answer
// carries bob's or carol's e-mail address (only its owner may see it); no answer without a token
// carries anyone's data. FASTCHAT_FUZZ_VERBOSE=1 prints each request line and the status it got.
#include "FuzzSupport.h"

#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTimer>

#include <app/ServerApp.h>
#include <app/ServerConfig.h>
#include <auth/TokenService.h>

using namespace Qt::StringLiterals;
using namespace fastchat::server;

namespace {

struct Answer
{
    bool answered = false; // a whole response arrived, or the server closed the connection
    int status = 0;        // 0: closed without a response
    QByteArray head;
    QByteArray body;
};

struct Harness
{
    QTemporaryDir dir;
    ServerApp *app = nullptr; // never deleted: lives until exit, like the fuzzer
    quint16 port = 0;
    QByteArray aliceToken;
    QByteArray bobToken;
    QByteArray fileId;   // alice's, complete: fileBytes
    QByteArray uploadId; // alice's, 5 of 10 bytes received
};

const QByteArray fileBytes = QByteArrayLiteral("0123456789");

Harness &harness()
{
    static Harness h;
    return h;
}

// Whether `received` holds one whole response; fills `answer` when it does.
bool complete(const QByteArray &received, bool headOnly, Answer *answer)
{
    const qsizetype end = received.indexOf("\r\n\r\n");
    if (end < 0)
        return false;
    const QByteArray head = received.left(end);
    const QList<QByteArray> statusLine = head.left(head.indexOf("\r\n")).split(' ');
    const int status = statusLine.size() >= 2 ? statusLine.at(1).toInt() : -1;
    qsizetype length = 0;
    for (const QByteArray &line : head.split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0
            && line.left(colon).trimmed().compare("content-length", Qt::CaseInsensitive) == 0)
            length = line.mid(colon + 1).trimmed().toLongLong();
    }
    if (headOnly || (status >= 100 && status < 200) || status == 204 || status == 304)
        length = 0;
    if (received.size() - end - 4 < length)
        return false;
    answer->status = status;
    answer->head = head;
    answer->body = received.mid(end + 4, length);
    return true;
}

Answer exchange(const QByteArray &request, bool headOnly)
{
    Answer answer;
    QTcpSocket socket;
    QEventLoop loop;
    QTimer timeout;
    timeout.setSingleShot(true);
    QByteArray received;
    QObject::connect(&timeout, &QTimer::timeout, &loop, &QEventLoop::quit);
    QObject::connect(&socket, &QTcpSocket::connected, &loop, [&] { socket.write(request); });
    QObject::connect(&socket, &QTcpSocket::readyRead, &loop, [&] {
        received += socket.readAll();
        if (complete(received, headOnly, &answer)) {
            answer.answered = true;
            loop.quit();
        }
    });
    QObject::connect(&socket, &QTcpSocket::disconnected, &loop, [&] {
        received += socket.readAll();
        answer.answered = true;
        if (!complete(received, headOnly, &answer))
            answer.status = 0;
        loop.quit();
    });
    QObject::connect(&socket, &QAbstractSocket::errorOccurred, &loop,
                     [&](QAbstractSocket::SocketError error) {
                         if (error != QAbstractSocket::RemoteHostClosedError) {
                             std::fprintf(stderr, "fuzz_http: socket error %d\n", int(error));
                             std::abort();
                         }
                     });
    socket.connectToHost(QHostAddress::LocalHost, harness().port);
    timeout.start(10000);
    loop.exec();
    socket.abort();
    return answer;
}

QByteArray plainRequest(const QByteArray &method, const QByteArray &target, const QByteArray &token,
                        const QByteArray &body = {})
{
    QByteArray r = method + ' ' + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    if (!token.isEmpty())
        r += "Authorization: Bearer " + token + "\r\n";
    if (!body.isEmpty())
        r += "Content-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size())
                + "\r\n";
    return r + "\r\n" + body;
}

// A set-up step that must succeed.
QJsonObject post(const QByteArray &target, const QByteArray &token, const QJsonObject &body)
{
    const Answer a = exchange(
            plainRequest("POST", target, token, QJsonDocument(body).toJson(QJsonDocument::Compact)),
            false);
    if (a.status != 200 && a.status != 201) {
        std::fprintf(stderr, "fuzz_http: set-up POST %s answered %d: %s\n", target.constData(),
                     a.status, a.body.constData());
        std::abort();
    }
    return QJsonDocument::fromJson(a.body).object();
}

void setUp()
{
    Harness &h = harness();
    if (!h.dir.isValid())
        std::abort();
    const QByteArray secret = QByteArrayLiteral("fastchat-fuzz-http-secret-0123456789abcdef");
    QFile secretFile(h.dir.filePath(u"jwt-secret"_s));
    if (!secretFile.open(QIODevice::WriteOnly) || secretFile.write(secret) != secret.size())
        std::abort();
    secretFile.close();

    int exitCode = 0;
    const auto config = ServerConfig::load({u"fastchat-server"_s, u"serve"_s, u"--listen"_s,
                                            u"127.0.0.1:0"_s, u"--data-dir"_s, h.dir.path(),
                                            u"--password-cost"_s, u"min"_s,
                                            u"--login-attempts-per-minute"_s, u"100000"_s},
                                           {}, &exitCode);
    if (!config)
        std::abort();
    h.app = new ServerApp(*config);
    QString error;
    if (!h.app->start(&error)) {
        std::fprintf(stderr, "fuzz_http: the server did not start: %s\n", qPrintable(error));
        std::abort();
    }
    h.port = h.app->port();

    qint64 ids[3] = {};
    const char *names[3] = {"alice", "bob", "carol"};
    for (int i = 0; i < 3; ++i) {
        const QString name = QString::fromLatin1(names[i]);
        const QString email = name + u"@example.org"_s;
        const QString password = name + u"-password-1"_s;
        const QJsonObject account{
                {u"username"_s, name}, {u"email"_s, email}, {u"password"_s, password}};
        ids[i] = post("/auth/register", QByteArray(), account).value(u"id"_s).toInteger();
        if (ids[i] <= 0)
            std::abort();
    }
    const TokenService tokens(secret, 24 * 3600);
    h.aliceToken = tokens.issue(ids[0], u"fuzz-session-alice"_s);
    h.bobToken = tokens.issue(ids[1], u"fuzz-session-bob"_s);
    for (int i = 0; i < 3; ++i) {
        const QString fromAlice = u"hello from alice %1"_s.arg(i);
        const QString fromBob = u"hello from bob %1"_s.arg(i);
        post("/chat/message", h.aliceToken,
             {{u"receiver_id"_s, ids[1]}, {u"content"_s, fromAlice}});
        post("/chat/message", h.bobToken, {{u"receiver_id"_s, ids[0]}, {u"content"_s, fromBob}});
    }
    post("/chat/message", h.bobToken,
         {{u"receiver_id"_s, ids[2]}, {u"content"_s, u"bob to carol"_s}});

    const auto patch = [&](const QByteArray &id, const QByteArray &bytes) {
        const Answer a = exchange("PATCH /files/" + id
                                          + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                            "Connection: close\r\nAuthorization: Bearer "
                                          + h.aliceToken
                                          + "\r\nContent-Type: application/offset+octet-stream\r\n"
                                            "Upload-Offset: 0\r\nContent-Length: "
                                          + QByteArray::number(bytes.size()) + "\r\n\r\n" + bytes,
                                  false);
        if (a.status != 200)
            std::abort();
    };
    h.fileId = post("/files", h.aliceToken, {{u"size"_s, 10}, {u"name"_s, u"f.txt"_s}})
                       .value(u"id"_s)
                       .toString()
                       .toLatin1();
    patch(h.fileId, fileBytes);
    h.uploadId
            = post("/files", h.aliceToken, {{u"size"_s, 10}}).value(u"id"_s).toString().toLatin1();
    patch(h.uploadId, fileBytes.left(5));
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    fastchat::fuzz::ensureApp();
    QStandardPaths::setTestModeEnabled(true);
    setUp();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    static const QByteArray methods[8] = {"GET",  "GET",     "GET",   "GET",
                                          "HEAD", "OPTIONS", "PATCH", "PUT"};
    const Harness &h = harness();
    const uint8_t flags = data[0];
    const QByteArray &method = methods[flags & 7];
    const bool authorized = flags & 8;

    const QByteArray input = fastchat::fuzz::bytes(data + 1, size - 1);
    // Lines split at CR or LF: the target, then (file headers) Upload-Offset and Range.
    QList<QByteArray> lines{QByteArray()};
    for (char c : input) {
        if (c == '\r' || c == '\n')
            lines.append(QByteArray());
        else
            lines.last().append(c);
    }
    QByteArray target = lines.at(0);
    target.replace("$TOKEN", h.aliceToken);
    target.replace("$FILE", h.fileId);
    target.replace("$UPLOAD", h.uploadId);
    if (target.isEmpty())
        target = "/";

    QByteArray request = method + ' ' + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    if (authorized)
        request += "Authorization: Bearer " + h.aliceToken + "\r\n";
    if (flags & 16)
        request += "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                   "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    else
        request += "Connection: close\r\n";
    if (flags & 32)
        request += "Origin: http://evil.example\r\n";
    const bool fileHeaders = flags & 64;
    if (fileHeaders) {
        request += "Content-Type: application/offset+octet-stream\r\n";
        request += "Upload-Offset: " + lines.value(1) + "\r\n";
        request += "Range: " + lines.value(2) + "\r\n";
    }
    request += "\r\n";

    const Answer answer = exchange(request, method == "HEAD");
    static const bool verbose = qEnvironmentVariableIntValue("FASTCHAT_FUZZ_VERBOSE") != 0;
    if (verbose)
        std::fprintf(stderr, "fuzz_http: %s%s -> %d\n",
                     request.left(request.indexOf('\r')).constData(), authorized ? " (token)" : "",
                     answer.status);
    FUZZ_CHECK(answer.answered, "no answer within 10 s to: " + request);
    FUZZ_CHECK(answer.status != 500, "500 for: " + request + answer.body);
    FUZZ_CHECK(!answer.body.contains("bob@example.org")
                       && !answer.body.contains("carol@example.org"),
               "another user's e-mail address in the answer to: " + request + answer.body);
    if (answer.status == 206) {
        // "Content-Range: bytes a-b/10" and exactly those bytes of the file.
        const qsizetype at = answer.head.toLower().indexOf("content-range: bytes ");
        FUZZ_CHECK(at >= 0, "206 without Content-Range for: " + request);
        const QByteArray range = answer.head.mid(at + 21).split('\r').first();
        const qsizetype dash = range.indexOf('-'), slash = range.indexOf('/');
        const qint64 first = range.left(dash).toLongLong(),
                     last = range.mid(dash + 1, slash - dash - 1).toLongLong();
        FUZZ_CHECK(range.mid(slash + 1) == "10" && first >= 0 && first <= last && last < 10,
                   "bad Content-Range " + range + " for: " + request);
        FUZZ_CHECK(answer.body == fileBytes.mid(first, last - first + 1),
                   "206 body does not match its range for: " + request + answer.body);
    }
    if (!authorized && !target.contains(h.aliceToken))
        FUZZ_CHECK(!answer.body.contains("@example.org") && !answer.body.contains("hello from"),
                   "data without a token for: " + request + answer.body);
    return 0;
}
