// SPDX-License-Identifier: MIT
// The main window's content once signed in: the reconnecting banner, conversations on the
// left, the chat on the right, and the window-wide shortcuts.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import FastChat
import FastChat.Core

Item {
    id: page

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        ReconnectBanner {
            objectName: "reconnectBanner"
            Layout.fillWidth: true
            visible: ChatClient.reconnecting
        }

        Label {
            Layout.fillWidth: true
            visible: text.length > 0
            text: ChatClient.keychainProblem
            wrapMode: Text.Wrap
            padding: Theme.spacing
            leftPadding: Theme.padding
            color: Theme.bannerText
            font.pointSize: Theme.smallFontSize
            background: Rectangle {
                color: Theme.banner
            }
        }

        RowLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 0

            ConversationPane {
                id: conversations

                Layout.preferredWidth: Theme.sidebarWidth
                Layout.fillHeight: true
                onNewChatRequested: newChat.open()
            }

            Rectangle {
                Layout.preferredWidth: 1
                Layout.fillHeight: true
                color: Theme.separator
            }

            ChatPane {
                id: chat

                Layout.fillWidth: true
                Layout.fillHeight: true
            }
        }
    }

    NewChatDialog {
        id: newChat
    }

    Shortcut {
        sequence: "Ctrl+N"
        onActivated: newChat.open()
    }
    Shortcut {
        sequence: "Ctrl+F"
        onActivated: conversations.focusFilter()
    }
    Shortcut {
        sequences: ["Alt+Down", "Ctrl+Tab"]
        onActivated: ChatClient.openAdjacentConversation(1)
    }
    Shortcut {
        sequences: ["Alt+Up", "Ctrl+Shift+Tab"]
        onActivated: ChatClient.openAdjacentConversation(-1)
    }
    Shortcut {
        sequence: "Esc"
        enabled: !newChat.opened && !conversations.filtering && ChatClient.currentPeerId !== 0
        onActivated: ChatClient.closeConversation()
    }
}
