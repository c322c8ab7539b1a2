// SPDX-License-Identifier: MIT
#include "AdminCommands.h"

#include "api/ApiSupport.h"
#include "auth/TokenService.h"
#include "cluster/NatsEventBus.h"
#include "store/Migrations.h"
#include "store/SessionQueries.h"
#include "store/SqlSession.h"
#include "store/Store.h"
#include "store/UserQueries.h"

#include <QDir>
#include <QFileInfo>

#include <fastchat/Time.h>

#include <limits>

using namespace Qt::StringLiterals;

namespace fastchat::server {

namespace {

int exitCodeFor(const StoreError &error)
{
    switch (error.kind) {
    case StoreError::NotFound:
        return ServerConfig::NotFound;
    case StoreError::Conflict:
        return ServerConfig::Conflict;
    case StoreError::Invalid:
    case StoreError::Forbidden:
        return ServerConfig::Usage;
    default:
        return ServerConfig::Failure;
    }
}

// USER on the command line: an id, an e-mail address or a username.
Result<UserRecord> findUser(SqlSession &s, const QString &who)
{
    bool isId = false;
    const qint64 id = who.toLongLong(&isId);
    if (isId)
        return UserQueries::findById(s, id);
    if (who.contains(u'@'))
        return UserQueries::findByEmail(s, who);
    return UserQueries::findByUsername(s, who);
}

} // namespace

AdminCommands::AdminCommands(const ServerConfig &config, QTextStream &out, QTextStream &err,
                             QTextStream &in)
    : m_config(config)
    , m_out(out)
    , m_err(err)
    , m_in(in)
{}

int AdminCommands::usage(const QString &message)
{
    m_err << "fastchat-server: " << message << "\n";
    return ServerConfig::Usage;
}

QString AdminCommands::newPassword(bool *generated)
{
    *generated = !m_config.passwordFromStdin;
    if (*generated)
        return TokenService::randomToken(12);
    return m_in.readLine();
}

bool AdminCommands::openStore(Store &store, QString *error)
{
    // Like serve: an SQLite database's folder is made on first use.
    if (!m_config.database.isPostgres())
        QDir().mkpath(QFileInfo(m_config.database.sqlitePath).absolutePath());
    return store.open(error);
}

int AdminCommands::run()
{
    if (m_config.command == u"user")
        return user();
    if (m_config.command == u"sessions")
        return sessions();
    if (m_config.command == u"config")
        return configCheck();
    return usage(u"unknown command '%1'"_s.arg(m_config.command));
}

int AdminCommands::user()
{
    const QStringList args = m_config.commandArguments;
    const QString action = args.value(0);
    const auto needs = [&](int count, const QString &shape) {
        return args.size() == count + 1 ? QString()
                                        : u"usage: fastchat-server user %1"_s.arg(shape);
    };
    QString shapeError;
    if (action == u"add")
        shapeError = needs(2, u"add USERNAME EMAIL [--password-stdin]"_s);
    else if (action == u"list")
        shapeError = needs(0, u"list"_s);
    else if (action == u"disable" || action == u"enable" || action == u"delete"
             || action == u"reset-password")
        shapeError = needs(1, action + u" USER"_s);
    else
        return usage(
                u"user: unknown action '%1' (add, list, disable, enable, reset-password, delete)"_s
                        .arg(action));
    if (!shapeError.isEmpty())
        return usage(shapeError);

    Store store(m_config.database);
    QString error;
    if (!openStore(store, &error)) {
        m_err << "fastchat-server: " << error << "\n";
        return ServerConfig::Failure;
    }
    const auto fail = [this](const StoreError &e) {
        m_err << "fastchat-server: " << e.message << "\n";
        return exitCodeFor(e);
    };

    if (action == u"list") {
        auto users = store.readNow<QList<UserRecord>>([](SqlSession &s) {
            return UserQueries::list(s, QString(), 0, std::numeric_limits<int>::max());
        });
        if (!users)
            return fail(users.error());
        m_out << "id\tusername\temail\tstatus\tcreated_at\n";
        for (const UserRecord &r : users.value())
            m_out << r.user.id << '\t' << r.user.username << '\t' << r.user.email << '\t'
                  << (r.disabled ? "disabled" : "active") << '\t' << toRfc3339(r.user.createdAt)
                  << '\n';
        return ServerConfig::Ok;
    }

    if (action == u"add") {
        const QString username = args.at(1);
        const QString email = args.at(2).trimmed().toLower();
        bool generated = false;
        const QString password = newPassword(&generated);
        for (const QString &problem :
             {api::checkUsername(username), api::checkEmail(email), api::checkPassword(password)}) {
            if (!problem.isEmpty())
                return usage(problem);
        }
        const QString hash = PasswordHasher(m_config.passwordCost).hashBlocking(password);
        auto created = store.writeNow<UserRecord>(
                [&](SqlSession &s) { return UserQueries::create(s, username, email, hash); });
        if (!created)
            return fail(created.error());
        m_out << "created user " << created->user.id << " (" << username << ")\n";
        if (generated)
            m_out << "password: " << password << "\n";
        return ServerConfig::Ok;
    }

    const QString who = args.at(1);
    auto target = store.readNow<UserRecord>([&](SqlSession &s) { return findUser(s, who); });
    if (!target)
        return fail(target.error().kind == StoreError::NotFound
                            ? StoreError{StoreError::NotFound, u"no user '%1'"_s.arg(who)}
                            : target.error());
    const qint64 id = target->user.id;

    if (action == u"disable" || action == u"enable") {
        const bool disable = action == u"disable";
        auto done = store.writeNow<Done>(
                [&](SqlSession &s) { return UserQueries::setDisabled(s, id, disable); });
        if (!done)
            return fail(done.error());
        m_out << "user " << id << " (" << target->user.username << ") "
              << (disable ? "disabled" : "enabled") << "\n";
        return ServerConfig::Ok;
    }
    if (action == u"delete") {
        auto done = store.writeNow<Done>([&](SqlSession &s) { return UserQueries::remove(s, id); });
        if (!done)
            return fail(done.error());
        m_out << "user " << id << " (" << target->user.username << ") deleted\n";
        return ServerConfig::Ok;
    }
    // reset-password
    bool generated = false;
    const QString password = newPassword(&generated);
    if (const QString problem = api::checkPassword(password); !problem.isEmpty())
        return usage(problem);
    UserChanges changes;
    changes.passwordHash = PasswordHasher(m_config.passwordCost).hashBlocking(password);
    auto updated = store.writeNow<UserRecord>(
            [&](SqlSession &s) { return UserQueries::update(s, id, changes); });
    if (!updated)
        return fail(updated.error());
    auto revoked = store.writeNow<QList<QString>>(
            [&](SqlSession &s) { return SessionQueries::revokeAllOf(s, id, QString()); });
    if (!revoked)
        return fail(revoked.error());
    m_out << "password of user " << id << " (" << target->user.username << ") reset; "
          << revoked->size() << " session(s) ended\n";
    if (generated)
        m_out << "password: " << password << "\n";
    return ServerConfig::Ok;
}

int AdminCommands::sessions()
{
    const QStringList args = m_config.commandArguments;
    if (args.size() != 2 || args.at(0) != u"revoke")
        return usage(u"usage: fastchat-server sessions revoke USER"_s);
    Store store(m_config.database);
    QString error;
    if (!openStore(store, &error)) {
        m_err << "fastchat-server: " << error << "\n";
        return ServerConfig::Failure;
    }
    const QString who = args.at(1);
    auto target = store.readNow<UserRecord>([&](SqlSession &s) { return findUser(s, who); });
    if (!target) {
        m_err << "fastchat-server: no user '" << who << "'\n";
        return exitCodeFor(target.error());
    }
    const qint64 id = target->user.id;
    auto revoked = store.writeNow<QList<QString>>(
            [&](SqlSession &s) { return SessionQueries::revokeAllOf(s, id, QString()); });
    if (!revoked) {
        m_err << "fastchat-server: " << revoked.error().message << "\n";
        return exitCodeFor(revoked.error());
    }
    m_out << revoked->size() << " session(s) of user " << id << " (" << target->user.username
          << ") revoked\n";
    return ServerConfig::Ok;
}

int AdminCommands::configCheck()
{
    if (m_config.commandArguments != QStringList{u"check"_s})
        return usage(u"usage: fastchat-server config check"_s);
    m_out << "listen: " << m_config.listenAddress.toString() << ':' << m_config.port << "\n"
          << "data_dir: " << m_config.dataDir << "\n"
          << "database: " << m_config.database.describe() << "\n"
          << "secret_file: " << m_config.secretFile << "\n"
          << "cluster: " << m_config.describeCluster() << "\n";
    for (const QString &source : m_config.sources)
        m_out << "  (" << source << ")\n";
    if (m_config.cluster == ServerConfig::Cluster::Nats) {
        QString error;
        if (!NatsEventBus::probe(m_config.natsUrl, &error)) {
            m_err << "fastchat-server: cluster: " << error << "\n";
            return ServerConfig::Failure;
        }
        m_out << "nats: reachable\n";
    }
    if (!m_config.database.isPostgres()
        && !QFileInfo(m_config.database.sqlitePath).absoluteDir().exists()) {
        m_out << "schema version: none yet (the data folder is created on first start)\n"
              << "configuration OK\n";
        return ServerConfig::Ok;
    }
    SqlSession session(m_config.database, u"fastchat-config-check"_s);
    QString error;
    if (!session.ensureOpen(&error)) {
        m_err << "fastchat-server: database: " << error << "\n";
        return ServerConfig::Failure;
    }
    const int version = Migrations::currentVersion(session);
    m_out << "schema version: "
          << (version < 0 ? u"none (run migrate or serve)"_s : QString::number(version)) << " of "
          << Migrations::latestVersion() << "\n";
    m_out << "configuration OK\n";
    return ServerConfig::Ok;
}

} // namespace fastchat::server
