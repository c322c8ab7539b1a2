// SPDX-License-Identifier: MIT
#include "OpsApi.h"

#include "http/HttpServer.h"
#include "observability/Metrics.h"
#include "store/SqlSession.h"
#include "store/Store.h"

#include <QJsonObject>

#include <sodium.h>

using namespace Qt::StringLiterals;

namespace fastchat::server {

OpsApi::OpsApi(Store &store, Metrics &metrics, const QByteArray &metricsToken, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_metrics(metrics)
    , m_metricsToken(metricsToken)
{}

void OpsApi::registerRoutes(HttpServer &server)
{
    using Access = HttpServer::Access;

    server.route("GET", u"/healthz"_s, Access::Public,
                 [this](const HttpRequest &, const HttpResponder &responder) {
                     m_store.read<Done>(
                             [](SqlSession &s) { return s.ping(); },
                             [responder](Result<Done> alive) {
                                 if (alive)
                                     responder.json(200, QJsonObject{{u"status"_s, u"ok"_s}});
                                 else
                                     responder.json(
                                             503,
                                             QJsonObject{{u"status"_s, u"unavailable"_s},
                                                         {u"error"_s, alive.error().message}},
                                             {{"Retry-After", "1"}});
                             });
                 });

    server.route(
            "GET", u"/metrics"_s, Access::Public,
            [this](const HttpRequest &request, const HttpResponder &responder) {
                const QByteArray presented = request.header("Authorization").trimmed();
                const QByteArray expected = "Bearer " + m_metricsToken;
                const bool tokenOk = !m_metricsToken.isEmpty()
                        && presented.size() == expected.size()
                        && sodium_memcmp(presented.constData(), expected.constData(),
                                         size_t(expected.size()))
                                == 0;
                if (!request.peer.isLoopback() && !tokenOk) {
                    responder.error(
                            403,
                            u"metrics are served to loopback clients or with the metrics token"_s);
                    return;
                }
                responder.raw(200, m_metrics.prometheusText(),
                              "text/plain; version=0.0.4; charset=utf-8");
            });
}

} // namespace fastchat::server
