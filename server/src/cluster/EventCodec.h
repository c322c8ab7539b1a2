// SPDX-License-Identifier: MIT
// Events as compact JSON for the cluster bus (PostgreSQL NOTIFY payloads are text of at
// most 8000 bytes; several small events travel in one payload as a JSON array).
#pragma once

#include "Event.h"

#include <QByteArray>
#include <QList>

#include <optional>

namespace fastchat::server::EventCodec {

// Below PostgreSQL's 8000-byte NOTIFY limit, with room for the channel name.
constexpr qsizetype maxPayloadBytes = 7800;

QByteArray encode(const Event &event);
// Events encoded one by one, packed into as few payloads (JSON arrays) as `limit` bytes
// allow (NOTIFY's by default; NATS passes its server's max_payload). An event too large
// for a payload on its own is sent as a reference: its frame is left out and `messageId`
// tells the receiving node to read the message.
QList<QByteArray> pack(const QList<QByteArray> &encodedEvents, const QList<Event> &events,
                       qsizetype limit = maxPayloadBytes);
std::optional<QList<Event>> decode(const QByteArray &payload);

} // namespace fastchat::server::EventCodec
