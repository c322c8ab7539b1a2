// SPDX-License-Identifier: MIT
// One message: a day separator when it starts a day, then the bubble (mine on the right,
// theirs on the left) with the time and, for mine, the ticks; a refused message offers
// Retry and Delete; in an encrypted chat, a message that was not encrypted says so. An image
// shows its thumbnail (click: the full image); a file shows a card with its name, size and
// Save; both show the progress of their upload or download.
import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import FastChat
import FastChat.Core

Item {
    id: delegate

    required property int index
    required property string content
    required property string timeText
    required property bool mine
    required property int status
    required property string error
    required property string clientId
    required property string dayText
    required property bool showDay
    required property bool firstInGroup
    required property string fileId
    required property bool hasAttachment
    required property bool isImage
    required property string fileName
    required property string fileSizeText
    required property int imageWidth
    required property int imageHeight
    required property string thumbnail
    required property string transferId
    required property int transferState
    required property real transferProgress
    required property string transferText
    required property string transferError
    required property url localFile
    required property bool notEncrypted

    width: ListView.view ? ListView.view.width : implicitWidth
    implicitHeight: column.implicitHeight + (delegate.firstInGroup ? Theme.spacing * 2 : Math.round(Theme.spacing / 2))

    ColumnLayout {
        id: column

        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        anchors.leftMargin: Theme.unit
        anchors.rightMargin: Theme.unit
        spacing: Theme.spacing

        // The day, centred, above the first message of the day.
        Label {
            Layout.alignment: Qt.AlignHCenter
            Layout.topMargin: Theme.spacing
            Layout.bottomMargin: Theme.spacing
            visible: delegate.showDay
            text: delegate.dayText
            color: Theme.subtleText
            font.pointSize: Theme.smallFontSize
            font.bold: true
            leftPadding: Theme.padding
            rightPadding: Theme.padding
            topPadding: Math.round(Theme.spacing / 2)
            bottomPadding: Math.round(Theme.spacing / 2)
            background: Rectangle {
                radius: height / 2
                color: Theme.base
                border.color: Theme.separator
            }
        }

        Rectangle {
            id: bubble

            readonly property real maxWidth: Math.min(Theme.bubbleMaxWidth, column.width * 0.75)
            readonly property real metaWidth: meta.implicitWidth + Theme.spacing

            Layout.alignment: delegate.mine ? Qt.AlignRight : Qt.AlignLeft
            Layout.preferredWidth: delegate.hasAttachment
                                   ? Math.min(bubble.maxWidth, attachment.implicitWidth + Theme.padding * 2)
                                   : Math.min(bubble.maxWidth,
                                              Math.max(text.implicitWidth + bubble.metaWidth, meta.implicitWidth)
                                              + Theme.padding * 2)
            implicitHeight: delegate.hasAttachment
                            ? attachment.implicitHeight + meta.implicitHeight + Theme.padding * 1.4 + Theme.spacing
                            : text.height + (bubble.metaOnOwnLine ? meta.implicitHeight : 0) + Theme.padding * 1.4
            readonly property bool metaOnOwnLine: text.lineCount > 1
                                                  || text.implicitWidth + bubble.metaWidth + Theme.padding * 2 > bubble.maxWidth
            radius: Theme.radius
            color: delegate.mine ? Theme.bubbleMine : Theme.bubbleTheirs
            border.color: delegate.mine || Theme.dark ? "transparent" : Theme.separator

            TextEdit {
                id: text

                visible: !delegate.hasAttachment
                x: Theme.padding
                y: Math.round(Theme.padding * 0.7)
                width: delegate.hasAttachment
                       ? 0 : bubble.width - Theme.padding * 2 - (bubble.metaOnOwnLine ? 0 : bubble.metaWidth)
                text: delegate.hasAttachment ? "" : delegate.content
                textFormat: TextEdit.PlainText
                wrapMode: TextEdit.Wrap
                readOnly: true
                selectByMouse: true
                color: Theme.text
                selectedTextColor: Theme.accentText
                selectionColor: Theme.accent
                font: Theme.metrics.font
            }

            ColumnLayout {
                id: attachment

                x: Theme.padding
                y: Math.round(Theme.padding * 0.7)
                width: bubble.width - Theme.padding * 2
                visible: delegate.hasAttachment
                spacing: Theme.spacing

                Loader {
                    Layout.fillWidth: true
                    active: delegate.hasAttachment
                    sourceComponent: delegate.isImage ? imagePreview : fileCard
                }

                TransferBar {
                    Layout.fillWidth: true
                    Layout.preferredWidth: Theme.unit * 12
                    transferId: delegate.transferId
                    transferState: delegate.transferState
                    progress: delegate.transferProgress
                    progressText: delegate.transferText
                    error: delegate.transferError
                }
            }

            Row {
                id: meta

                anchors.right: parent.right
                anchors.bottom: parent.bottom
                anchors.rightMargin: Theme.padding
                anchors.bottomMargin: Math.round(Theme.padding * 0.55)
                spacing: Math.round(Theme.spacing / 2)

                // In an encrypted chat, a message the server could read says so.
                Label {
                    objectName: "notEncryptedMark"
                    visible: delegate.notEncrypted && ChatClient.e2ee.currentState === E2ee.Encrypted
                    text: qsTr("not encrypted")
                    color: Theme.danger
                    font.pointSize: Theme.smallFontSize
                    ToolTip.visible: notEncryptedHover.hovered
                    ToolTip.text: qsTr("This message was sent without end-to-end encryption: the server could read it.")

                    HoverHandler {
                        id: notEncryptedHover
                    }
                }
                Label {
                    text: delegate.timeText
                    color: Theme.subtleText
                    font.pointSize: Theme.smallFontSize
                }
                StatusTicks {
                    status: delegate.mine ? delegate.status : MessageStatus.None
                }
            }
        }

        RowLayout {
            Layout.alignment: Qt.AlignRight
            visible: delegate.mine && delegate.status === MessageStatus.Failed
            spacing: Theme.padding

            Label {
                text: qsTr("Not sent: %1").arg(delegate.error)
                color: Theme.danger
                font.pointSize: Theme.smallFontSize
            }
            Button {
                text: qsTr("Retry")
                flat: true
                onClicked: ChatClient.retryMessage(delegate.clientId)
            }
            Button {
                text: qsTr("Delete")
                flat: true
                onClicked: ChatClient.discardMessage(delegate.clientId)
            }
        }
    }

    Component {
        id: imagePreview

        // The thumbnail at the picture's shape, at most 16 by 12 lines of text.
        Item {
            readonly property real scaleToFit: Math.min(1, Theme.unit * 16 / Math.max(1, delegate.imageWidth),
                                                        Theme.unit * 12 / Math.max(1, delegate.imageHeight))

            objectName: "imagePreview"
            implicitWidth: Math.max(Theme.unit * 4, Math.round(delegate.imageWidth * scaleToFit))
            implicitHeight: Math.max(Theme.unit * 3, Math.round(delegate.imageHeight * scaleToFit))

            Rectangle {
                anchors.fill: parent
                radius: Math.round(Theme.radius / 2)
                color: Theme.separator
                visible: thumb.status !== Image.Ready
            }
            Image {
                id: thumb

                objectName: "imageThumbnail"
                anchors.fill: parent
                source: delegate.thumbnail
                fillMode: Image.PreserveAspectCrop
                smooth: true
                mipmap: true
            }
            MouseArea {
                anchors.fill: parent
                cursorShape: Qt.PointingHandCursor
                enabled: delegate.fileId.length > 0
                onClicked: ChatClient.openImage(delegate.fileId)
                Accessible.name: qsTr("Open the image %1").arg(delegate.fileName)
            }
        }
    }

    Component {
        id: fileCard

        RowLayout {
            objectName: "fileCard"
            spacing: Theme.padding

            // A document icon with the file's extension on it.
            Rectangle {
                Layout.preferredWidth: Theme.unit * 2.2
                Layout.preferredHeight: Theme.unit * 2.8
                radius: Math.round(Theme.radius / 3)
                color: Theme.accent

                Label {
                    anchors.centerIn: parent
                    width: parent.width - 4
                    horizontalAlignment: Text.AlignHCenter
                    elide: Text.ElideRight
                    text: {
                        const dot = delegate.fileName.lastIndexOf(".")
                        return dot > 0 && delegate.fileName.length - dot <= 5
                                ? delegate.fileName.slice(dot + 1).toUpperCase() : qsTr("FILE")
                    }
                    color: Theme.accentText
                    font.pointSize: Theme.smallFontSize
                    font.bold: true
                }
            }

            ColumnLayout {
                Layout.fillWidth: true
                Layout.minimumWidth: Theme.unit * 6
                Layout.maximumWidth: Theme.unit * 14
                spacing: 0

                Label {
                    objectName: "fileName"
                    Layout.fillWidth: true
                    text: delegate.fileName
                    elide: Text.ElideMiddle
                    font.bold: true
                    color: Theme.text
                }
                Label {
                    Layout.fillWidth: true
                    text: delegate.transferState === TransferState.Done && delegate.localFile.toString().length > 0
                          ? qsTr("%1 · saved").arg(delegate.fileSizeText) : delegate.fileSizeText
                    color: Theme.subtleText
                    font.pointSize: Theme.smallFontSize
                }
            }

            Button {
                objectName: "saveButton"
                text: qsTr("Save…")
                visible: delegate.fileId.length > 0
                enabled: delegate.transferState !== TransferState.Running
                         && delegate.transferState !== TransferState.Waiting
                         && delegate.transferState !== TransferState.Verifying
                onClicked: {
                    saveDialog.selectedFile = ChatClient.suggestedSaveUrl(delegate.fileId)
                    saveDialog.open()
                }
            }

            FileDialog {
                id: saveDialog

                title: qsTr("Save %1").arg(delegate.fileName)
                fileMode: FileDialog.SaveFile
                onAccepted: ChatClient.saveFile(delegate.fileId, saveDialog.selectedFile)
            }
        }
    }
}
