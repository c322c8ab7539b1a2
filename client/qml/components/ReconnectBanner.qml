// SPDX-License-Identifier: MIT
// Shown while the connection is down: what is happening, why, and a way to retry at once.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import FastChat
import FastChat.Core

Rectangle {
    id: banner

    implicitHeight: row.implicitHeight + Theme.spacing * 2
    color: Theme.banner

    RowLayout {
        id: row

        anchors.fill: parent
        anchors.leftMargin: Theme.padding
        anchors.rightMargin: Theme.padding
        spacing: Theme.padding

        BusyIndicator {
            Layout.preferredWidth: Theme.unit * 1.2
            Layout.preferredHeight: Theme.unit * 1.2
            running: ChatClient.connectionState === ChatClient.Connecting
            visible: running
        }

        Label {
            objectName: "connectionText"
            text: ChatClient.connectionText
            color: Theme.bannerText
            font.bold: true
        }

        Label {
            Layout.fillWidth: true
            text: ChatClient.connectionDetail
            color: Theme.bannerText
            elide: Text.ElideRight
            font.pointSize: Theme.smallFontSize
        }

        Button {
            visible: ChatClient.connectionState === ChatClient.Offline
            text: qsTr("Retry now")
            flat: true
            onClicked: ChatClient.reconnectNow()
        }
    }
}
