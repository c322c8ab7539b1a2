// SPDX-License-Identifier: MIT
#include "FileApi.h"

#include "ApiSupport.h"
#include "http/HttpServer.h"
#include "services/FileService.h"

#include <QJsonObject>
#include <QUrl>

#include <optional>

using namespace Qt::StringLiterals;

namespace fastchat::server {

namespace {

struct ByteRange
{
    qint64 first = 0;
    qint64 length = 0;
};

// The one range of a "Range: bytes=..." header, clipped to the file. nullopt: no usable
// Range (absent, malformed or several ranges), so the whole file is sent, as RFC 9110
// allows. An empty range marks one that lies wholly past the end (416).
std::optional<ByteRange> parseRange(const QByteArray &header, qint64 size, bool *unsatisfiable)
{
    *unsatisfiable = false;
    if (!header.startsWith("bytes=") || header.contains(','))
        return std::nullopt;
    const QByteArray spec = header.mid(6).trimmed();
    const qsizetype dash = spec.indexOf('-');
    if (dash < 0)
        return std::nullopt;
    const QByteArray from = spec.left(dash).trimmed(), to = spec.mid(dash + 1).trimmed();
    const auto number = [](const QByteArray &digits, bool *ok) -> qint64 {
        *ok = !digits.isEmpty() && std::all_of(digits.begin(), digits.end(), ::isdigit)
                && digits.size() <= 18;
        return *ok ? digits.toLongLong() : 0;
    };
    bool ok = false;
    if (from.isEmpty()) { // the last n bytes
        const qint64 n = number(to, &ok);
        if (!ok)
            return std::nullopt;
        if (n == 0 || size == 0) {
            *unsatisfiable = true;
            return ByteRange{};
        }
        return ByteRange{size - std::min(n, size), std::min(n, size)};
    }
    const qint64 first = number(from, &ok);
    if (!ok)
        return std::nullopt;
    qint64 last = size - 1;
    if (!to.isEmpty()) {
        last = number(to, &ok);
        if (!ok || last < first)
            return std::nullopt;
    }
    if (first >= size) {
        *unsatisfiable = true;
        return ByteRange{};
    }
    last = std::min(last, size - 1);
    return ByteRange{first, last - first + 1};
}

// A file name that is safe in a header: the last path part, printable ASCII without
// quotes or backslashes in the plain form, the real name in RFC 8187's filename*.
QByteArray contentDisposition(const QString &name)
{
    QString base = name.section(u'/', -1).section(u'\\', -1).trimmed();
    if (base.isEmpty() || base == u"." || base == u"..")
        base = u"file"_s;
    QByteArray ascii;
    for (QChar c : base)
        ascii += (c.unicode() >= 0x20 && c.unicode() < 0x7f && c != u'"' && c != u'\\' && c != u';')
                ? char(c.unicode())
                : '_';
    return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''"
            + QUrl::toPercentEncoding(base);
}

HttpResponder::Headers offsetHeader(const FileUpload &file)
{
    return {{"Upload-Offset", QByteArray::number(file.offset)},
            {"Upload-Length", QByteArray::number(file.size)}};
}

void answer(const HttpResponder &responder, const FileOutcome &outcome)
{
    if (outcome.ok()) {
        responder.json(outcome.status, outcome.file.toJson(), offsetHeader(outcome.file));
        return;
    }
    if (!outcome.file.id.isEmpty()) {
        // A wrong offset or a finished upload: say where the upload stands.
        responder.json(outcome.status,
                       QJsonObject{{u"error"_s, outcome.error},
                                   {u"offset"_s, outcome.file.offset},
                                   {u"file"_s, outcome.file.toJson()}},
                       offsetHeader(outcome.file));
        return;
    }
    responder.error(outcome.status, outcome.error);
}

} // namespace

FileApi::FileApi(FileService &files, QObject *parent)
    : QObject(parent)
    , m_files(files)
{}

void FileApi::registerRoutes(HttpServer &server)
{
    using Access = HttpServer::Access;

    server.route(
            "POST", u"/files"_s, Access::Authenticated,
            [this](const HttpRequest &request, const HttpResponder &responder) {
                const auto upload = api::parseBody<NewUpload>(request, responder);
                if (!upload)
                    return;
                m_files.create(request.userId(), *upload, [responder](const FileOutcome &outcome) {
                    if (!outcome.ok()) {
                        answer(responder, outcome);
                        return;
                    }
                    HttpResponder::Headers headers = offsetHeader(outcome.file);
                    headers.append({"Location", "/files/" + outcome.file.id.toLatin1()});
                    responder.json(201, outcome.file.toJson(), headers);
                });
            });

    server.route("GET", u"/files/{key}"_s, Access::Authenticated,
                 [this](const HttpRequest &request, const HttpResponder &responder) {
                     m_files.describe(request.userId(), request.pathKeys.at(0),
                                      [responder](const FileOutcome &o) { answer(responder, o); });
                 });

    server.route(
            "PATCH", u"/files/{key}"_s, Access::Authenticated,
            [this](const HttpRequest &request, const HttpResponder &responder) {
                const QByteArray type = request.header("Content-Type").split(';').first().trimmed();
                if (type != "application/offset+octet-stream"
                    && type != "application/octet-stream") {
                    responder.error(415, u"send the chunk as application/offset+octet-stream"_s);
                    return;
                }
                const QByteArray offsetText = request.header("Upload-Offset").trimmed();
                bool ok = !offsetText.isEmpty()
                        && std::all_of(offsetText.begin(), offsetText.end(), ::isdigit)
                        && offsetText.size() <= 18;
                const qint64 offset = ok ? offsetText.toLongLong() : -1;
                if (!ok) {
                    responder.error(400, u"Upload-Offset must be the byte offset of the chunk"_s);
                    return;
                }
                if (request.body.size() > FileService::maxChunkBytes) {
                    responder.error(
                            413,
                            u"a chunk may be at most %1 bytes"_s.arg(FileService::maxChunkBytes));
                    return;
                }
                m_files.append(request.userId(), request.pathKeys.at(0), offset, request.body,
                               [responder](const FileOutcome &o) { answer(responder, o); });
            });

    server.route("DELETE", u"/files/{key}"_s, Access::Authenticated,
                 [this](const HttpRequest &request, const HttpResponder &responder) {
                     m_files.remove(request.userId(), request.pathKeys.at(0),
                                    [responder](const FileOutcome &o) {
                                        if (o.ok())
                                            responder.raw(204, {}, "application/json");
                                        else
                                            answer(responder, o);
                                    });
                 });

    server.route(
            "GET", u"/files/{key}/content"_s, Access::Authenticated,
            [this](const HttpRequest &request, const HttpResponder &responder) {
                const QByteArray range = request.header("Range");
                m_files.open(
                        request.userId(), request.pathKeys.at(0),
                        [responder, range](const FileOutcome &o, std::unique_ptr<QFile> file) {
                            if (!o.ok()) {
                                answer(responder, o);
                                return;
                            }
                            const qint64 size = o.file.size;
                            HttpResponder::Headers headers{
                                    {"Accept-Ranges", "bytes"},
                                    {"X-Content-Type-Options", "nosniff"},
                                    {"Content-Disposition", contentDisposition(o.file.name)},
                                    {"Cache-Control", "private, max-age=31536000, immutable"},
                                    {"ETag", '"' + o.file.sha256.toLatin1() + '"'}};
                            bool unsatisfiable = false;
                            const auto part = parseRange(range, size, &unsatisfiable);
                            if (unsatisfiable) {
                                headers.append(
                                        {"Content-Range", "bytes */" + QByteArray::number(size)});
                                responder.error(416, u"the range lies past the end of the file"_s,
                                                headers);
                                return;
                            }
                            if (part) {
                                headers.append({"Content-Range",
                                                "bytes " + QByteArray::number(part->first) + '-'
                                                        + QByteArray::number(part->first
                                                                             + part->length - 1)
                                                        + '/' + QByteArray::number(size)});
                                responder.file(206, std::move(file), part->first, part->length,
                                               "application/octet-stream", headers);
                            } else {
                                responder.file(200, std::move(file), 0, size,
                                               "application/octet-stream", headers);
                            }
                        });
            });
}

} // namespace fastchat::server
