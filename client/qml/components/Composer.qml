// SPDX-License-Identifier: MIT
// Where a message is written: Enter sends, Shift+Enter starts a new line. Every edit goes to
// the ChatClient, which keeps the draft per conversation and tells the peer we are typing.
// The paperclip sends files; Ctrl+V with an image on the clipboard sends the image.
import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import FastChat
import FastChat.Core

Rectangle {
    id: composer

    function focusInput() {
        input.forceActiveFocus()
    }

    function chooseFiles() {
        if (!attachDialog.opened) {
            attachDialog.currentFolder = ChatClient.sendFolder()
            attachDialog.opened = true
        }
        attachDialog.open()
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

        ToolButton {
            objectName: "attachButton"
            Layout.alignment: Qt.AlignBottom
            text: qsTr("Send a file")
            implicitWidth: Theme.unit * 2
            implicitHeight: Theme.unit * 2
            ToolTip.text: qsTr("Send a file or an image")
            ToolTip.visible: hovered
            ToolTip.delay: 600
            Accessible.name: text
            onClicked: composer.chooseFiles()

            // A paperclip, drawn (the SVG image plugin is not everywhere).
            contentItem: Canvas {
                id: clip

                readonly property color ink: Theme.subtleText

                onInkChanged: clip.requestPaint()
                onPaint: {
                    const ctx = clip.getContext("2d")
                    ctx.reset()
                    const side = Math.min(clip.width, clip.height)
                    ctx.translate((clip.width - side) / 2, (clip.height - side) / 2)
                    ctx.scale(side / 24, side / 24)
                    ctx.strokeStyle = clip.ink
                    ctx.lineWidth = 1.8
                    ctx.lineCap = "round"
                    ctx.lineJoin = "round"
                    ctx.path = "M21.4 11.1l-8.9 8.9a5.5 5.5 0 0 1-7.8-7.8l8.9-8.9a3.7 3.7 0 0 1 5.2 5.2l-8.9 8.9a1.8 1.8 0 0 1-2.6-2.6l8.2-8.2"
                    ctx.stroke()
                }
            }
        }

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
                // An image on the clipboard is sent as a picture; text is pasted as usual.
                Keys.onPressed: (event) => {
                    if (event.matches(StandardKey.Paste) && ChatClient.clipboardHasImage()) {
                        event.accepted = true
                        ChatClient.pasteImage()
                    }
                }
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

    FileDialog {
        id: attachDialog

        // The first time it starts in the pictures folder; then where the user left it.
        property bool opened: false

        objectName: "attachDialog"
        title: qsTr("Send files")
        fileMode: FileDialog.OpenFiles
        onAccepted: {
            for (const file of attachDialog.selectedFiles)
                ChatClient.sendFile(file)
            input.forceActiveFocus()
        }
    }
}
