// SPDX-License-Identifier: MIT
// Who the chat is with: avatar, name, and "online", "last seen …" or "typing…".
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import FastChat
import FastChat.Core

Rectangle {
    id: header

    implicitHeight: row.implicitHeight + Theme.padding * 2
    color: Theme.base

    RowLayout {
        id: row

        anchors.fill: parent
        anchors.leftMargin: Theme.unit
        anchors.rightMargin: Theme.unit
        spacing: Theme.padding

        Avatar {
            size: Theme.smallAvatarSize
            initial: ChatClient.currentPeerName.length > 0 ? ChatClient.currentPeerName.charAt(0).toUpperCase() : ""
            hue: ChatClient.currentPeerHue
            online: ChatClient.currentPeerOnline
            showPresence: ChatClient.connectionState === ChatClient.Online
        }

        ColumnLayout {
            Layout.fillWidth: true
            spacing: 0

            Label {
                objectName: "peerName"
                Layout.fillWidth: true
                text: ChatClient.currentPeerName
                font.bold: true
                font.pointSize: Theme.titleFontSize
                elide: Text.ElideRight
            }
            Label {
                objectName: "peerStatus"
                Layout.fillWidth: true
                text: ChatClient.currentPeerStatus
                color: ChatClient.connectionState === ChatClient.Online
                       && (ChatClient.currentPeerTyping || ChatClient.currentPeerOnline) ? Theme.accent : Theme.subtleText
                font.italic: ChatClient.currentPeerTyping
                font.pointSize: Theme.smallFontSize
                elide: Text.ElideRight
            }
        }
    }

    Rectangle {
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        height: 1
        color: Theme.separator
    }
}
