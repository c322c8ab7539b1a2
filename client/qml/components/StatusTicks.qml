// SPDX-License-Identifier: MIT
// Where my message is: a clock while sending, ✓ stored, ✓✓ read, ! refused.
import QtQuick
import QtQuick.Controls
import FastChat
import FastChat.Core

Label {
    id: ticks

    property int status: MessageStatus.None
    property color tint: Theme.subtleText

    visible: ticks.status !== MessageStatus.None
    font.pointSize: Theme.smallFontSize
    font.bold: ticks.status === MessageStatus.Failed
    color: ticks.status === MessageStatus.Read ? Theme.accent
         : ticks.status === MessageStatus.Failed ? Theme.danger : ticks.tint
    text: {
        switch (ticks.status) {
        case MessageStatus.Sending: return "\u25F7"
        case MessageStatus.Sent: return "\u2713"
        case MessageStatus.Read: return "\u2713\u2713"
        case MessageStatus.Failed: return "!"
        }
        return ""
    }
    Accessible.name: {
        switch (ticks.status) {
        case MessageStatus.Sending: return qsTr("Sending")
        case MessageStatus.Sent: return qsTr("Sent")
        case MessageStatus.Read: return qsTr("Read")
        case MessageStatus.Failed: return qsTr("Not sent")
        }
        return ""
    }
}
