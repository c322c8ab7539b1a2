// SPDX-License-Identifier: MIT
// The number of unread messages, as a pill; nothing when there are none.
import QtQuick
import QtQuick.Controls
import FastChat

Rectangle {
    id: badge

    property int count: 0

    visible: badge.count > 0
    implicitHeight: Math.round(Theme.unit * 1.25)
    implicitWidth: Math.max(badge.implicitHeight, number.implicitWidth + Theme.padding * 1.5)
    radius: height / 2
    color: Theme.accent

    Label {
        id: number
        anchors.centerIn: parent
        text: badge.count > 999 ? "999+" : badge.count
        color: Theme.accentText
        font.bold: true
        font.pointSize: Theme.smallFontSize
    }
}
