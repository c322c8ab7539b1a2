// SPDX-License-Identifier: MIT
#include "ServerApp.h"

#include "Logging.h"
#include "api/AuthApi.h"
#include "api/ChatApi.h"
#include "api/FileApi.h"
#include "api/KeyApi.h"
#include "api/OpsApi.h"
#include "api/UserApi.h"
#include "auth/Authenticator.h"
#include "auth/PasswordHasher.h"
#include "auth/SecretFile.h"
#include "cluster/EventBus.h"
#include "cluster/NatsEventBus.h"
#include "cluster/PostgresEventBus.h"
#include "http/HttpServer.h"
#include "observability/Metrics.h"
#include "realtime/Connection.h"
#include "realtime/FrameHandler.h"
#include "realtime/Hub.h"
#include "services/ChatService.h"
#include "services/FileService.h"
#include "services/Presence.h"
#include "services/SessionService.h"
#include "services/TypingTracker.h"
#include "store/SecretQueries.h"
#include "store/SqlSession.h"
#include "store/Store.h"

#include <QDir>
#include <QFile>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QTcpServer>
#include <QTimer>
#include <QUrlQuery>
#include <QUuid>
#include <QWebSocket>

#include <sodium.h>

using namespace Qt::StringLiterals;

namespace fastchat::server {

namespace {
// RFC 6455 leaves the size to us; past this Qt closes the socket with 1009.
constexpr quint64 maxIncomingBytes = 1024 * 1024;
} // namespace

ServerApp::ServerApp(const ServerConfig &config, QObject *parent)
    : QObject(parent)
    , m_config(config)
{}

ServerApp::~ServerApp()
{
    // The hub (and its connections) first, then the HTTP server: a socket destroyed while
    // its connection still listens would report a user offline to a closing store.
    m_hub.reset();
    m_http.reset();
    if (m_store)
        m_store->close();
}

bool ServerApp::start(QString *error)
{
    if (!QDir().mkpath(m_config.dataDir)) {
        *error = u"cannot create the data folder %1"_s.arg(m_config.dataDir);
        return false;
    }
    if (!m_config.database.isPostgres()) {
        // SQLite serves one node: a second process on the same file would split the
        // hub in two, so it is refused.
        m_sqliteLock = std::make_unique<QLockFile>(m_config.database.sqlitePath + u".lock"_s);
        m_sqliteLock->setStaleLockTime(0);
        if (!m_sqliteLock->tryLock(0)) {
            qint64 pid = 0;
            QString host, app;
            m_sqliteLock->getLockInfo(&pid, &host, &app);
            *error = u"another fastchat-server (pid %1) is using %2; SQLite serves a single node"
                     " (use PostgreSQL to run several)"_s.arg(pid)
                             .arg(m_config.database.sqlitePath);
            return false;
        }
    }

    m_metrics = std::make_unique<Metrics>();
    m_store = std::make_unique<Store>(m_config.database, m_metrics.get());
    m_store->setReaderThreads(m_config.databaseReaders);
    const bool cluster = m_config.cluster != ServerConfig::Cluster::None;
    // NATS: the store's writer publishes each committed batch of messages (MessageWriter).
    std::unique_ptr<NatsEventBus> nats;
    if (m_config.cluster == ServerConfig::Cluster::Nats)
        nats = std::make_unique<NatsEventBus>(m_config.natsUrl, m_config.database);
    const CommitPublisher publisher = !nats
            ? CommitPublisher()
            : [bus = nats.get()](const QList<Event> &events) { bus->publishCommitted(events); };
    if (!m_store->open(error, cluster, publisher))
        return false;
    if (m_config.command == u"migrate")
        return true;

    QByteArray secret;
    if (m_config.database.isPostgres() && !m_config.secretFileGiven) {
        // In PostgreSQL, so that a token from one node works on every node.
        QByteArray candidate(32, Qt::Uninitialized);
        randombytes_buf(candidate.data(), size_t(candidate.size()));
        auto shared = m_store->readNow<QByteArray>(
                [candidate = candidate.toBase64()](SqlSession &s) {
                    return SecretQueries::getOrCreate(s, u"jwt"_s, candidate);
                });
        if (!shared) {
            *error = u"cannot read the token secret from the database: "_s + shared.error().message;
            return false;
        }
        secret = shared.value();
    } else {
        secret = SecretFile::loadOrCreate(m_config.secretFile, true, error);
    }
    if (secret.size() < SecretFile::minimumBytes) {
        if (error->isEmpty())
            *error = u"the token secret is shorter than %1 bytes"_s.arg(SecretFile::minimumBytes);
        return false;
    }
    m_auth = std::make_unique<Authenticator>(TokenService(secret, m_config.accessTokenTtlSeconds));
    m_hasher = std::make_unique<PasswordHasher>(m_config.passwordCost);
    if (cluster) {
        std::unique_ptr<EventBus> bus;
        if (nats) {
            if (!nats->start(error))
                return false;
            bus = std::move(nats);
        } else {
            auto postgres = std::make_unique<PostgresEventBus>(m_config.database);
            if (!postgres->start(error))
                return false;
            bus = std::move(postgres);
        }
        // Events missed while the bus was down cannot be recovered by the bus: make this
        // node's clients reconnect and resume from the database.
        connect(bus.get(), &EventBus::listenerReset, this, [this] {
            m_hub->closeAll(QWebSocketProtocol::CloseCodeGoingAway,
                            u"cluster bus reconnected; resume"_s);
        });
        m_bus = std::move(bus);
    } else {
        m_bus = std::make_unique<LocalEventBus>();
    }
    m_hub = std::make_unique<Hub>(*m_bus, *m_metrics);
    m_presence = std::make_unique<Presence>(
            *m_store, *m_hub, *m_bus,
            cluster ? QUuid::createUuid().toString(QUuid::WithoutBraces) : QString());
    if (cluster && !m_presence->joinCluster(error))
        return false;
    m_typing = std::make_unique<TypingTracker>(*m_hub);
    m_chat = std::make_unique<ChatService>(*m_store, *m_hub, *m_presence, *m_typing, *m_metrics);
    m_sessions = std::make_unique<SessionService>(*m_store, *m_auth, *m_hub, *m_bus);
    m_frames = std::make_unique<FrameHandler>(*m_store, *m_hub, *m_chat, *m_typing, *m_metrics,
                                              m_config.messagesPerSecond);
    if (!m_sessions->loadRecentRevocations(error))
        return false;
    m_sessions->followRevocations(2000);

    FileLimits limits;
    limits.maxFileBytes = m_config.maxUploadBytes;
    limits.quotaBytes = m_config.uploadQuotaBytes;
    limits.orphanLifetimeMs = qint64(m_config.uploadExpirySeconds) * 1000;
    m_files = std::make_unique<FileService>(*m_store, BlobStore(m_config.filesDir), limits);
    if (!m_files->prepare(error))
        return false;

    m_http = std::make_unique<HttpServer>(*m_auth, *m_metrics, m_config.allowedOrigins);
    m_authApi = std::make_unique<AuthApi>(*m_store, *m_hasher, *m_sessions,
                                          m_config.loginAttemptsPerMinute);
    m_opsApi = std::make_unique<OpsApi>(*m_store, *m_metrics, m_config.metricsToken);
    m_opsApi->registerRoutes(*m_http);
    m_userApi = std::make_unique<UserApi>(*m_store, *m_hasher, *m_sessions, *m_presence);
    m_chatApi = std::make_unique<ChatApi>(*m_store, *m_chat, *m_presence);
    m_authApi->registerRoutes(*m_http);
    m_userApi->registerRoutes(*m_http);
    m_chatApi->registerRoutes(*m_http);
    m_fileApi = std::make_unique<FileApi>(*m_files);
    m_fileApi->registerRoutes(*m_http);
    m_keyApi = std::make_unique<KeyApi>(*m_store);
    m_keyApi->registerRoutes(*m_http);
    m_metrics->setGauge("fastchat_connections", "WebSocket connections open on this node.",
                        [hub = m_hub.get()] { return double(hub->connectionCount()); });
    m_metrics->setGauge("fastchat_users_online", "Users with at least one socket on this node.",
                        [hub = m_hub.get()] { return double(hub->onlineUserCount()); });
    m_metrics->setGauge("fastchat_store_write_queue", "Store jobs waiting for the writer thread.",
                        [store = m_store.get()] { return double(store->writeQueueLength()); });
    connect(m_http.get(), &QAbstractHttpServer::newWebSocketConnection, this, [this] {
        while (m_http->hasPendingWebSocketConnections())
            accept(m_http->nextPendingWebSocketConnection());
    });

    if (!m_config.tlsCertificate.isEmpty() && !setUpTls(error))
        return false;
    m_port = m_http->listen(m_config.listenAddress, m_config.port);
    if (m_port == 0) {
        *error = u"cannot listen on %1:%2"_s.arg(m_config.listenAddress.toString())
                         .arg(m_config.port);
        return false;
    }
    return true;
}

bool ServerApp::setUpTls(QString *error)
{
    QFile certFile(m_config.tlsCertificate);
    QFile keyFile(m_config.tlsKey);
    if (!certFile.open(QIODevice::ReadOnly) || !keyFile.open(QIODevice::ReadOnly)) {
        *error = u"cannot read the TLS certificate or key"_s;
        return false;
    }
    const QList<QSslCertificate> chain = QSslCertificate::fromData(certFile.readAll(), QSsl::Pem);
    const QByteArray keyPem = keyFile.readAll();
    QSslKey key(keyPem, QSsl::Rsa, QSsl::Pem);
    if (key.isNull())
        key = QSslKey(keyPem, QSsl::Ec, QSsl::Pem);
    if (chain.isEmpty() || key.isNull()) {
        *error = u"tls_cert or tls_key: not a PEM certificate and RSA or EC private key"_s;
        return false;
    }
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setLocalCertificateChain(chain);
    tls.setPrivateKey(key);
    tls.setProtocol(QSsl::TlsV1_2OrLater);
    m_http->sslSetup(tls);
    qCInfo(lcServer) << "TLS on: HTTPS and WSS with" << chain.first().subjectDisplayName();
    return true;
}

void ServerApp::accept(std::unique_ptr<QWebSocket> socket)
{
    socket->setMaxAllowedIncomingFrameSize(maxIncomingBytes);
    socket->setMaxAllowedIncomingMessageSize(maxIncomingBytes);
    if (m_stopping) {
        socket->close(QWebSocketProtocol::CloseCodeGoingAway, u"server shutting down"_s);
        socket.release()->deleteLater();
        return;
    }
    // The token was checked before the handshake; check it again now that the socket
    // is ours (it may have been revoked in between).
    const QNetworkRequest request = socket->request();
    const QUrlQuery query(request.url());
    const QByteArray header = request.rawHeader("Authorization");
    const auto auth = header.isEmpty()
            ? m_auth->fromToken(query.queryItemValue(u"token"_s, QUrl::FullyDecoded).toUtf8())
            : m_auth->fromAuthorizationHeader(header);
    if (!auth) {
        socket->close(QWebSocketProtocol::CloseCodePolicyViolated, u"invalid token"_s);
        socket.release()->deleteLater();
        return;
    }
    QPointer<QTcpSocket> transport = m_http->takeUpgradedSocket(socket->peerAddress(),
                                                                socket->peerPort());
    const auto connection = Connection::open(std::move(socket), transport,
                                             m_hub->nextConnectionId(), *auth, m_frames.get());
    m_hub->add(connection);
    bool ok = false;
    const qint64 resumeFrom = query.queryItemValue(u"last_message_id"_s).toLongLong(&ok);
    if (ok && resumeFrom >= 0)
        m_frames->resume(connection.get(), resumeFrom);
}

void ServerApp::stop()
{
    if (m_stopping)
        return;
    m_stopping = true;
    qCInfo(lcServer) << "stopping: no new connections; closing sockets with 1001";
    const bool hadConnections = m_hub && m_hub->connectionCount() > 0;
    if (m_http) {
        for (QTcpServer *server : m_http->servers())
            server->close();
        m_http->abortDownloads();
        m_hub->closeAll(QWebSocketProtocol::CloseCodeGoingAway, u"server shutting down"_s);
    }
    // Let the close frames go out, then finish every store job already queued: a
    // message that was received is stored even if its ack can no longer be sent.
    // In a cluster the users' offline events go out through the database: give them time.
    const bool cluster = m_config.cluster != ServerConfig::Cluster::None;
    // (A closing socket may leave the hub before its close frame has been written.)
    QTimer::singleShot(hadConnections ? (cluster ? 1500 : 500) : 0, this, [this] {
        if (m_presence)
            m_presence->leaveCluster();
        if (m_store)
            m_store->close();
        qCInfo(lcServer) << "stopped";
        emit stopped();
    });
}

} // namespace fastchat::server
