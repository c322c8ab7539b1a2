// SPDX-License-Identifier: MIT
// The models and frames of libfastchat-shared against docs/protocol.md: each one survives
// toJson -> fromJson, writes exactly the documented snake_case field names, and fromJson
// refuses bad input with the documented code.
#include <fastchat/Attachment.h>
#include <fastchat/Conversation.h>
#include <fastchat/FileUpload.h>
#include <fastchat/Envelope.h>
#include <fastchat/FrameType.h>
#include <fastchat/JsonWriter.h>
#include <fastchat/Frames.h>
#include <fastchat/Message.h>
#include <fastchat/NewMessage.h>
#include <fastchat/TypingStatus.h>
#include <fastchat/Time.h>
#include <fastchat/User.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>
#include <QtTest>

using namespace Qt::StringLiterals;
using namespace fastchat;

namespace {

QDateTime at(int hour, int minute, int second, int ms)
{
    return QDateTime(QDate(2026, 11, 25), QTime(hour, minute, second, ms), Qt::UTC);
}

QSet<QString> keysOf(const QJsonObject &object)
{
    const QStringList keys = object.keys();
    return QSet<QString>(keys.begin(), keys.end());
}

QSet<QString> keySet(std::initializer_list<QString> keys)
{
    return QSet<QString>(keys);
}

// The documented wire form of a time: RFC 3339, UTC, milliseconds.
bool isWireTime(const QJsonValue &value)
{
    static const QRegularExpression pattern(u"^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z$"_s);
    return value.isString() && pattern.match(value.toString()).hasMatch();
}

// A JSON integer: a number without a fraction (ids must never be strings or floats).
bool isJsonInteger(const QJsonValue &value, qint64 expected)
{
    return value.isDouble() && value.toDouble() == double(expected) && value.toInteger(-1) == expected;
}

QJsonObject parseObject(const QByteArray &text)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(text, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        qFatal("test data is not a JSON object: %s", text.constData());
    return doc.object();
}

QByteArray withValue(const QByteArray &templ, const QByteArray &value)
{
    QByteArray out = templ;
    return out.replace("@", value);
}

struct Verdict
{
    bool ok = false;
    QString code;
    QString error;
};

template <typename T>
Verdict verdictOf(const Parsed<T> &parsed)
{
    return {parsed.ok(), parsed.code(), parsed.error()};
}

// Runs the fromJson of the named model on a JSON text (Envelope: fromFrame on the raw bytes).
Verdict parseAs(const QString &model, const QByteArray &text)
{
    if (model == u"Envelope")
        return verdictOf(Envelope::fromFrame(text));
    const QJsonObject o = parseObject(text);
    if (model == u"User")
        return verdictOf(User::fromJson(o));
    if (model == u"Message")
        return verdictOf(Message::fromJson(o));
    if (model == u"NewMessage")
        return verdictOf(NewMessage::fromJson(o));
    if (model == u"Conversation")
        return verdictOf(Conversation::fromJson(o));
    if (model == u"TypingStatus")
        return verdictOf(TypingStatus::fromJson(o));
    if (model == u"Ack")
        return verdictOf(Ack::fromJson(o));
    if (model == u"ErrorFrame")
        return verdictOf(ErrorFrame::fromJson(o));
    if (model == u"ReadRequest")
        return verdictOf(ReadRequest::fromJson(o));
    if (model == u"ReadReceipt")
        return verdictOf(ReadReceipt::fromJson(o));
    if (model == u"UserStatus")
        return verdictOf(UserStatus::fromJson(o));
    if (model == u"ResumeRequest")
        return verdictOf(ResumeRequest::fromJson(o));
    if (model == u"ResumeDone")
        return verdictOf(ResumeDone::fromJson(o));
    if (model == u"NewUpload")
        return verdictOf(NewUpload::fromJson(o));
    if (model == u"Attachment")
        return verdictOf(Attachment::fromJson(o));
    qFatal("unknown model in test data");
    return {};
}

// JSON text of a string value with `count` copies of `unit` (UTF-8 source).
QByteArray jsonString(const char *unit, int count)
{
    return '"' + QByteArray(unit).repeated(count) + '"';
}

User sampleUser(qint64 id, const QString &name, const QString &email)
{
    User u;
    u.id = id;
    u.username = name;
    u.email = email;
    u.profileImage = u"https://example.org/%1.png"_s.arg(name);
    u.isOnline = true;
    u.lastSeen = at(14, 50, 26, 123);
    u.createdAt = at(9, 0, 0, 1);
    u.updatedAt = at(10, 30, 0, 999);
    return u;
}

Message sampleMessage()
{
    Message m;
    m.id = 9001;
    m.conversationId = 77;
    m.senderId = 3;
    m.receiverId = 5;
    m.content = u"héllo, wörld ✓"_s;
    m.type = u"image"_s;
    m.clientId = u"c-6f1e2a"_s;
    m.fileId = u"q3Zr-7_kPx0aB1cD2eF3gH"_s;
    m.timestamp = at(14, 50, 26, 123);
    m.readAt = at(14, 51, 0, 7);
    m.createdAt = at(14, 50, 26, 123);
    m.updatedAt = at(14, 51, 0, 7);
    return m;
}

void compareMessages(const Message &a, const Message &b)
{
    QCOMPARE(a.id, b.id);
    QCOMPARE(a.conversationId, b.conversationId);
    QCOMPARE(a.senderId, b.senderId);
    QCOMPARE(a.receiverId, b.receiverId);
    QCOMPARE(a.content, b.content);
    QCOMPARE(a.type, b.type);
    QCOMPARE(a.clientId, b.clientId);
    QCOMPARE(a.fileId, b.fileId);
    QCOMPARE(a.timestamp, b.timestamp);
    QCOMPARE(a.readAt, b.readAt);
    QCOMPARE(a.createdAt, b.createdAt);
    QCOMPARE(a.updatedAt, b.updatedAt);
}

void compareUsers(const User &a, const User &b)
{
    QCOMPARE(a.id, b.id);
    QCOMPARE(a.username, b.username);
    QCOMPARE(a.email, b.email);
    QCOMPARE(a.profileImage, b.profileImage);
    QCOMPARE(a.isOnline, b.isOnline);
    QCOMPARE(a.lastSeen, b.lastSeen);
    QCOMPARE(a.createdAt, b.createdAt);
    QCOMPARE(a.updatedAt, b.updatedAt);
}

} // namespace

