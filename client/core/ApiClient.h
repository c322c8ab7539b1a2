// SPDX-License-Identifier: MIT
// The REST half of the protocol (docs/protocol.md): one QNetworkAccessManager, one typed
// call per route. Every failure ends as an ApiError with a sentence a person can read: the
// server's {"error"} text, or what went wrong on the way. Authenticated calls that meet a
// 401 renew the access token once through the TokenProvider and are sent again.
#pragma once

#include <QJsonValue>
#include <QList>
#include <QNetworkAccessManager>
#include <QObject>
#include <QPointer>
#include <QUrl>
#include <QUrlQuery>

#include <fastchat/Conversation.h>
#include <fastchat/FileUpload.h>
#include <fastchat/Message.h>
#include <fastchat/User.h>

#include <functional>
#include <optional>

namespace fastchat::client {

struct ApiError
{
    enum class Kind {
        None,
        Network,   // the server was not reached or did not answer
        Http,      // the server answered with an error status
        BadAnswer, // the server answered something this client cannot read
    };
    Kind kind = Kind::None;
    int status = 0;  // the HTTP status for Kind::Http
    QString message; // for people: "Invalid credentials", "Cannot reach ..."

    bool ok() const { return kind == Kind::None; }
    // The credentials (access token, refresh token or password) were refused.
    bool isUnauthorized() const { return kind == Kind::Http && status == 401; }
};

template<typename T>
struct ApiResult
{
    std::optional<T> value;
    ApiError error;

    bool ok() const { return value.has_value(); }
};

// What /auth/login and /auth/refresh answer.
struct SessionTokens
{
    QString accessToken;
    QString refreshToken;
    qint64 expiresIn = 0; // seconds the access token stays valid
    User user;

    static Parsed<SessionTokens> fromJson(const QJsonObject &object);
};

// Who holds the access token. The Session implements it; the ApiClient and the SocketClient
// only ask.
class TokenProvider
{
public:
    virtual ~TokenProvider() = default;
    virtual QString accessToken() const = 0;
    virtual QDateTime accessTokenExpiry() const = 0;
    // Gets a fresh access token (single flight: concurrent callers share one refresh).
    // done() gets ApiError::ok() on success; isUnauthorized() when the session is over.
    virtual void renewAccessToken(QObject *context, std::function<void(const ApiError &)> done) = 0;
};

class ApiClient : public QObject
{
    Q_OBJECT

public:
    explicit ApiClient(QObject *parent = nullptr);
    ~ApiClient() override;

    // The server's base address, e.g. http://127.0.0.1:8080 (a path prefix is kept).
    void setBaseUrl(const QUrl &url);
    QUrl baseUrl() const { return m_baseUrl; }
    // Not owned; may be null (then authenticated calls carry no token).
    void setTokenProvider(TokenProvider *provider) { m_tokens = provider; }

    template<typename T>
    using Callback = std::function<void(ApiResult<T>)>;

    // Every callback runs on `context`'s thread, and never after `context` is destroyed.
    void registerAccount(const QString &username, const QString &email, const QString &password,
                         QObject *context, Callback<User> done);
    // `login` is an e-mail address or a username.
    void login(const QString &login, const QString &password, QObject *context,
               Callback<SessionTokens> done);
    void refresh(const QString &refreshToken, QObject *context, Callback<SessionTokens> done);
    void logout(QObject *context, Callback<bool> done);
    void me(QObject *context, Callback<User> done);
    void user(qint64 id, QObject *context, Callback<User> done);
    void searchUsers(const QString &query, int limit, QObject *context, Callback<QList<User>> done);
    void conversations(QObject *context, Callback<QList<Conversation>> done);
    // A keyset page, oldest first: the newest `limit` messages, or those before `beforeId`.
    void history(qint64 peerId, qint64 beforeId, int limit, QObject *context,
                 Callback<QList<Message>> done);

    // End-to-end encryption keys (docs/protocol.md, Keys). PUT /keys publishes a
    // PreKeyUpload and GET /keys reports the stock: both give the one-time prekeys left.
    void publishKeys(const QJsonObject &upload, QObject *context, Callback<int> done);
    void keyCount(QObject *context, Callback<int> done);
    // POST /users/{id}/bundle: the PreKeyBundle JSON; status 404 when the user has no keys.
    void fetchBundle(qint64 userId, QObject *context, Callback<QJsonObject> done);

    // Files (docs/protocol.md, Files). Requests about files are aborted when their context
    // goes away, so that a transfer cancels its request by deleting the context.
    void createUpload(const NewUpload &upload, QObject *context, Callback<FileUpload> done);
    void fileStatus(const QString &fileId, QObject *context, Callback<FileUpload> done);
    void deleteFile(const QString &fileId, QObject *context, Callback<bool> done);
    // PATCH one chunk at `offset`. On 409 `serverOffset` is where the upload stands (else -1).
    using ChunkCallback = std::function<void(ApiResult<FileUpload> result, qint64 serverOffset)>;
    void uploadChunk(const QString &fileId, qint64 offset, const QByteArray &bytes,
                     QObject *context, ChunkCallback done,
                     std::function<void(qint64 sent)> progress = {});
    // GET /files/{id}/content from `from` on (a Range when from > 0), as a reply to stream
    // from; the caller owns it and reads errorFor() when it fails.
    QNetworkReply *openContent(const QString &fileId, qint64 from);
    ApiError errorFor(QNetworkReply *reply) const;
    TokenProvider *tokenProvider() const { return m_tokens; }

    int pendingRequests() const { return m_pending; }

private:
    enum class Auth { None, Bearer };
    using RawCallback = std::function<void(const QJsonValue &body, const ApiError &error)>;

    struct Request
    {
        QByteArray verb;
        QString path;
        QUrlQuery query;
        std::optional<QJsonObject> body;
        Auth auth = Auth::None;
        bool retried = false;
        std::optional<QByteArray> rawBody = {}; // sent as is, with contentType
        QByteArray contentType = {};
        QList<std::pair<QByteArray, QByteArray>> headers = {};
        bool abortWithContext = false;
        std::function<void(qint64 sent)> progress = {};
    };

    void send(Request request, QObject *context, RawCallback done);
    void authorize(QNetworkRequest &http) const;
    QUrl urlFor(const QString &path, const QUrlQuery &query) const;
    ApiError errorFrom(QNetworkReply *reply, int status, const QJsonValue &body) const;

    QNetworkAccessManager m_network;
    QUrl m_baseUrl;
    TokenProvider *m_tokens = nullptr;
    int m_pending = 0;
};

} // namespace fastchat::client
