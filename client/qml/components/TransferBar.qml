// SPDX-License-Identifier: MIT
// The progress of one upload or download under an attachment: a bar with "1.2 MB of 5.2 MB"
// and Cancel while it runs; what went wrong, Retry and Cancel after a failure.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import FastChat
import FastChat.Core

ColumnLayout {
    id: bar

    required property string transferId
    required property int transferState
    required property real progress
    required property string progressText
    required property string error
    // The upload of a message that is not sent yet: cancelling it drops the message.
    property bool upload: false

    readonly property bool running: bar.transferState === TransferState.Preparing
                                    || bar.transferState === TransferState.Running
                                    || bar.transferState === TransferState.Waiting
                                    || bar.transferState === TransferState.Verifying
    readonly property bool failed: bar.transferState === TransferState.Failed

    visible: bar.running || bar.failed
    spacing: Math.round(Theme.spacing / 2)

    RowLayout {
        Layout.fillWidth: true
        spacing: Theme.spacing

        ProgressBar {
            objectName: "transferProgress"
            Layout.fillWidth: true
            visible: bar.running
            from: 0
            to: 1
            value: bar.progress
            indeterminate: bar.transferState === TransferState.Preparing
                           || bar.transferState === TransferState.Verifying
        }
        Label {
            Layout.fillWidth: true
            visible: bar.failed
            text: bar.error
            wrapMode: Text.Wrap
            color: Theme.danger
            font.pointSize: Theme.smallFontSize
        }
        Button {
            objectName: "transferRetry"
            visible: bar.failed
            flat: true
            text: qsTr("Retry")
            onClicked: ChatClient.retryTransfer(bar.transferId)
        }
        Button {
            objectName: "transferCancel"
            flat: true
            text: qsTr("Cancel")
            onClicked: ChatClient.cancelTransfer(bar.transferId)
        }
    }

    Label {
        Layout.fillWidth: true
        visible: bar.running
        wrapMode: Text.Wrap
        color: Theme.subtleText
        font.pointSize: Theme.smallFontSize
        text: {
            switch (bar.transferState) {
            case TransferState.Preparing:
                return qsTr("Preparing…")
            case TransferState.Verifying:
                return qsTr("Checking…")
            case TransferState.Waiting:
                return qsTr("%1 · connection lost, trying again…").arg(bar.progressText)
            default:
                return bar.progressText
            }
        }
    }
}
