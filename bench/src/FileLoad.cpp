// SPDX-License-Identifier: MIT
#include "FileLoad.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRandomGenerator>

using namespace Qt::StringLiterals;

namespace fastchat::bench {

namespace {

constexpr qint64 chunkBytes = 1024 * 1024;

// The bytes of chunk `index`: pseudo-random (not compressible), the same every time.
QByteArray chunkAt(qint64 index, qint64 size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    QRandomGenerator generator(quint32(index * 2654435761u + 1));
    generator.fillRange(reinterpret_cast<quint32 *>(bytes.data()), size / 4);
    return bytes;
}

QNetworkRequest requestFor(const Account &account, const QString &path)
{
    QUrl url = account.server;
    url.setPath(path);
    QNetworkRequest request(url);
    request.setRawHeader("Authorization", "Bearer " + account.token.toUtf8());
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    return request;
}

// Waits for `reply`; its status, or 0 on a network error (with *body the error text).
int finish(QNetworkReply *reply, QByteArray *body)
{
    if (!reply->isFinished()) {
        QEventLoop loop;
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
    }
    *body = reply->readAll();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 0)
        *body = reply->errorString().toUtf8();
    reply->deleteLater();
    return status;
}

} // namespace

FileResult transferFile(const Account &sender, const Account &receiver, qint64 bytes)
{
    FileResult result;
    result.bytes = bytes;
    QNetworkAccessManager net;
    QByteArray body;

    // The SHA-256 first, so that the server checks the upload against it.
    QCryptographicHash expected(QCryptographicHash::Sha256);
    for (qint64 offset = 0, i = 0; offset < bytes; offset += chunkBytes, ++i)
        expected.addData(chunkAt(i, std::min(chunkBytes, bytes - offset)));
    const QString sha256 = QString::fromLatin1(expected.result().toHex());

    QElapsedTimer clock;
    clock.start();
    QNetworkRequest create = requestFor(sender, u"/files"_s);
    create.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
    const QJsonObject announce{
            {u"size"_s, bytes}, {u"name"_s, u"bench.bin"_s}, {u"sha256"_s, sha256}};
    if (finish(net.post(create, QJsonDocument(announce).toJson()), &body) != 201) {
        result.error = u"POST /files: "_s + QString::fromUtf8(body);
        return result;
    }
    const QString id = QJsonDocument::fromJson(body).object().value(u"id"_s).toString();
    for (qint64 offset = 0, i = 0; offset < bytes; offset += chunkBytes, ++i) {
        QNetworkRequest patch = requestFor(sender, u"/files/"_s + id);
        patch.setHeader(QNetworkRequest::ContentTypeHeader,
                        QByteArray("application/offset+octet-stream"));
        patch.setRawHeader("Upload-Offset", QByteArray::number(offset));
        const QByteArray chunk = chunkAt(i, std::min(chunkBytes, bytes - offset));
        if (finish(net.sendCustomRequest(patch, "PATCH", chunk), &body) != 200) {
            result.error = u"PATCH at %1: %2"_s.arg(offset).arg(QString::fromUtf8(body));
            return result;
        }
    }
    result.uploadSeconds = double(clock.nsecsElapsed()) / 1e9;

    QNetworkRequest message = requestFor(sender, u"/chat/message"_s);
    message.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
    const QJsonObject send{{u"receiver_id"_s, receiver.id},
                           {u"type"_s, u"file"_s},
                           {u"file_id"_s, id},
                           {u"content"_s, u"{\"file_id\":\"%1\"}"_s.arg(id)}};
    if (finish(net.post(message, QJsonDocument(send).toJson()), &body) != 201) {
        result.error = u"POST /chat/message: "_s + QString::fromUtf8(body);
        return result;
    }

    clock.restart();
    QCryptographicHash got(QCryptographicHash::Sha256);
    QNetworkReply *download = net.get(requestFor(receiver, u"/files/%1/content"_s.arg(id)));
    download->setReadBufferSize(4 * chunkBytes); // stream: never the whole file here
    QObject::connect(download, &QNetworkReply::readyRead, download,
                     [download, &got] { got.addData(download->readAll()); });
    const int status = finish(download, &body);
    got.addData(body);
    result.downloadSeconds = double(clock.nsecsElapsed()) / 1e9;
    if (status != 200) {
        result.error = u"download: %1"_s.arg(status);
        return result;
    }
    result.sha256Matches = QString::fromLatin1(got.result().toHex()) == sha256;
    return result;
}

} // namespace fastchat::bench
