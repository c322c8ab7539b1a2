// SPDX-License-Identifier: MIT
// GET /healthz (does the database answer?) and GET /metrics (Prometheus text). Metrics
// are served to loopback clients, or to anyone presenting the configured metrics token.
#pragma once

#include <QByteArray>
#include <QObject>

namespace fastchat::server {

class HttpServer;
class Metrics;
class Store;

class OpsApi : public QObject
{
    Q_OBJECT
public:
    OpsApi(Store &store, Metrics &metrics, const QByteArray &metricsToken,
           QObject *parent = nullptr);
    void registerRoutes(HttpServer &server);

private:
    Store &m_store;
    Metrics &m_metrics;
    QByteArray m_metricsToken;
};

} // namespace fastchat::server
