// SPDX-License-Identifier: MIT
// Under the chat header: whether this chat is end-to-end encrypted (and verified), a clear
// "not encrypted" with the explicit choice to send unencrypted when the peer has no keys,
// and the warning when the peer's identity key changed. Opens the safety number dialog.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import FastChat
import FastChat.Core

ColumnLayout {
    id: bar

    readonly property var e2ee: ChatClient.e2ee
    readonly property bool secure: bar.e2ee.currentState === E2ee.Encrypted

    function openSafetyNumber() {
        safetyDialog.open()
    }

    spacing: 0

    Rectangle {
        objectName: "encryptionState"
        Layout.fillWidth: true
        implicitHeight: stateRow.implicitHeight + Theme.spacing * 2
        color: bar.secure ? Theme.base : Theme.banner

        RowLayout {
            id: stateRow

            anchors.fill: parent
            anchors.leftMargin: Theme.unit
            anchors.rightMargin: Theme.unit
            spacing: Theme.padding

            Rectangle {
                // Green when encrypted, red when not: the words next to it say which.
                implicitWidth: Theme.spacing * 2
                implicitHeight: Theme.spacing * 2
                radius: width / 2
                color: bar.secure ? Theme.online : Theme.danger
            }
            Label {
                objectName: "encryptionStateText"
                Layout.fillWidth: true
                text: bar.e2ee.currentStateText
                color: bar.secure ? Theme.subtleText : Theme.bannerText
                font.bold: !bar.secure
                font.pointSize: Theme.smallFontSize
                wrapMode: Text.Wrap
            }
            Button {
                objectName: "safetyNumberButton"
                visible: bar.secure && bar.e2ee.currentSafetyNumber.length > 0
                text: bar.e2ee.currentVerified ? qsTr("Verified ✓") : qsTr("Safety number")
                flat: true
                onClicked: safetyDialog.open()
            }
            Button {
                objectName: "sendUnencryptedButton"
                visible: bar.e2ee.currentState === E2ee.NotEncrypted && !bar.e2ee.currentPlaintextAllowed
                text: qsTr("Send unencrypted")
                flat: true
                onClicked: bar.e2ee.allowUnencrypted()
            }
            Button {
                visible: bar.e2ee.currentState === E2ee.NotEncrypted || bar.e2ee.currentState === E2ee.Unknown
                text: qsTr("Check again")
                flat: true
                onClicked: bar.e2ee.recheck()
            }
        }
    }

    Rectangle {
        objectName: "keyChangedWarning"
        Layout.fillWidth: true
        visible: bar.e2ee.currentKeyChanged
        implicitHeight: warningRow.implicitHeight + Theme.spacing * 2
        color: Theme.danger

        RowLayout {
            id: warningRow

            anchors.fill: parent
            anchors.leftMargin: Theme.unit
            anchors.rightMargin: Theme.unit
            spacing: Theme.padding

            Label {
                Layout.fillWidth: true
                text: qsTr("⚠ %1's security key changed. This happens when they reinstall the app, or when someone is in between. Compare the safety number with them.").arg(bar.e2ee.currentPeerName)
                color: "white"
                font.bold: true
                wrapMode: Text.Wrap
            }
            Button {
                text: qsTr("Safety number")
                onClicked: safetyDialog.open()
            }
            Button {
                text: qsTr("OK")
                onClicked: bar.e2ee.acknowledgeKeyChange()
            }
        }
    }

    SafetyNumberDialog {
        id: safetyDialog
    }
}
