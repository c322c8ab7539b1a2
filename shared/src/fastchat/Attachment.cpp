// SPDX-License-Identifier: MIT
#include "Attachment.h"

#include "FileUpload.h"
#include "JsonReader.h"

#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace fastchat {

QJsonObject Attachment::toJson() const
{
    QJsonObject o{{u"file_id"_s, fileId},
                  {u"name"_s, name},
                  {u"size"_s, size},
                  {u"mime_type"_s, mimeType},
                  {u"sha256"_s, sha256}};
    if (width > 0 && height > 0) {
        o.insert(u"width"_s, width);
        o.insert(u"height"_s, height);
    }
    if (!thumbnail.isEmpty())
        o.insert(u"thumbnail"_s, QString::fromLatin1(thumbnail.toBase64()));
    if (isEncrypted()) {
        o.insert(u"key"_s, QString::fromLatin1(key.toBase64()));
        o.insert(u"blob_size"_s, blobSize);
        o.insert(u"blob_sha256"_s, blobSha256);
    }
    return o;
}

Parsed<Attachment> Attachment::fromJson(const QJsonObject &object)
{
    JsonReader r(object);
    Attachment a;
    a.fileId = r.requireString(u"file_id"_s, FileUpload::maxIdBytes);
    a.name = r.optionalString(u"name"_s, FileUpload::maxNameBytes).value_or(QString());
    a.size = r.optionalCount(u"size"_s).value_or(0);
    a.mimeType = r.optionalString(u"mime_type"_s, FileUpload::maxMimeTypeBytes).value_or(QString());
    a.sha256 = r.optionalString(u"sha256"_s, 64).value_or(QString());
    a.width = int(std::min<qint64>(r.optionalCount(u"width"_s).value_or(0), 1 << 20));
    a.height = int(std::min<qint64>(r.optionalCount(u"height"_s).value_or(0), 1 << 20));
    const QString thumbnail
            = r.optionalString(u"thumbnail"_s, maxThumbnailBytes * 2).value_or(QString());
    if (r.ok() && !FileUpload::isValidId(a.fileId))
        r.fail(u"file_id must be letters, digits, - and _"_s);
    const QString key = r.optionalString(u"key"_s, 64).value_or(QString());
    a.blobSize = r.optionalCount(u"blob_size"_s).value_or(0);
    a.blobSha256 = r.optionalString(u"blob_sha256"_s, 64).value_or(QString());
    if (r.ok() && !a.sha256.isEmpty() && !FileUpload::isValidSha256(a.sha256))
        r.fail(u"sha256 must be 64 lower-case hex digits"_s);
    if (r.ok() && !key.isEmpty()) {
        auto decoded = QByteArray::fromBase64Encoding(key.toLatin1(),
                                                      QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded || decoded.decoded.size() != keyBytes)
            r.fail(u"key must be %1 bytes in base64"_s.arg(keyBytes));
        else if (!FileUpload::isValidSha256(a.blobSha256) || !FileUpload::isValidSha256(a.sha256))
            r.fail(u"an encrypted attachment needs sha256 and blob_sha256"_s);
        else
            a.key = decoded.decoded;
    }
    if (r.ok() && !thumbnail.isEmpty()) {
        auto decoded = QByteArray::fromBase64Encoding(thumbnail.toLatin1(),
                                                      QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded)
            r.fail(u"thumbnail must be base64"_s);
        else if (decoded.decoded.size() > maxThumbnailBytes)
            r.fail(u"thumbnail is larger than %1 bytes"_s.arg(maxThumbnailBytes));
        else
            a.thumbnail = decoded.decoded;
    }
    if (!r.ok())
        return Parsed<Attachment>::failure(u"invalid_payload"_s, r.error());
    return a;
}

QString Attachment::toContent() const
{
    return QString::fromUtf8(QJsonDocument(toJson()).toJson(QJsonDocument::Compact));
}

Parsed<Attachment> Attachment::fromContent(const QString &content)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(content.toUtf8(), &error);
    if (!doc.isObject())
        return Parsed<Attachment>::failure(u"invalid_payload"_s,
                                           u"the content is not an attachment object"_s);
    return fromJson(doc.object());
}

} // namespace fastchat
