// SPDX-License-Identifier: MIT
// What an encrypted chat message carries on the wire, as the `content` string of the
// existing chat message (compact JSON):
//   {"e2ee": 1, "header": "<base64url 40 bytes>", "ciphertext": "<base64url>",
//    "x3dh": {"identity_key", "ephemeral_key", "signed_prekey_id", "one_time_prekey_id"?}}
// "x3dh" is present on the initiator's messages until the peer has answered. A content that
// is not such an object is plaintext from a client without end-to-end encryption:
// isEncrypted() tells them apart, and the client must say so rather than fall back silently.
#pragma once

#include "RatchetHeader.h"
#include "Result.h"
#include "X3dh.h"

#include <QJsonObject>
#include <QString>

#include <optional>

namespace fastchat::crypto {

struct Envelope
{
    static constexpr int version = 1;
    // The chat message's content limit (docs/protocol.md).
    static constexpr qsizetype maxContentBytes = 64 * 1024;

    std::optional<InitialMessageHeader> x3dh;
    RatchetHeader header;
    QByteArray ciphertext;

    QJsonObject toJson() const;
    static Result<Envelope> fromJson(const QJsonObject &object);
    // Compact JSON text for the message's content.
    QString toContent() const;
    static Result<Envelope> fromContent(const QString &content);
    // True when the content is a JSON object with an "e2ee" member (of any version).
    static bool isEncrypted(const QString &content);
};

} // namespace fastchat::crypto