class TestModels : public QObject
{
    Q_OBJECT

private slots:
    // ---- User
    void userRoundTripsWithDocumentedFieldNames()
    {
        const User user = sampleUser(42, u"alice"_s, u"alice@example.org"_s);
        const QJsonObject json = user.toJson();
        QCOMPARE(keysOf(json), keySet({u"id"_s, u"username"_s, u"email"_s, u"profile_image"_s,
                                       u"is_online"_s, u"last_seen"_s, u"created_at"_s, u"updated_at"_s}));
        QVERIFY(isJsonInteger(json[u"id"], 42));
        QCOMPARE(json[u"username"].toString(), u"alice"_s);
        QCOMPARE(json[u"email"].toString(), u"alice@example.org"_s);
        QCOMPARE(json[u"is_online"], QJsonValue(true));
        QCOMPARE(json[u"last_seen"].toString(), u"2026-11-25T14:50:26.123Z"_s);
        QVERIFY(isWireTime(json[u"created_at"]));
        QVERIFY(isWireTime(json[u"updated_at"]));

        const auto parsed = User::fromJson(json);
        QVERIFY2(parsed.ok(), qPrintable(parsed.error()));
        compareUsers(parsed.value(), user);
    }

    void userWithoutEmailOmitsTheFieldAndNeverHasAPassword()
    {
        User user = sampleUser(7, u"bob"_s, QString());
        user.lastSeen = QDateTime();
        const QJsonObject json = user.toJson();
        QVERIFY(!json.contains(u"email"));
        QVERIFY(!json.contains(u"password"));
        QVERIFY(json.contains(u"last_seen"));
        QVERIFY(json[u"last_seen"].isNull());
        const auto parsed = User::fromJson(json);
        QVERIFY2(parsed.ok(), qPrintable(parsed.error()));
        QVERIFY(parsed->email.isEmpty());
        QVERIFY(!parsed->lastSeen.isValid());
    }

    // ---- Message
    void messageRoundTripsWithDocumentedFieldNames()
    {
        const Message message = sampleMessage();
        const QJsonObject json = message.toJson();
        QCOMPARE(keysOf(json), keySet({u"id"_s, u"conversation_id"_s, u"sender_id"_s, u"receiver_id"_s,
                                       u"content"_s, u"type"_s, u"client_id"_s, u"file_id"_s,
                                       u"timestamp"_s, u"read_at"_s, u"created_at"_s, u"updated_at"_s}));
        QVERIFY(isJsonInteger(json[u"id"], 9001));
        QVERIFY(isJsonInteger(json[u"conversation_id"], 77));
        QVERIFY(isJsonInteger(json[u"sender_id"], 3));
        QVERIFY(isJsonInteger(json[u"receiver_id"], 5));
        QCOMPARE(json[u"content"].toString(), message.content);
        QCOMPARE(json[u"type"].toString(), u"image"_s);
        QCOMPARE(json[u"client_id"].toString(), u"c-6f1e2a"_s);
        QCOMPARE(json[u"file_id"].toString(), u"q3Zr-7_kPx0aB1cD2eF3gH"_s);
        QCOMPARE(json[u"timestamp"].toString(), u"2026-11-25T14:50:26.123Z"_s);
        QCOMPARE(json[u"read_at"].toString(), u"2026-11-25T14:51:00.007Z"_s);
        QVERIFY(isWireTime(json[u"created_at"]));
        QVERIFY(isWireTime(json[u"updated_at"]));

        const auto parsed = Message::fromJson(json);
        QVERIFY2(parsed.ok(), qPrintable(parsed.error()));
        compareMessages(parsed.value(), message);
    }

    void messageAndAckWithoutConversationSurviveTheirOwnJson()
    {
        // The client caches what toJson() wrote and reads it back with fromJson().
        Message message = sampleMessage();
        message.conversationId = 0;
        QVERIFY(message.toJson()[u"conversation_id"].isNull());
        QCOMPARE(QJsonDocument::fromJson(message.toChatMessageFrame()).object(),
                 (Envelope{FrameType::ChatMessage, message.toJson()}.toJson()));
        const auto parsed = Message::fromJson(message.toJson());
        QVERIFY2(parsed.ok(), qPrintable(parsed.error()));
        compareMessages(parsed.value(), message);

        const Ack ack{u"c"_s, 12, 0, QDateTime::fromMSecsSinceEpoch(951782400000, Qt::UTC)};
        QVERIFY(ack.toJson()[u"conversation_id"].isNull());
        QCOMPARE(QJsonDocument::fromJson(ack.toFrame()).object(), (Envelope{FrameType::Ack, ack.toJson()}.toJson()));
        const auto ackParsed = Ack::fromJson(ack.toJson());
        QVERIFY2(ackParsed.ok(), qPrintable(ackParsed.error()));
        QCOMPARE(ackParsed.value().conversationId, 0);
    }

    void fileUploadRoundTripsWithDocumentedFieldNames()
    {
        FileUpload f;
        f.id = u"Zx_-09abcdefghijklmnop"_s;
        f.ownerId = 4;
        f.name = u"report ✓.pdf"_s;
        f.mimeType = u"application/pdf"_s;
        f.size = 5 * 1024 * 1024;
        f.offset = f.size;
        f.complete = true;
        f.sha256 = QString(64, u'a');
        f.createdAt = at(9, 0, 0, 1);
        const QJsonObject json = f.toJson();
        QCOMPARE(keysOf(json), keySet({u"id"_s, u"owner_id"_s, u"name"_s, u"mime_type"_s, u"size"_s,
                                       u"offset"_s, u"complete"_s, u"sha256"_s, u"created_at"_s}));
        QVERIFY(isJsonInteger(json[u"size"], 5 * 1024 * 1024));
        const auto parsed = FileUpload::fromJson(json);
        QVERIFY2(parsed.ok(), qPrintable(parsed.error()));
        QCOMPARE(parsed->id, f.id);
        QCOMPARE(parsed->name, f.name);
        QCOMPARE(parsed->size, f.size);
        QCOMPARE(parsed->offset, f.offset);
        QCOMPARE(parsed->sha256, f.sha256);
        QCOMPARE(parsed->createdAt, f.createdAt);

        f.complete = false;
        f.offset = 3;
        f.sha256.clear();
        QVERIFY(f.toJson()[u"sha256"].isNull());
        QVERIFY(FileUpload::fromJson(f.toJson()).ok());
    }

    void attachmentRoundTripsThroughMessageContent()
    {
        Attachment a;
        a.fileId = u"Zx_-09abcdefghijklmnop"_s;
        a.name = u"../../etc/passwd"_s; // only a label for the receiver
        a.size = 123;
        a.mimeType = u"image/png"_s;
        a.sha256 = QString(64, u'0');
        a.width = 640;
        a.height = 480;
        a.thumbnail = QByteArray(8 * 1024, '\x7f');
        const auto parsed = Attachment::fromContent(a.toContent());
        QVERIFY2(parsed.ok(), qPrintable(parsed.error()));
        QCOMPARE(parsed->fileId, a.fileId);
        QCOMPARE(parsed->name, a.name);
        QCOMPARE(parsed->size, a.size);
        QCOMPARE(parsed->width, 640);
        QCOMPARE(parsed->height, 480);
        QCOMPARE(parsed->thumbnail, a.thumbnail);
        QVERIFY(parsed->isImage());
        QVERIFY(a.toContent().toUtf8().size() < NewMessage::maxContentBytes);
        QVERIFY(!Attachment::fromContent(u"just text"_s).ok());
        QVERIFY(!parsed->isEncrypted());
        QVERIFY(!a.toJson().contains(u"key"_s));
    }

