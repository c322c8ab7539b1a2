// SPDX-License-Identifier: MIT
#include "HttpRequest.h"

#include <QJsonDocument>
#include <QJsonParseError>

using namespace Qt::StringLiterals;

namespace fastchat::server {

QByteArray HttpRequest::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

std::optional<QJsonObject> HttpRequest::jsonBody(QString *error) const
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *error = body.trimmed().isEmpty()
                ? u"the request body must be a JSON object"_s
                : u"the request body is not valid JSON: %1"_s.arg(parseError.errorString());
        return std::nullopt;
    }
    if (!doc.isObject()) {
        *error = u"the request body must be a JSON object"_s;
        return std::nullopt;
    }
    return doc.object();
}

} // namespace fastchat::server
