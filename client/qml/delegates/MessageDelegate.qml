// SPDX-License-Identifier: MIT
// One message: a day separator when it starts a day, then the bubble (mine on the right,
// theirs on the left) with the time and, for mine, the ticks; a refused message offers
// Retry and Delete.
import QtQuick
import QtQuick.Controls
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
            Layout.preferredWidth: Math.min(bubble.maxWidth,
                                            Math.max(text.implicitWidth + bubble.metaWidth, meta.implicitWidth)
                                            + Theme.padding * 2)
            implicitHeight: text.height + (bubble.metaOnOwnLine ? meta.implicitHeight : 0) + Theme.padding * 1.4
            readonly property bool metaOnOwnLine: text.lineCount > 1
                                                  || text.implicitWidth + bubble.metaWidth + Theme.padding * 2 > bubble.maxWidth
            radius: Theme.radius
            color: delegate.mine ? Theme.bubbleMine : Theme.bubbleTheirs
            border.color: delegate.mine || Theme.dark ? "transparent" : Theme.separator

            TextEdit {
                id: text

                x: Theme.padding
                y: Math.round(Theme.padding * 0.7)
                width: bubble.width - Theme.padding * 2 - (bubble.metaOnOwnLine ? 0 : bubble.metaWidth)
                text: delegate.content
                textFormat: TextEdit.PlainText
                wrapMode: TextEdit.Wrap
                readOnly: true
                selectByMouse: true
                color: Theme.text
                selectedTextColor: Theme.accentText
                selectionColor: Theme.accent
                font: Theme.metrics.font
            }

            Row {
                id: meta

                anchors.right: parent.right
                anchors.bottom: parent.bottom
                anchors.rightMargin: Theme.padding
                anchors.bottomMargin: Math.round(Theme.padding * 0.55)
                spacing: Math.round(Theme.spacing / 2)

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
}
