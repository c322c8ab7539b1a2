// SPDX-License-Identifier: MIT
// Where a message is written: Enter sends, Shift+Enter starts a new line. Every edit goes to
// the ChatClient, which keeps the draft per conversation and tells the peer we are typing.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import FastChat
import FastChat.Core

Rectangle {
    id: composer

    function focusInput() {
        input.forceActiveFocus()
    }

    function send() {
        if (ChatClient.sendMessage(input.text)) {
            input.loading = true
            input.clear()
            input.loading = false
        }
    }

    implicitHeight: row.implicitHeight + Theme.padding * 2
    color: Theme.base

    Rectangle {
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.top: parent.top
        height: 1
        color: Theme.separator
    }

    // The draft of the conversation we switch to.
    Connections {
        target: ChatClient
        function onCurrentPeerChanged() {
            input.loading = true
            input.text = ChatClient.draft
            input.cursorPosition = input.length
            input.loading = false
        }
    }

    RowLayout {
        id: row

        anchors.fill: parent
        anchors.margins: Theme.padding
        anchors.leftMargin: Theme.unit
        spacing: Theme.padding

        ScrollView {
            Layout.fillWidth: true
            Layout.preferredHeight: Math.min(input.implicitHeight, Theme.unit * 8)

            TextArea {
                id: input

                property bool loading: false

                objectName: "composer"
                placeholderText: qsTr("Write a message…")
                wrapMode: TextArea.Wrap
                selectByMouse: true
                background: null
                Accessible.name: qsTr("Message")

                onTextChanged: if (!input.loading) ChatClient.composerEdited(input.text)
                Keys.onReturnPressed: (event) => composer.onEnter(event)
                Keys.onEnterPressed: (event) => composer.onEnter(event)
            }
        }

        Button {
            objectName: "sendButton"
            text: qsTr("Send")
            highlighted: true
            enabled: input.text.trim().length > 0
            onClicked: {
                composer.send()
                input.forceActiveFocus()
            }
        }
    }

    function onEnter(event) {
        if (event.modifiers & Qt.ShiftModifier) {
            event.accepted = false // a new line
            return
        }
        event.accepted = true
        composer.send()
    }
}
