// SPDX-License-Identifier: MIT
// The WebSocket envelope: every frame is one JSON object {"type": "...", "payload": {...}}.
#pragma once

#include "FrameType.h"
#include "Parsed.h"

#include <QByteArray>
#include <QJsonObject>

namespace fastchat {

struct Envelope
{
    FrameType type = FrameType::Error;
    QJsonObject payload;

    QJsonObject toJson() const;
    // Compact UTF-8 JSON, ready to send as one text frame.
    QByteArray toFrame() const;

    // Codes: "bad_json" (not a JSON object), "invalid_envelope" (type or payload missing
    // or of the wrong kind), "unknown_type".
    static Parsed<Envelope> fromFrame(const QByteArray &utf8);
    static Parsed<Envelope> fromJson(const QJsonObject &object);
};

} // namespace fastchat
