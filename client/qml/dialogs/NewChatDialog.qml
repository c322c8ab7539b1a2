// SPDX-License-Identifier: MIT
// Find someone by name and start (or open) the chat with them. Esc closes it.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import FastChat
import FastChat.Core

Dialog {
    id: dialog

    function choose(row: int) {
        if (row < 0 || row >= results.count)
            return
        ChatClient.openConversationWithSearchResult(row)
        dialog.close()
    }

    title: qsTr("New chat")
    modal: true
    anchors.centerIn: Overlay.overlay
    width: Math.min(Theme.unit * 24, parent ? parent.width - Theme.unit * 2 : Theme.unit * 24)
    height: Math.min(Theme.unit * 26, parent ? parent.height - Theme.unit * 2 : Theme.unit * 26)
    standardButtons: Dialog.Cancel
    closePolicy: Popup.CloseOnEscape | Popup.CloseOnPressOutside

    onOpened: {
        search.text = ""
        ChatClient.userSearch.query = ""
        ChatClient.userSearch.refresh()
        search.forceActiveFocus()
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: Theme.padding

        TextField {
            id: search

            objectName: "userSearchField"
            Layout.fillWidth: true
            placeholderText: qsTr("Name")
            selectByMouse: true
            onTextChanged: ChatClient.userSearch.query = search.text
            Keys.onDownPressed: {
                results.forceActiveFocus()
                results.currentIndex = 0
            }
            onAccepted: dialog.choose(results.currentIndex >= 0 ? results.currentIndex : 0)
        }

        ListView {
            id: results

            objectName: "userList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: ChatClient.userSearch
            keyNavigationEnabled: true
            highlightMoveDuration: 0
            ScrollBar.vertical: ScrollBar {}

            delegate: UserDelegate {
                onChosen: (row) => dialog.choose(row)
            }

            Keys.onReturnPressed: dialog.choose(results.currentIndex)
            Keys.onEnterPressed: dialog.choose(results.currentIndex)

            BusyIndicator {
                anchors.centerIn: parent
                running: ChatClient.userSearch.busy && results.count === 0
            }
            Label {
                anchors.centerIn: parent
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.Wrap
                visible: !ChatClient.userSearch.busy && results.count === 0
                color: ChatClient.userSearch.error.length > 0 ? Theme.danger : Theme.subtleText
                text: ChatClient.userSearch.error.length > 0 ? ChatClient.userSearch.error
                                                             : qsTr("No one by that name.")
            }
        }
    }
}