    void encryptedAttachmentCarriesItsKeyAndBlob()
    {
        Attachment a;
        a.fileId = u"Zx_-09abcdefghijklmnop"_s;
        a.name = u"report.pdf"_s;
        a.size = 1000;
        a.sha256 = QString(64, u'a');
        a.key = QByteArray(Attachment::keyBytes, '\x01');
        a.blobSize = 1041;
        a.blobSha256 = QString(64, u'b');
        const auto parsed = Attachment::fromContent(a.toContent());
        QVERIFY2(parsed.ok(), qPrintable(parsed.error()));
        QVERIFY(parsed->isEncrypted());
        QCOMPARE(parsed->key, a.key);
        QCOMPARE(parsed->storedSize(), 1041);
        QCOMPARE(parsed->storedSha256(), QString(64, u'b'));
        QCOMPARE(parsed->size, 1000);

        QJsonObject shortKey = a.toJson();
        shortKey.insert(u"key"_s, QString::fromLatin1(QByteArray(16, '\x01').toBase64()));
        QVERIFY(!Attachment::fromJson(shortKey).ok());
        QJsonObject noBlobHash = a.toJson();
        noBlobHash.remove(u"blob_sha256"_s);
        QVERIFY(!Attachment::fromJson(noBlobHash).ok());
        QJsonObject notBase64 = a.toJson();
        notBase64.insert(u"key"_s, u"!!"_s);
        QVERIFY(!Attachment::fromJson(notBase64).ok());
    }

