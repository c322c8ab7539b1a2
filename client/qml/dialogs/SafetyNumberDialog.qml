// SPDX-License-Identifier: MIT
// The safety number of the open chat (Signal's 60 digits in 12 groups): both people see the
// same number when no one is in between. Compare it in person or on a call, then mark the
// contact as verified; a key change clears the mark.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import FastChat
import FastChat.Core

Dialog {
    id: dialog

    readonly property var e2ee: ChatClient.e2ee
    readonly property var groups: dialog.e2ee.currentSafetyNumber.split(" ")

    objectName: "safetyNumberDialog"
    parent: Overlay.overlay
    anchors.centerIn: parent
    modal: true
    title: qsTr("Safety number with %1").arg(dialog.e2ee.currentPeerName)
    standardButtons: Dialog.Close

    width: Math.min(Theme.charWidth * 60, parent ? parent.width * 0.9 : Theme.charWidth * 60)

    ColumnLayout {
        spacing: Theme.unit
        width: dialog.availableWidth

        Label {
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            text: qsTr("Compare these numbers with the ones %1 sees, in person or on a call. If they match, no one is reading your messages in between.").arg(dialog.e2ee.currentPeerName)
        }

        GridLayout {
            objectName: "safetyNumberDigits"
            Layout.alignment: Qt.AlignHCenter
            columns: 4
            columnSpacing: Theme.unit
            rowSpacing: Theme.spacing

            Repeater {
                model: dialog.groups
                delegate: Label {
                    required property string modelData

                    text: modelData
                    font.family: "monospace"
                    font.pointSize: Theme.titleFontSize * 1.3
                }
            }
        }

        Label {
            objectName: "verifiedState"
            Layout.fillWidth: true
            horizontalAlignment: Text.AlignHCenter
            text: dialog.e2ee.currentVerified ? qsTr("✓ You have verified %1.").arg(dialog.e2ee.currentPeerName)
                                              : qsTr("Not verified yet.")
            color: dialog.e2ee.currentVerified ? Theme.online : Theme.subtleText
            font.bold: dialog.e2ee.currentVerified
        }

        Button {
            objectName: "markVerifiedButton"
            Layout.alignment: Qt.AlignHCenter
            text: dialog.e2ee.currentVerified ? qsTr("Clear verification") : qsTr("Mark as verified")
            highlighted: !dialog.e2ee.currentVerified
            onClicked: dialog.e2ee.markVerified(!dialog.e2ee.currentVerified)
        }
    }
}
