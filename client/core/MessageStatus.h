// SPDX-License-Identifier: MIT
// Where one of my messages is on its way; the views show it as a clock, ✓, ✓✓ or a warning.
#pragma once

#include <QObject>
#include <QtQml/qqmlregistration.h>

namespace fastchat::client::MessageStatus {
Q_NAMESPACE
QML_ELEMENT

enum Status {
    None,    // not mine: nothing to show
    Sending, // queued; not acknowledged yet (re-sent after a reconnect)
    Sent,    // stored by the server (✓)
    Read,    // the peer has read it (✓✓)
    Failed,  // the server refused it for good; can be retried or discarded
};
Q_ENUM_NS(Status)

} // namespace fastchat::client::MessageStatus
