// SPDX-License-Identifier: MIT
#include "KeyApi.h"

#include "ApiSupport.h"
#include "app/Logging.h"
#include "http/HttpServer.h"
#include "store/KeyQueries.h"
#include "store/SqlSession.h"
#include "store/Store.h"

#include <QDateTime>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace fastchat::server {

KeyApi::KeyApi(Store &store, QObject *parent)
    : QObject(parent)
    , m_store(store)
{}

void KeyApi::registerRoutes(HttpServer &server)
{
    using Access = HttpServer::Access;

    server.route("PUT", u"/keys"_s, Access::Authenticated,
                 [this](const HttpRequest &request, const HttpResponder &responder) {
                     // Checks the shapes and the signed prekey's signature: garbage is never
                     // handed to someone starting a session.
                     auto upload = api::parseBody<crypto::PreKeyUpload>(request, responder);
                     if (!upload)
                         return;
                     const qint64 userId = request.userId();
                     m_store.write<KeyPublication>(
                             [userId, keys = std::move(*upload)](SqlSession &s) {
                                 return KeyQueries::publish(s, userId, keys,
                                                            QDateTime::currentMSecsSinceEpoch());
                             },
                             [responder, userId](Result<KeyPublication> published) {
                                 if (!published) {
                                     api::answerError(responder, published.error());
                                     return;
                                 }
                                 if (published->identityChanged)
                                     qCInfo(lcAuth) << "user" << userId << "has a new identity key";
                                 responder.json(
                                         200,
                                         QJsonObject{{u"one_time_prekeys"_s,
                                                      qint64(published->oneTimePreKeysLeft)}});
                             });
                 });

    server.route("GET", u"/keys"_s, Access::Authenticated,
                 [this](const HttpRequest &request, const HttpResponder &responder) {
                     const qint64 userId = request.userId();
                     m_store.read<qsizetype>(
                             [userId](SqlSession &s) {
                                 return KeyQueries::oneTimePreKeysLeft(s, userId);
                             },
                             [responder](Result<qsizetype> left) {
                                 if (!left)
                                     api::answerError(responder, left.error());
                                 else
                                     responder.json(200,
                                                    QJsonObject{{u"one_time_prekeys"_s,
                                                                 qint64(left.value())}});
                             });
                 });

    server.route("POST", u"/users/{id}/bundle"_s, Access::Authenticated,
                 [this](const HttpRequest &request, const HttpResponder &responder) {
                     const qint64 peerId = request.pathIds.at(0);
                     m_store.write<crypto::PreKeyBundle>(
                             [peerId](SqlSession &s) { return KeyQueries::takeBundle(s, peerId); },
                             [responder](Result<crypto::PreKeyBundle> bundle) {
                                 if (!bundle)
                                     api::answerError(responder, bundle.error());
                                 else
                                     responder.json(200, bundle->toJson());
                             });
                 });
}

} // namespace fastchat::server
