// SPDX-License-Identifier: MIT
// A round avatar with the user's initial on a colour of their own, and an online dot.
import QtQuick
import QtQuick.Controls
import FastChat

Item {
    id: avatar

    property string initial
    property real hue
    property bool online: false
    property bool showPresence: false
    property real size: Theme.avatarSize

    implicitWidth: avatar.size
    implicitHeight: avatar.size

    Rectangle {
        anchors.fill: parent
        radius: width / 2
        color: Theme.avatarColor(avatar.hue)

        Label {
            anchors.centerIn: parent
            text: avatar.initial
            color: "white"
            font.bold: true
            font.pixelSize: Math.round(avatar.size * 0.42)
        }
    }

    Rectangle {
        objectName: "onlineDot"
        visible: avatar.showPresence && avatar.online
        width: Math.round(avatar.size * 0.3)
        height: width
        radius: width / 2
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        color: Theme.online
        border.color: Theme.base
        border.width: Math.max(2, Math.round(avatar.size / 20))
    }
}