    void newMessageCarriesAFileIdForImagesAndFiles()
    {
        for (const char *type : {"image", "file"}) {
            const auto m = NewMessage::fromJson(parseObject(
                    R"({"receiver_id": 2, "content": "{}", "type": ")" + QByteArray(type)
                    + R"(", "file_id": "Zx_-09abc"})"));
            QVERIFY2(m.ok(), qPrintable(m.error()));
            QCOMPARE(m->fileId, u"Zx_-09abc"_s);
            QCOMPARE(m->toJson()[u"file_id"].toString(), u"Zx_-09abc"_s);
        }
        // The seed's image messages carry no file: still accepted.
        const QByteArray seedImage = R"({"receiver_id": 2, "content": "http://x/y.png", "type": "image"})";
        QVERIFY(NewMessage::fromJson(parseObject(seedImage)).ok());
    }

    void unreadMessageHasNullReadAtAndNullClientId()
    {
        Message message = sampleMessage();
        message.readAt = QDateTime();
        message.clientId.clear();
        const QJsonObject json = message.toJson();
        QVERIFY(json.contains(u"read_at"));
        QVERIFY(json[u"read_at"].isNull());
        QVERIFY(json.contains(u"client_id"));
        QVERIFY(json[u"client_id"].isNull());
        const auto parsed = Message::fromJson(json);
        QVERIFY2(parsed.ok(), qPrintable(parsed.error()));
        QVERIFY(!parsed->readAt.isValid());
        QVERIFY(parsed->clientId.isEmpty());
    }

    void timesAreWrittenInUtcWithMilliseconds()
    {
        Message message = sampleMessage();
        // 16:50:26.123 at +02:00 is 14:50:26.123 UTC; a whole second still shows ".000".
        message.timestamp = QDateTime(QDate(2026, 11, 25), QTime(16, 50, 26, 123), Qt::OffsetFromUTC, 7200);
        message.createdAt = at(14, 50, 26, 0);
        const QJsonObject json = message.toJson();
        QCOMPARE(json[u"timestamp"].toString(), u"2026-11-25T14:50:26.123Z"_s);
        QCOMPARE(json[u"created_at"].toString(), u"2026-11-25T14:50:26.000Z"_s);
    }

    void messageFromJsonAcceptsTheSeedShapeAndIgnoresUnknownFields()
    {
        // The seed's message: no conversation_id, no client_id, plus fields we do not know.
        const QJsonObject seed = parseObject(
                R"({"id": 1, "sender_id": 2, "receiver_id": 3, "content": "hi", "timestamp": "2026-11-25T14:50:26.123Z",
                    "read_at": null, "type": "text", "created_at": "2026-11-25T14:50:26.123Z",
                    "deleted_at": null, "future_field": {"x": 1}})");
        const auto parsed = Message::fromJson(seed);
        QVERIFY2(parsed.ok(), qPrintable(parsed.error()));
        QCOMPARE(parsed->id, 1);
        QCOMPARE(parsed->content, u"hi"_s);
        QCOMPARE(parsed->type, u"text"_s);
        QVERIFY(!parsed->readAt.isValid());
        QCOMPARE(parsed->timestamp, at(14, 50, 26, 123));
    }

    void timeWithAnOffsetIsReadAsTheSameInstant()
    {
        const QJsonObject json = parseObject(
                R"({"id": 1, "sender_id": 2, "receiver_id": 3, "content": "hi", "timestamp": "2026-11-25T16:50:26.123+02:00"})");
        const auto parsed = Message::fromJson(json);
        QVERIFY2(parsed.ok(), qPrintable(parsed.error()));
        QCOMPARE(parsed->timestamp.toMSecsSinceEpoch(), at(14, 50, 26, 123).toMSecsSinceEpoch());
    }

    // ---- NewMessage
    void newMessageRoundTripsWithDocumentedFieldNames()
    {
        NewMessage m;
        m.receiverId = 5;
        m.content = u"hello"_s;
        m.type = u"file"_s;
        m.clientId = u"local-1"_s;
        const QJsonObject json = m.toJson();
        QCOMPARE(keysOf(json), keySet({u"receiver_id"_s, u"content"_s, u"type"_s, u"client_id"_s}));
        QVERIFY(isJsonInteger(json[u"receiver_id"], 5));
        const auto parsed = NewMessage::fromJson(json);
        QVERIFY2(parsed.ok(), qPrintable(parsed.error()));
        QCOMPARE(parsed->receiverId, 5);
        QCOMPARE(parsed->content, u"hello"_s);
        QCOMPARE(parsed->type, u"file"_s);
        QCOMPARE(parsed->clientId, u"local-1"_s);

        m.clientId.clear();
        const auto again = NewMessage::fromJson(m.toJson());
        QVERIFY2(again.ok(), qPrintable(again.error()));
        QVERIFY(again->clientId.isEmpty());
    }

    void newMessageTypeDefaultsToText()
    {
        const auto parsed = NewMessage::fromJson(parseObject(R"({"receiver_id": 2, "content": "hi"})"));
        QVERIFY2(parsed.ok(), qPrintable(parsed.error()));
        QCOMPARE(parsed->type, u"text"_s);
        QVERIFY(parsed->clientId.isEmpty());
    }

    // ---- Conversation
    void conversationRoundTripsWithDocumentedFieldNames()
    {
        Conversation c;
        c.id = 77;
        c.user1Id = 3;
        c.user2Id = 5;
        c.lastMessageId = 9001;
        c.unreadCount = 4;
        c.lastMessage = sampleMessage();
        c.peer = sampleUser(5, u"carol"_s, QString());
        c.createdAt = at(8, 0, 0, 0);
        c.updatedAt = at(14, 50, 26, 123);
        const QJsonObject json = c.toJson();
        QCOMPARE(keysOf(json), keySet({u"id"_s, u"user1_id"_s, u"user2_id"_s, u"last_message_id"_s,
                                       u"unread_count"_s, u"last_message"_s, u"peer_id"_s, u"peer"_s,
                                       u"created_at"_s, u"updated_at"_s}));
        QVERIFY(isJsonInteger(json[u"id"], 77));
        QVERIFY(isJsonInteger(json[u"user1_id"], 3));
        QVERIFY(isJsonInteger(json[u"user2_id"], 5));
        QVERIFY(isJsonInteger(json[u"last_message_id"], 9001));
        QVERIFY(isJsonInteger(json[u"unread_count"], 4));
        QVERIFY(isJsonInteger(json[u"peer_id"], 5));
        QVERIFY(json[u"last_message"].isObject());
        QVERIFY(isJsonInteger(json[u"last_message"].toObject()[u"id"], 9001));
        QVERIFY(json[u"peer"].isObject());
        QCOMPARE(json[u"peer"].toObject()[u"username"].toString(), u"carol"_s);
        QVERIFY(!json[u"peer"].toObject().contains(u"email"));
        QCOMPARE(json[u"updated_at"].toString(), u"2026-11-25T14:50:26.123Z"_s);

        const auto parsed = Conversation::fromJson(json);
        QVERIFY2(parsed.ok(), qPrintable(parsed.error()));
        QCOMPARE(parsed->id, 77);
        QCOMPARE(parsed->user1Id, 3);
        QCOMPARE(parsed->user2Id, 5);
        QCOMPARE(parsed->lastMessageId, 9001);
        QCOMPARE(parsed->unreadCount, 4);
        QCOMPARE(parsed->createdAt, c.createdAt);
        QCOMPARE(parsed->updatedAt, c.updatedAt);
        QVERIFY(parsed->lastMessage.has_value());
        compareMessages(*parsed->lastMessage, *c.lastMessage);
        QVERIFY(parsed->peer.has_value());
        compareUsers(*parsed->peer, *c.peer);
    }

    // ---- TypingStatus
    void typingStatusFromServerCarriesSenderAndSeedUserId()
    {
        TypingStatus t;
        t.senderId = 3;
        t.receiverId = 5;
        t.isTyping = true;
        t.timestamp = at(14, 50, 26, 123);
        const QJsonObject json = t.toJson();
        QCOMPARE(keysOf(json), keySet({u"sender_id"_s, u"user_id"_s, u"receiver_id"_s, u"is_typing"_s, u"timestamp"_s}));
        QVERIFY(isJsonInteger(json[u"sender_id"], 3));
        QVERIFY(isJsonInteger(json[u"user_id"], 3));
        QVERIFY(isJsonInteger(json[u"receiver_id"], 5));
        QCOMPARE(json[u"is_typing"], QJsonValue(true));
        QCOMPARE(json[u"timestamp"].toString(), u"2026-11-25T14:50:26.123Z"_s);
        const auto parsed = TypingStatus::fromJson(json);
        QVERIFY2(parsed.ok(), qPrintable(parsed.error()));
        QCOMPARE(parsed->senderId, 3);
        QCOMPARE(parsed->receiverId, 5);
        QCOMPARE(parsed->isTyping, true);
        QCOMPARE(parsed->timestamp, t.timestamp);
    }

    void typingStatusFromClientNeedsOnlyReceiverAndFlag()
    {
        const auto parsed = TypingStatus::fromJson(parseObject(R"({"receiver_id": 2, "is_typing": false})"));
        QVERIFY2(parsed.ok(), qPrintable(parsed.error()));
        QCOMPARE(parsed->receiverId, 2);
        QCOMPARE(parsed->isTyping, false);
        QCOMPARE(parsed->senderId, 0);
    }

    // ---- small frames
    void ackRoundTripsWithDocumentedFieldNames()
    {
        Ack a;
        a.clientId = u"c-1"_s;
        a.id = 12;
        a.conversationId = 4;
        a.timestamp = at(14, 50, 26, 123);
        const QJsonObject json = a.toJson();
        QCOMPARE(keysOf(json), keySet({u"client_id"_s, u"id"_s, u"conversation_id"_s, u"timestamp"_s}));
        QCOMPARE(json[u"client_id"].toString(), u"c-1"_s);
        QVERIFY(isJsonInteger(json[u"id"], 12));
        QVERIFY(isJsonInteger(json[u"conversation_id"], 4));
        QCOMPARE(json[u"timestamp"].toString(), u"2026-11-25T14:50:26.123Z"_s);
        const auto parsed = Ack::fromJson(json);
        QVERIFY2(parsed.ok(), qPrintable(parsed.error()));
        QCOMPARE(parsed->clientId, a.clientId);
        QCOMPARE(parsed->id, a.id);
        QCOMPARE(parsed->conversationId, a.conversationId);
        QCOMPARE(parsed->timestamp, a.timestamp);
    }

    void errorFrameRoundTripsWithDocumentedFieldNames()
    {
        ErrorFrame e;
        e.code = u"invalid_payload"_s;
        e.message = u"receiver_id is required"_s;
        e.clientId = u"c-9"_s;
        QJsonObject json = e.toJson();
        QCOMPARE(keysOf(json), keySet({u"code"_s, u"message"_s, u"client_id"_s}));
        auto parsed = ErrorFrame::fromJson(json);
        QVERIFY2(parsed.ok(), qPrintable(parsed.error()));
        QCOMPARE(parsed->code, e.code);
        QCOMPARE(parsed->message, e.message);
        QCOMPARE(parsed->clientId, e.clientId);

        e.clientId.clear();
        json = e.toJson();
        QVERIFY(keysOf(json).contains(u"code"_s));
        QVERIFY(keysOf(json).contains(u"message"_s));
        QVERIFY(json[u"client_id"].isUndefined() || json[u"client_id"].isNull());
        parsed = ErrorFrame::fromJson(json);
        QVERIFY2(parsed.ok(), qPrintable(parsed.error()));
        QVERIFY(parsed->clientId.isEmpty());
    }

    void readRequestRoundTripsWithDocumentedFieldNames()
    {
        ReadRequest r;
        r.peerId = 5;
        r.messageId = 300;
        const QJsonObject json = r.toJson();
        QCOMPARE(keysOf(json), keySet({u"peer_id"_s, u"message_id"_s}));
        QVERIFY(isJsonInteger(json[u"peer_id"], 5));
        QVERIFY(isJsonInteger(json[u"message_id"], 300));
        const auto parsed = ReadRequest::fromJson(json);
        QVERIFY2(parsed.ok(), qPrintable(parsed.error()));
        QCOMPARE(parsed->peerId, 5);
        QCOMPARE(parsed->messageId, 300);
    }

    void readReceiptRoundTripsWithDocumentedFieldNames()
    {
        ReadReceipt r;
        r.conversationId = 4;
        r.readerId = 5;
        r.peerId = 3;
        r.messageId = 300;
        r.unreadCount = 0;
        r.readAt = at(14, 50, 26, 123);
        const QJsonObject json = r.toJson();
        QCOMPARE(keysOf(json), keySet({u"conversation_id"_s, u"reader_id"_s, u"peer_id"_s, u"message_id"_s,
                                       u"unread_count"_s, u"read_at"_s}));
        QVERIFY(isJsonInteger(json[u"unread_count"], 0));
        QCOMPARE(json[u"read_at"].toString(), u"2026-11-25T14:50:26.123Z"_s);
        const auto parsed = ReadReceipt::fromJson(json);
        QVERIFY2(parsed.ok(), qPrintable(parsed.error()));
        QCOMPARE(parsed->conversationId, 4);
        QCOMPARE(parsed->readerId, 5);
        QCOMPARE(parsed->peerId, 3);
        QCOMPARE(parsed->messageId, 300);
        QCOMPARE(parsed->unreadCount, 0);
        QCOMPARE(parsed->readAt, r.readAt);
    }

    void userStatusRoundTripsWithDocumentedFieldNames()
    {
        UserStatus s;
        s.userId = 3;
        s.isOnline = false;
        s.lastSeen = at(14, 50, 26, 123);
        const QJsonObject json = s.toJson();
        QCOMPARE(keysOf(json), keySet({u"user_id"_s, u"is_online"_s, u"last_seen"_s}));
        QCOMPARE(json[u"is_online"], QJsonValue(false));
        QCOMPARE(json[u"last_seen"].toString(), u"2026-11-25T14:50:26.123Z"_s);
        const auto parsed = UserStatus::fromJson(json);
        QVERIFY2(parsed.ok(), qPrintable(parsed.error()));
        QCOMPARE(parsed->userId, 3);
        QCOMPARE(parsed->isOnline, false);
        QCOMPARE(parsed->lastSeen, s.lastSeen);
    }

    void resumeFramesRoundTripWithDocumentedFieldNames()
    {
        ResumeRequest q;
        q.lastMessageId = 0; // "from 0": the client has nothing yet
        QJsonObject json = q.toJson();
        QCOMPARE(keysOf(json), keySet({u"last_message_id"_s}));
        QVERIFY(isJsonInteger(json[u"last_message_id"], 0));
        const auto request = ResumeRequest::fromJson(json);
        QVERIFY2(request.ok(), qPrintable(request.error()));
        QCOMPARE(request->lastMessageId, 0);

        ResumeDone d;
        d.lastMessageId = 120;
        d.count = 17;
        json = d.toJson();
        QCOMPARE(keysOf(json), keySet({u"last_message_id"_s, u"count"_s}));
        const auto done = ResumeDone::fromJson(json);
        QVERIFY2(done.ok(), qPrintable(done.error()));
        QCOMPARE(done->lastMessageId, 120);
        QCOMPARE(done->count, 17);
    }

    // ---- Envelope and frame types
    void everyDocumentedFrameTypeRoundTripsThroughTheEnvelope_data()
    {
        QTest::addColumn<QString>("wireName");
        for (const char *name : {"chat_message", "typing_status", "user_status", "ack", "error", "read",
                                 "read_receipt", "resume", "resume_done", "ping", "pong"})
            QTest::addRow("%s", name) << QString::fromLatin1(name);
    }
    void everyDocumentedFrameTypeRoundTripsThroughTheEnvelope()
    {
        QFETCH(QString, wireName);
        const auto type = frameTypeFromName(wireName);
        QVERIFY(type.has_value());
        QCOMPARE(frameTypeName(*type), wireName);

        Envelope envelope{*type, QJsonObject{{u"n"_s, 1}}};
        const QByteArray frame = envelope.toFrame();
        QVERIFY(!frame.contains('\n')); // one compact object per frame
        const QJsonObject raw = parseObject(frame);
        QCOMPARE(keysOf(raw), keySet({u"type"_s, u"payload"_s}));
        QCOMPARE(raw[u"type"].toString(), wireName);
        QCOMPARE(raw[u"payload"].toObject(), envelope.payload);

        const auto parsed = Envelope::fromFrame(frame);
        QVERIFY2(parsed.ok(), qPrintable(parsed.error()));
        QCOMPARE(parsed->type, *type);
        QCOMPARE(parsed->payload, envelope.payload);
    }

    // ---- valid edge cases that must be accepted
    void fromJsonAcceptsEdgeCases_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<QByteArray>("json");

        QTest::addRow("NewMessage content exactly 64 KiB")
                << u"NewMessage"_s << QByteArray(R"({"receiver_id": 2, "content": )" + jsonString("a", 65536) + "}");
        QTest::addRow("NewMessage 64 KiB of two-byte characters")
                << u"NewMessage"_s << QByteArray(R"({"receiver_id": 2, "content": )" + jsonString("é", 32768) + "}");
        QTest::addRow("NewMessage image with empty content")
                << u"NewMessage"_s << QByteArray(R"({"receiver_id": 2, "content": "", "type": "image"})");
        QTest::addRow("NewMessage id 2^53-1")
                << u"NewMessage"_s << QByteArray(R"({"receiver_id": 9007199254740991, "content": "x"})");
        QTest::addRow("NewMessage id written as 2.0e1")
                << u"NewMessage"_s << QByteArray(R"({"receiver_id": 2.0e1, "content": "x"})");
        QTest::addRow("ResumeRequest from 0")
                << u"ResumeRequest"_s << QByteArray(R"({"last_message_id": 0})");
        QTest::addRow("Envelope ping with empty payload")
                << u"Envelope"_s << QByteArray(R"({"type": "ping", "payload": {}})");
        QTest::addRow("Envelope with unknown extra member")
                << u"Envelope"_s << QByteArray(R"({"type": "ping", "payload": {}, "v": 2})");
    }
    void fromJsonAcceptsEdgeCases()
    {
        QFETCH(QString, model);
        QFETCH(QByteArray, json);
        const Verdict v = parseAs(model, json);
        QVERIFY2(v.ok, qPrintable(u"refused with %1: %2"_s.arg(v.code, v.error)));
    }

    // ---- bad input
    void fromJsonRefusesBadInputWithTheDocumentedCode_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("code");
        const QString invalid = u"invalid_payload"_s;

        // Ids: JSON integers, positive, at most 2^53. '@' marks the id under test.
        const QList<std::pair<const char *, QByteArray>> badIds = {
            {"zero", "0"},
            {"negative", "-4"},
            {"fractional", "1.5"},
            {"string", "\"5\""},
            {"bool", "true"},
            {"object", "{}"},
            {"over 2^53 (2^53+2)", "9007199254740994"},
            {"over 2^53 (2^53+1)", "9007199254740993"},
            {"huge", "1e300"},
        };
        const QList<std::tuple<const char *, const char *, QByteArray>> idFields = {
            {"User", "id", R"({"id": @, "username": "a"})"},
            {"Message", "id", R"({"id": @, "sender_id": 2, "receiver_id": 3, "content": "x"})"},
            {"Message", "sender_id", R"({"id": 1, "sender_id": @, "receiver_id": 3, "content": "x"})"},
            {"Message", "receiver_id", R"({"id": 1, "sender_id": 2, "receiver_id": @, "content": "x"})"},
            {"NewMessage", "receiver_id", R"({"receiver_id": @, "content": "x"})"},
            {"Conversation", "user1_id", R"({"id": 1, "user1_id": @, "user2_id": 3})"},
            {"TypingStatus", "receiver_id", R"({"receiver_id": @, "is_typing": true})"},
            {"Ack", "id", R"({"client_id": "c", "id": @})"},
            {"ReadRequest", "peer_id", R"({"peer_id": @, "message_id": 3})"},
            {"ReadRequest", "message_id", R"({"peer_id": 2, "message_id": @})"},
            {"ReadReceipt", "reader_id", R"({"conversation_id": 1, "reader_id": @, "peer_id": 2, "message_id": 3})"},
            {"UserStatus", "user_id", R"({"user_id": @, "is_online": true})"},
        };
        for (const auto &[model, field, templ] : idFields)
            for (const auto &[what, value] : badIds)
                QTest::addRow("%s.%s %s", model, field, what)
                        << QString::fromLatin1(model) << withValue(templ, value) << invalid;

        // Missing required fields.
        QTest::addRow("User without id") << u"User"_s << QByteArray(R"({"username": "a"})") << invalid;
        QTest::addRow("User without username") << u"User"_s << QByteArray(R"({"id": 1})") << invalid;
        QTest::addRow("Message without sender_id") << u"Message"_s
                << QByteArray(R"({"id": 1, "receiver_id": 3, "content": "x"})") << invalid;
        QTest::addRow("Message without content") << u"Message"_s
                << QByteArray(R"({"id": 1, "sender_id": 2, "receiver_id": 3})") << invalid;
        QTest::addRow("NewMessage without receiver_id") << u"NewMessage"_s << QByteArray(R"({"content": "x"})") << invalid;
        QTest::addRow("NewMessage with null receiver_id") << u"NewMessage"_s
                << QByteArray(R"({"receiver_id": null, "content": "x"})") << invalid;
        QTest::addRow("NewMessage without content") << u"NewMessage"_s << QByteArray(R"({"receiver_id": 2})") << invalid;
        QTest::addRow("NewMessage with NUL in content") << u"NewMessage"_s
                << QByteArray(R"({"receiver_id": 2, "content": "a\u0000b"})") << invalid;
        QTest::addRow("NewMessage with NUL in client_id") << u"NewMessage"_s
                << QByteArray(R"({"receiver_id": 2, "content": "x", "client_id": "c\u0000"})") << invalid;
        QTest::addRow("Conversation without id") << u"Conversation"_s
                << QByteArray(R"({"user1_id": 1, "user2_id": 2})") << invalid;
        QTest::addRow("TypingStatus without is_typing") << u"TypingStatus"_s << QByteArray(R"({"receiver_id": 2})") << invalid;
        QTest::addRow("TypingStatus without receiver_id") << u"TypingStatus"_s << QByteArray(R"({"is_typing": true})") << invalid;
        QTest::addRow("Ack without id") << u"Ack"_s << QByteArray(R"({"client_id": "c"})") << invalid;
        QTest::addRow("ErrorFrame without code") << u"ErrorFrame"_s << QByteArray(R"({"message": "m"})") << invalid;
        QTest::addRow("ReadRequest without message_id") << u"ReadRequest"_s << QByteArray(R"({"peer_id": 2})") << invalid;
        QTest::addRow("ReadReceipt without message_id") << u"ReadReceipt"_s
                << QByteArray(R"({"conversation_id": 1, "reader_id": 2, "peer_id": 3})") << invalid;
        QTest::addRow("UserStatus without is_online") << u"UserStatus"_s << QByteArray(R"({"user_id": 2})") << invalid;

        // Wrong types of other fields.
        QTest::addRow("User username number") << u"User"_s << QByteArray(R"({"id": 1, "username": 5})") << invalid;
        QTest::addRow("User email number") << u"User"_s << QByteArray(R"({"id": 1, "username": "a", "email": 5})") << invalid;
        QTest::addRow("User is_online string") << u"User"_s
                << QByteArray(R"({"id": 1, "username": "a", "is_online": "yes"})") << invalid;
        QTest::addRow("User created_at not a time") << u"User"_s
                << QByteArray(R"({"id": 1, "username": "a", "created_at": "yesterday"})") << invalid;
        QTest::addRow("User last_seen number") << u"User"_s
                << QByteArray(R"({"id": 1, "username": "a", "last_seen": 1764082226})") << invalid;
        QTest::addRow("Message content number") << u"Message"_s
                << QByteArray(R"({"id": 1, "sender_id": 2, "receiver_id": 3, "content": 5})") << invalid;
        QTest::addRow("Message type number") << u"Message"_s
                << QByteArray(R"({"id": 1, "sender_id": 2, "receiver_id": 3, "content": "x", "type": 1})") << invalid;
        QTest::addRow("Message read_at number") << u"Message"_s
                << QByteArray(R"({"id": 1, "sender_id": 2, "receiver_id": 3, "content": "x", "read_at": 5})") << invalid;
        QTest::addRow("Message client_id number") << u"Message"_s
                << QByteArray(R"({"id": 1, "sender_id": 2, "receiver_id": 3, "content": "x", "client_id": 5})") << invalid;
        QTest::addRow("NewMessage content number") << u"NewMessage"_s
                << QByteArray(R"({"receiver_id": 2, "content": 5})") << invalid;
        QTest::addRow("NewMessage content array") << u"NewMessage"_s
                << QByteArray(R"({"receiver_id": 2, "content": ["x"]})") << invalid;
        QTest::addRow("NewMessage type number") << u"NewMessage"_s
                << QByteArray(R"({"receiver_id": 2, "content": "x", "type": 3})") << invalid;
        QTest::addRow("NewMessage client_id number") << u"NewMessage"_s
                << QByteArray(R"({"receiver_id": 2, "content": "x", "client_id": 3})") << invalid;
        QTest::addRow("Conversation unread_count negative") << u"Conversation"_s
                << QByteArray(R"({"id": 1, "user1_id": 1, "user2_id": 2, "unread_count": -1})") << invalid;
        QTest::addRow("Conversation last_message number") << u"Conversation"_s
                << QByteArray(R"({"id": 1, "user1_id": 1, "user2_id": 2, "last_message": 5})") << invalid;
        QTest::addRow("Conversation last_message without id") << u"Conversation"_s
                << QByteArray(R"({"id": 1, "user1_id": 1, "user2_id": 2, "last_message": {"sender_id": 1, "receiver_id": 2, "content": "x"}})")
                << invalid;
        QTest::addRow("TypingStatus is_typing string") << u"TypingStatus"_s
                << QByteArray(R"({"receiver_id": 2, "is_typing": "true"})") << invalid;
        QTest::addRow("TypingStatus is_typing number") << u"TypingStatus"_s
                << QByteArray(R"({"receiver_id": 2, "is_typing": 1})") << invalid;
        QTest::addRow("Ack client_id number") << u"Ack"_s << QByteArray(R"({"client_id": 5, "id": 1})") << invalid;
        QTest::addRow("ErrorFrame code number") << u"ErrorFrame"_s << QByteArray(R"({"code": 5})") << invalid;
        QTest::addRow("ReadReceipt unread_count negative") << u"ReadReceipt"_s
                << QByteArray(R"({"conversation_id": 1, "reader_id": 2, "peer_id": 3, "message_id": 4, "unread_count": -2})")
                << invalid;
        QTest::addRow("UserStatus is_online number") << u"UserStatus"_s
                << QByteArray(R"({"user_id": 2, "is_online": 1})") << invalid;
        QTest::addRow("ResumeRequest negative") << u"ResumeRequest"_s << QByteArray(R"({"last_message_id": -1})") << invalid;
        QTest::addRow("ResumeRequest fractional") << u"ResumeRequest"_s << QByteArray(R"({"last_message_id": 2.5})") << invalid;
        QTest::addRow("ResumeRequest string") << u"ResumeRequest"_s << QByteArray(R"({"last_message_id": "7"})") << invalid;
        QTest::addRow("ResumeDone count negative") << u"ResumeDone"_s
                << QByteArray(R"({"last_message_id": 1, "count": -1})") << invalid;

        // Content: at most 64 KiB of UTF-8, measured in bytes; a text message is not empty.
        QTest::addRow("NewMessage content 64 KiB + 1") << u"NewMessage"_s
                << QByteArray(R"({"receiver_id": 2, "content": )" + jsonString("a", 65537) + "}") << u"too_large"_s;
        QTest::addRow("NewMessage content over 64 KiB in bytes, not in characters") << u"NewMessage"_s
                << QByteArray(R"({"receiver_id": 2, "content": )" + jsonString("é", 33000) + "}") << u"too_large"_s;
        QTest::addRow("NewMessage content 200 KiB") << u"NewMessage"_s
                << QByteArray(R"({"receiver_id": 2, "type": "file", "content": )" + jsonString("a", 200 * 1024) + "}")
                << u"too_large"_s;
        QTest::addRow("Message content 64 KiB + 1") << u"Message"_s
                << QByteArray(R"({"id": 1, "sender_id": 2, "receiver_id": 3, "content": )" + jsonString("a", 65537) + "}")
                << u"too_large"_s;
        QTest::addRow("NewMessage empty text content") << u"NewMessage"_s
                << QByteArray(R"({"receiver_id": 2, "content": ""})") << invalid;
        QTest::addRow("NewMessage empty content typed text") << u"NewMessage"_s
                << QByteArray(R"({"receiver_id": 2, "content": "", "type": "text"})") << invalid;
        QTest::addRow("Message empty text content") << u"Message"_s
                << QByteArray(R"({"id": 1, "sender_id": 2, "receiver_id": 3, "content": "", "type": "text"})") << invalid;

        // Strings must be Unicode: an unpaired surrogate has no UTF-8 form.
        QTest::addRow("NewMessage content with a lone high surrogate") << u"NewMessage"_s
                << QByteArray(R"({"receiver_id": 2, "content": "a\ud800b"})") << invalid;
        QTest::addRow("NewMessage content with a lone low surrogate") << u"NewMessage"_s
                << QByteArray(R"({"receiver_id": 2, "content": "\udc00"})") << invalid;
        QTest::addRow("NewMessage client_id with a lone surrogate") << u"NewMessage"_s
                << QByteArray(R"({"receiver_id": 2, "content": "x", "client_id": "\ud83d"})") << invalid;
        QTest::addRow("User username with a lone surrogate") << u"User"_s
                << QByteArray(R"({"id": 1, "username": "\udfff"})") << invalid;

        // Attachments: a file_id is a server-made id and needs type image or file.
        QTest::addRow("NewMessage file_id on a text message") << u"NewMessage"_s
                << QByteArray(R"({"receiver_id": 2, "content": "x", "file_id": "abc"})") << invalid;
        QTest::addRow("NewMessage file_id with a slash") << u"NewMessage"_s
                << QByteArray(R"({"receiver_id": 2, "content": "x", "type": "file", "file_id": "../etc"})") << invalid;
        QTest::addRow("NewMessage file_id number") << u"NewMessage"_s
                << QByteArray(R"({"receiver_id": 2, "content": "x", "type": "image", "file_id": 5})") << invalid;
        QTest::addRow("NewUpload without size") << u"NewUpload"_s << QByteArray(R"({"name": "a.txt"})") << invalid;
        QTest::addRow("NewUpload negative size") << u"NewUpload"_s << QByteArray(R"({"size": -1})") << invalid;
        QTest::addRow("NewUpload size string") << u"NewUpload"_s << QByteArray(R"({"size": "5"})") << invalid;
        QTest::addRow("NewUpload name with NUL") << u"NewUpload"_s
                << QByteArray(R"({"size": 5, "name": "a\u0000b"})") << invalid;
        QTest::addRow("NewUpload name with a newline") << u"NewUpload"_s
                << QByteArray(R"({"size": 5, "name": "a\nContent-Type: text/html"})") << invalid;
        QTest::addRow("NewUpload name over 255 bytes") << u"NewUpload"_s
                << QByteArray(R"({"size": 5, "name": )" + jsonString("a", 256) + "}") << invalid;
        QTest::addRow("NewUpload sha256 not hex") << u"NewUpload"_s
                << QByteArray(R"({"size": 5, "sha256": "xyz"})") << invalid;
        QTest::addRow("Attachment without file_id") << u"Attachment"_s << QByteArray(R"({"name": "a"})") << invalid;
        QTest::addRow("Attachment thumbnail not base64") << u"Attachment"_s
                << QByteArray(R"({"file_id": "abc", "thumbnail": "***"})") << invalid;
        QTest::addRow("Attachment thumbnail over 8 KiB") << u"Attachment"_s
                << QByteArray(R"({"file_id": "abc", "thumbnail": ")" + QByteArray(8193, 'a').toBase64() + R"("})")
                << invalid;

        // Message type names: a lower-case word.
        for (const char *bad : {"Text", "IMAGE", "", "two words", "im-age", "тип"})
            QTest::addRow("NewMessage type '%s'", bad) << u"NewMessage"_s
                    << withValue(R"({"receiver_id": 2, "content": "x", "type": "@"})", bad) << invalid;
        QTest::addRow("Message type 'Text'") << u"Message"_s
                << QByteArray(R"({"id": 1, "sender_id": 2, "receiver_id": 3, "content": "x", "type": "Text"})") << invalid;

        // The envelope.
        QTest::addRow("Envelope not JSON") << u"Envelope"_s << QByteArray("hello {") << u"bad_json"_s;
        QTest::addRow("Envelope empty frame") << u"Envelope"_s << QByteArray("") << u"bad_json"_s;
        QTest::addRow("Envelope truncated") << u"Envelope"_s << QByteArray(R"({"type": "ping", "payload": {)") << u"bad_json"_s;
        QTest::addRow("Envelope array") << u"Envelope"_s << QByteArray(R"([{"type": "ping", "payload": {}}])") << u"bad_json"_s;
        QTest::addRow("Envelope string") << u"Envelope"_s << QByteArray(R"("ping")") << u"bad_json"_s;
        QTest::addRow("Envelope two objects") << u"Envelope"_s
                << QByteArray("{\"type\": \"ping\", \"payload\": {}}\n{\"type\": \"ping\", \"payload\": {}}")
                << u"bad_json"_s;
        QTest::addRow("Envelope missing type") << u"Envelope"_s << QByteArray(R"({"payload": {}})") << u"invalid_envelope"_s;
        QTest::addRow("Envelope empty object") << u"Envelope"_s << QByteArray("{}") << u"invalid_envelope"_s;
        QTest::addRow("Envelope type number") << u"Envelope"_s << QByteArray(R"({"type": 5, "payload": {}})") << u"invalid_envelope"_s;
        QTest::addRow("Envelope type null") << u"Envelope"_s << QByteArray(R"({"type": null, "payload": {}})") << u"invalid_envelope"_s;
        QTest::addRow("Envelope payload array") << u"Envelope"_s
                << QByteArray(R"({"type": "ping", "payload": []})") << u"invalid_envelope"_s;
        QTest::addRow("Envelope payload string") << u"Envelope"_s
                << QByteArray(R"({"type": "ping", "payload": "x"})") << u"invalid_envelope"_s;
        QTest::addRow("Envelope payload number") << u"Envelope"_s
                << QByteArray(R"({"type": "chat_message", "payload": 3})") << u"invalid_envelope"_s;
        QTest::addRow("Envelope unknown type") << u"Envelope"_s
                << QByteArray(R"({"type": "launch_missiles", "payload": {}})") << u"unknown_type"_s;
        QTest::addRow("Envelope type in wrong case") << u"Envelope"_s
                << QByteArray(R"({"type": "Chat_Message", "payload": {}})") << u"unknown_type"_s;
    }
    void fromJsonRefusesBadInputWithTheDocumentedCode()
    {
        QFETCH(QString, model);
        QFETCH(QByteArray, json);
        QFETCH(QString, code);
        const Verdict v = parseAs(model, json);
        QVERIFY2(!v.ok, "bad input was accepted");
        QCOMPARE(v.code, code);
        QVERIFY2(!v.error.isEmpty(), "a refusal must say what was wrong");
    }

    // ---- The hand-written frames of the hot path say exactly what toJson() says
    void chatMessageFrameEqualsTheEnvelopeOfToJson_data()
    {
        QTest::addColumn<QString>("content");
        QTest::addColumn<QString>("clientId");
        QTest::addColumn<bool>("read");
        QTest::addRow("plain") << u"hello"_s << u"c-1"_s << false;
        QTest::addRow("quotes and backslashes") << u"say \"hi\" \\ back/slash"_s << QString() << true;
        QTest::addRow("control characters") << u"tab\tnew\nline\r\u0001\u001f\b\f end"_s << u"c\"2"_s << false;
        QTest::addRow("unicode") << u"grüße 你好 😀 \u2028"_s << u"ü"_s << true;
        QTest::addRow("empty") << QString() << QString() << false;
    }
    void chatMessageFrameEqualsTheEnvelopeOfToJson()
    {
        QFETCH(QString, content);
        QFETCH(QString, clientId);
        QFETCH(bool, read);
        Message m;
        m.id = 9007199254740991;
        m.conversationId = 7;
        m.senderId = 1;
        m.receiverId = 2;
        m.content = content;
        m.type = u"file"_s;
        m.clientId = clientId;
        m.timestamp = m.createdAt = m.updatedAt = QDateTime::fromMSecsSinceEpoch(1795619192123, Qt::UTC);
        if (read)
            m.readAt = QDateTime::fromMSecsSinceEpoch(-86399999, Qt::UTC); // before 1970 too
        const QJsonDocument written = QJsonDocument::fromJson(m.toChatMessageFrame());
        QVERIFY(written.isObject());
        const QJsonObject expected = Envelope{FrameType::ChatMessage, m.toJson()}.toJson();
        QCOMPARE(written.object(), expected);
    }
    void ackFrameEqualsTheEnvelopeOfToJson()
    {
        for (const QString &clientId : {u"abc"_s, QString()}) {
            const Ack ack{clientId, 12, 3, QDateTime::fromMSecsSinceEpoch(951782400000, Qt::UTC)}; // 2000-02-29
            const QJsonDocument written = QJsonDocument::fromJson(ack.toFrame());
            const QJsonObject expected = Envelope{FrameType::Ack, ack.toJson()}.toJson();
            QCOMPARE(written.object(), expected);
            QCOMPARE(written.object()[u"payload"][u"timestamp"].toString(), u"2000-02-29T00:00:00.000Z"_s);
        }
    }
    void messageArraysEqualTheArrayOfToJson()
    {
        // The server writes pages of history this way (ChatApi).
        QList<Message> messages;
        for (int i = 0; i < 3; ++i) {
            Message m;
            m.id = 10 + i;
            m.conversationId = i; // 0: null
            m.senderId = 1;
            m.receiverId = 2;
            m.content = u"m%1 \"ü\" \n"_s.arg(i);
            m.type = u"text"_s;
            m.clientId = i == 1 ? u"c-1"_s : QString();
            m.timestamp = m.createdAt = m.updatedAt = QDateTime::fromMSecsSinceEpoch(1795619192123 + i, Qt::UTC);
            messages << m;
        }
        for (qsizetype n : {0, 1, 3}) {
            JsonWriter w;
            w.beginArray();
            QJsonArray expected;
            for (qsizetype i = 0; i < n; ++i) {
                if (i > 0)
                    w.comma();
                messages.at(i).writeJson(w);
                expected.append(messages.at(i).toJson());
            }
            w.endArray();
            const QJsonDocument written = QJsonDocument::fromJson(w.bytes());
            QVERIFY2(written.isArray(), w.bytes().constData());
            QCOMPARE(written.array(), expected);
        }
    }
    void timesAreWrittenLikeQtDoesForEveryKindOfDate()
    {
        // Leap days, year ends, before 1970, milliseconds: the fast formatter agrees with Qt.
        const qint64 samples[] = {0, 1, 999, 86399999, 951782400000, 946684799999, 4102444800000,
                                  -1, -86400000, -2208988800000, 1795619192123, 253402300799999};
        for (qint64 ms : samples) {
            const QDateTime t = QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
            QCOMPARE(toRfc3339(t), t.toString(Qt::ISODateWithMs));
        }
    }
};

QTEST_GUILESS_MAIN(TestModels)
#include "tst_models.moc"
