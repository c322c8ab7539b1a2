// SPDX-License-Identifier: MIT
// Synchronous HTTP for tests: each call runs a local event loop until the answer is complete
// or 10 s have passed, and returns status, headers and the parsed JSON body.
#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QNetworkAccessManager>
#include <QPair>
#include <QUrl>

namespace fctest {

using RawHeaders = QList<QPair<QByteArray, QByteArray>>;

struct HttpResponse
{
    int status = 0; // 0: no HTTP answer (see networkError)
    QByteArray body;
    RawHeaders headers;
    QString networkError; // empty when the request completed at the HTTP level
    QJsonParseError parseError{};
    QJsonDocument json;

    QByteArray header(const QByteArray &name) const; // case-insensitive; empty when absent
    QByteArray contentType() const { return header("Content-Type"); }
    bool isJsonContentType() const; // application/json (parameters allowed)
    QJsonObject object() const { return json.object(); }
    QJsonArray array() const { return json.array(); }
    bool isObject() const { return json.isObject(); }
    bool isArray() const { return json.isArray(); }
    // A non-empty string member "error": the documented error body.
    bool isErrorBody() const;
    // For failure messages: "<status> <body (first 500 bytes)>".
    QString describe() const;
};

class HttpClient
{
public:
    explicit HttpClient(const QUrl &baseUrl = {});
    void setBaseUrl(const QUrl &baseUrl) { m_base = baseUrl; }
    QUrl url(const QString &pathAndQuery) const;

    // `token` empty: no Authorization header; otherwise "Bearer <token>".
    HttpResponse get(const QString &path, const QString &token = {});
    HttpResponse del(const QString &path, const QString &token = {});
    HttpResponse post(const QString &path, const QJsonObject &body, const QString &token = {});
    HttpResponse put(const QString &path, const QJsonObject &body, const QString &token = {});
    // Any verb with a raw body and raw headers (nothing added but Content-Type for a body).
    HttpResponse send(const QByteArray &verb, const QString &path, const QByteArray &body,
                      const RawHeaders &headers, const QString &token = {});

    static constexpr int timeoutMs = 10000;

private:
    QNetworkAccessManager m_manager;
    QUrl m_base;
};

QByteArray toJsonBytes(const QJsonObject &object);

} // namespace fctest
