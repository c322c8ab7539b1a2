// SPDX-License-Identifier: MIT
// The right side: the open conversation (header, messages newest at the bottom, composer),
// or a hint when none is open. Files dropped on it are sent; a click on an image shows it
// whole in a popup once it is downloaded.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import FastChat
import FastChat.Core

Rectangle {
    id: pane

    function focusComposer() {
        composer.focusInput()
    }

    color: Theme.chatBackground

    Label {
        anchors.centerIn: parent
        visible: ChatClient.currentPeerId === 0
        text: qsTr("Choose a conversation, or start a new one with Ctrl+N.")
        color: Theme.subtleText
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0
        visible: ChatClient.currentPeerId !== 0

        ChatHeader {
            Layout.fillWidth: true
        }

        EncryptionBar {
            objectName: "encryptionBar"
            Layout.fillWidth: true
        }

        ListView {
            id: messages

            // A ListView laid out bottom to top does not call fetchMore() by itself: ask for
            // older messages when the top is in sight (the same workaround as NeoChat's).
            function loadOlderIfNeeded() {
                if (messages.model && !messages.model.loading && !messages.model.atStart
                        && (messages.atYBeginning || messages.contentHeight < messages.height))
                    messages.model.loadOlder()
            }

            objectName: "messageList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: ChatClient.messages
            verticalLayoutDirection: ListView.BottomToTop
            boundsBehavior: Flickable.StopAtBounds
            spacing: 0
            reuseItems: true
            ScrollBar.vertical: ScrollBar {}

            delegate: MessageDelegate {}

            // With BottomToTop the header is the bottom: a little air above the composer.
            header: Item {
                width: messages.width
                height: Theme.padding
            }

            // ... and the footer is the top: where older messages come in.
            footer: Item {
                width: messages.width
                height: Theme.unit * 2.5
                BusyIndicator {
                    anchors.centerIn: parent
                    height: Theme.unit * 1.6
                    width: height
                    running: messages.model !== null && messages.model.loading
                }
                Label {
                    anchors.centerIn: parent
                    visible: messages.model !== null && messages.model.atStart && messages.count > 0
                    text: qsTr("This is the beginning of your conversation.")
                    color: Theme.subtleText
                    font.pointSize: Theme.smallFontSize
                }
            }

            onAtYBeginningChanged: messages.loadOlderIfNeeded()
            onCountChanged: Qt.callLater(messages.loadOlderIfNeeded)
            onModelChanged: Qt.callLater(messages.loadOlderIfNeeded)

            Label {
                anchors.centerIn: parent
                visible: messages.count === 0 && messages.model !== null && !messages.model.loading
                text: qsTr("No messages yet. Say hello!")
                color: Theme.subtleText
            }
        }

        Composer {
            id: composer

            Layout.fillWidth: true
        }
    }

    Connections {
        target: ChatClient
        function onCurrentPeerChanged() {
            messages.positionViewAtBeginning()
            // Ready to write, unless the user is walking the list with Up/Down.
            let inList = false
            for (let item = pane.Window.activeFocusItem; item; item = item.parent) {
                if (item.objectName === "conversationList")
                    inList = true
            }
            if (ChatClient.currentPeerId !== 0 && !inList)
                composer.focusInput()
        }
    }

    DropArea {
        id: drop

        objectName: "fileDropArea"
        anchors.fill: parent
        enabled: ChatClient.currentPeerId !== 0
        onEntered: (drag) => {
            if (drag.hasUrls)
                drag.accept(Qt.CopyAction)
            else
                drag.accepted = false
        }
        onDropped: (event) => {
            if (!event.hasUrls)
                return
            for (const url of event.urls)
                ChatClient.sendFile(url)
            event.accept(Qt.CopyAction)
        }

        Rectangle {
            anchors.fill: parent
            anchors.margins: Theme.padding
            visible: drop.containsDrag
            radius: Theme.radius
            color: Qt.rgba(Theme.accent.r, Theme.accent.g, Theme.accent.b, 0.12)
            border.color: Theme.accent
            border.width: 2

            Label {
                anchors.centerIn: parent
                text: qsTr("Drop to send to %1").arg(ChatClient.currentPeerName)
                color: Theme.text
                font.pointSize: Theme.titleFontSize
            }
        }
    }

    Popup {
        id: imageViewer

        property url source

        objectName: "imageViewer"
        parent: Overlay.overlay
        anchors.centerIn: parent
        width: parent ? parent.width - Theme.unit * 3 : 0
        height: parent ? parent.height - Theme.unit * 3 : 0
        modal: true
        focus: true
        padding: 0
        closePolicy: Popup.CloseOnEscape | Popup.CloseOnPressOutside
        background: Item {}
        Overlay.modal: Rectangle {
            color: Qt.rgba(0, 0, 0, 0.8)
        }

        Image {
            id: full

            objectName: "fullImage"
            anchors.fill: parent
            source: imageViewer.source
            fillMode: Image.PreserveAspectFit
            asynchronous: true
            // Decoded no bigger than the window needs.
            sourceSize.width: imageViewer.width
            sourceSize.height: imageViewer.height
            BusyIndicator {
                anchors.centerIn: parent
                running: full.status === Image.Loading
            }
        }
        MouseArea {
            anchors.fill: parent
            onClicked: imageViewer.close()
        }
    }

    Connections {
        target: ChatClient
        function onImageReady(fileId, url) {
            imageViewer.source = url
            imageViewer.open()
        }
    }
}
