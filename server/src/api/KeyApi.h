// SPDX-License-Identifier: MIT
// PUT /keys (publish one's public prekeys), GET /keys (how many one-time prekeys are
// left), POST /users/{id}/bundle (take a user's prekey bundle to start an encrypted chat:
// a POST, since it uses up one of their one-time prekeys).
#pragma once

#include <QObject>

namespace fastchat::server {

class HttpServer;
class Store;

class KeyApi : public QObject
{
    Q_OBJECT
public:
    explicit KeyApi(Store &store, QObject *parent = nullptr);
    void registerRoutes(HttpServer &server);

private:
    Store &m_store;
};

} // namespace fastchat::server
