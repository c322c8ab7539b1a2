// SPDX-License-Identifier: MIT
// The small frame payloads of the real-time protocol that are not models of their own.
// Each is a value type with toJson()/fromJson(); docs/protocol.md describes when each flows.
#pragma once

#include "Parsed.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>

namespace fastchat {

// Server -> sender: the chat_message with this client_id is committed as message `id`.
struct Ack
{
    QString clientId;
    qint64 id = 0;
    qint64 conversationId = 0;
    QDateTime timestamp;

    QJsonObject toJson() const;
    static Parsed<Ack> fromJson(const QJsonObject &object);
    // {"type":"ack","payload":{...}} written directly (one per message sent).
    QByteArray toFrame() const;
};

// Server -> client: a frame was refused and nothing was changed.
struct ErrorFrame
{
    QString code; // bad_json, invalid_envelope, unknown_type, invalid_payload, too_large, ...
    QString message;
    QString clientId; // echoed when the refused frame carried one

    QJsonObject toJson() const;
    static Parsed<ErrorFrame> fromJson(const QJsonObject &object);
};

// Client -> server: "I have read the messages peer_id sent me, up to message_id".
struct ReadRequest
{
    qint64 peerId = 0;
    qint64 messageId = 0;

    QJsonObject toJson() const;
    static Parsed<ReadRequest> fromJson(const QJsonObject &object);
};

// Server -> both users: reader_id read peer_id's messages up to message_id.
struct ReadReceipt
{
    qint64 conversationId = 0;
    qint64 readerId = 0;
    qint64 peerId = 0; // the sender of the messages that were read
    qint64 messageId = 0;
    qint64 unreadCount = 0; // the reader's unread count in this conversation afterwards
    QDateTime readAt;

    QJsonObject toJson() const;
    static Parsed<ReadReceipt> fromJson(const QJsonObject &object);
};

// Server -> the user's contacts: presence changed (first connection opened, last closed).
struct UserStatus
{
    qint64 userId = 0;
    bool isOnline = false;
    QDateTime lastSeen;

    QJsonObject toJson() const;
    static Parsed<UserStatus> fromJson(const QJsonObject &object);
};

// Client -> server: send every message of mine stored after last_message_id (0: none seen).
struct ResumeRequest
{
    qint64 lastMessageId = 0;

    QJsonObject toJson() const;
    static Parsed<ResumeRequest> fromJson(const QJsonObject &object);
};

// Server -> client: everything missed has been sent; live traffic follows.
struct ResumeDone
{
    qint64 lastMessageId = 0; // the highest id the client now has
    qint64 count = 0;         // how many chat_message frames the resume sent

    QJsonObject toJson() const;
    static Parsed<ResumeDone> fromJson(const QJsonObject &object);
};

} // namespace fastchat
