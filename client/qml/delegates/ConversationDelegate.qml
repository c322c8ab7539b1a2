// SPDX-License-Identifier: MIT
// One conversation in the list: avatar with online dot, name, time, and the last message
// (or "typing…") with ticks and the unread count.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import FastChat
import FastChat.Core

ItemDelegate {
    id: delegate

    required property int index
    required property double peerId
    required property string peerName
    required property string avatarInitial
    required property real avatarHue
    required property string lastMessage
    required property string lastMessageTimeText
    required property bool lastMessageMine
    required property int lastMessageStatus
    required property int unreadCount
    required property bool online
    required property bool typing

    readonly property bool current: delegate.peerId === ChatClient.currentPeerId

    width: ListView.view ? ListView.view.width : implicitWidth
    padding: Theme.padding
    leftPadding: Theme.padding * 1.5
    rightPadding: Theme.padding * 1.5

    background: Rectangle {
        color: delegate.current ? Theme.selection : (delegate.hovered ? Theme.hover : "transparent")
    }

    contentItem: RowLayout {
        spacing: Theme.padding

        Avatar {
            initial: delegate.avatarInitial
            hue: delegate.avatarHue
            online: delegate.online
            // Presence is only known while connected.
            showPresence: ChatClient.connectionState === ChatClient.Online
        }

        ColumnLayout {
            Layout.fillWidth: true
            spacing: Math.round(Theme.spacing / 2)

            RowLayout {
                Layout.fillWidth: true
                spacing: Theme.spacing

                Label {
                    Layout.fillWidth: true
                    text: delegate.peerName
                    font.bold: true
                    elide: Text.ElideRight
                }
                StatusTicks {
                    status: delegate.lastMessageMine ? delegate.lastMessageStatus : MessageStatus.None
                }
                Label {
                    text: delegate.lastMessageTimeText
                    color: delegate.unreadCount > 0 ? Theme.accent : Theme.subtleText
                    font.pointSize: Theme.smallFontSize
                }
            }

            RowLayout {
                Layout.fillWidth: true
                spacing: Theme.spacing

                Label {
                    Layout.fillWidth: true
                    text: delegate.typing ? qsTr("typing…")
                                          : (delegate.lastMessageMine ? qsTr("You: %1").arg(delegate.lastMessage)
                                                                      : delegate.lastMessage)
                    color: delegate.typing ? Theme.accent : Theme.subtleText
                    font.italic: delegate.typing
                    elide: Text.ElideRight
                    maximumLineCount: 1
                }
                UnreadBadge {
                    objectName: "unreadBadge"
                    count: delegate.unreadCount
                }
            }
        }
    }

    onClicked: ChatClient.openConversation(delegate.peerId)
}
