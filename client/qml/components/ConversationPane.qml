// SPDX-License-Identifier: MIT
// The left side: who I am, a filter (Ctrl+F), and the conversations, most recent first.
// Up/Down in the list walk through the conversations.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import FastChat
import FastChat.Core

Rectangle {
    id: pane

    // Esc belongs to the filter while it is in use.
    readonly property bool filtering: filter.activeFocus || filter.text.length > 0

    signal newChatRequested()

    function focusFilter() {
        filter.forceActiveFocus()
        filter.selectAll()
    }

    color: Theme.sidebar

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        RowLayout {
            Layout.fillWidth: true
            Layout.margins: Theme.padding
            Layout.leftMargin: Theme.padding * 1.5
            spacing: Theme.padding

            Avatar {
                size: Theme.smallAvatarSize
                initial: ChatClient.currentUserName.length > 0 ? ChatClient.currentUserName.charAt(0).toUpperCase() : ""
                hue: 0.6
                online: ChatClient.connectionState === ChatClient.Online
                showPresence: true
            }
            Label {
                Layout.fillWidth: true
                text: ChatClient.currentUserName
                font.bold: true
                font.pointSize: Theme.titleFontSize
                elide: Text.ElideRight
            }
            ToolButton {
                objectName: "newChatButton"
                text: "\u270E"
                font.pointSize: Theme.titleFontSize
                Accessible.name: qsTr("New chat")
                ToolTip.visible: hovered
                ToolTip.text: qsTr("New chat (Ctrl+N)")
                onClicked: pane.newChatRequested()
            }
            ToolButton {
                text: "\u22EE"
                font.pointSize: Theme.titleFontSize
                Accessible.name: qsTr("Menu")
                onClicked: menu.popup()

                Menu {
                    id: menu
                    MenuItem {
                        text: qsTr("New chat")
                        onTriggered: pane.newChatRequested()
                    }
                    MenuItem {
                        text: qsTr("Sign out")
                        onTriggered: ChatClient.signOut()
                    }
                }
            }
        }

        TextField {
            id: filter

            objectName: "filterField"
            Layout.fillWidth: true
            Layout.leftMargin: Theme.padding * 1.5
            Layout.rightMargin: Theme.padding * 1.5
            Layout.bottomMargin: Theme.padding
            placeholderText: qsTr("Search (Ctrl+F)")
            selectByMouse: true
            onTextChanged: ChatClient.conversationFilter = filter.text
            Keys.onDownPressed: list.forceActiveFocus()
            Keys.onEscapePressed: {
                filter.clear()
                list.forceActiveFocus()
            }
            onAccepted: {
                ChatClient.openAdjacentConversation(1)
                list.forceActiveFocus()
            }
        }

        Rectangle {
            Layout.fillWidth: true
            Layout.preferredHeight: 1
            color: Theme.separator
        }

        ListView {
            id: list

            objectName: "conversationList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: ChatClient.visibleConversations
            activeFocusOnTab: true
            boundsBehavior: Flickable.StopAtBounds
            ScrollBar.vertical: ScrollBar {}

            delegate: ConversationDelegate {}

            Keys.onUpPressed: ChatClient.openAdjacentConversation(-1)
            Keys.onDownPressed: ChatClient.openAdjacentConversation(1)

            Connections {
                target: ChatClient
                function onCurrentConversationRowChanged() {
                    if (ChatClient.currentConversationRow >= 0)
                        list.positionViewAtIndex(ChatClient.currentConversationRow, ListView.Contain)
                }
            }

            moveDisplaced: Transition {
                NumberAnimation { properties: "y"; duration: 150 }
            }

            Label {
                anchors.centerIn: parent
                width: parent.width - Theme.unit * 2
                visible: list.count === 0
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.Wrap
                color: Theme.subtleText
                text: ChatClient.conversationFilter.length > 0 ? qsTr("No conversation with that name.")
                                                              : qsTr("No conversations yet.\nStart one with Ctrl+N.")
            }
        }
    }
}
