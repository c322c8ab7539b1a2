// SPDX-License-Identifier: MIT
// A person found by the new-chat search.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import FastChat

ItemDelegate {
    id: delegate

    required property int index
    required property double userId
    required property string username
    required property string avatarInitial
    required property real avatarHue
    required property bool online
    required property string presenceText

    signal chosen(int row)

    width: ListView.view ? ListView.view.width : implicitWidth
    highlighted: ListView.isCurrentItem

    contentItem: RowLayout {
        spacing: Theme.padding

        Avatar {
            size: Theme.smallAvatarSize
            initial: delegate.avatarInitial
            hue: delegate.avatarHue
            online: delegate.online
            showPresence: true
        }
        ColumnLayout {
            Layout.fillWidth: true
            spacing: 0
            Label {
                Layout.fillWidth: true
                text: delegate.username
                font.bold: true
                elide: Text.ElideRight
            }
            Label {
                Layout.fillWidth: true
                text: delegate.presenceText
                color: delegate.online ? Theme.online : Theme.subtleText
                font.pointSize: Theme.smallFontSize
            }
        }
    }

    onClicked: delegate.chosen(delegate.index)
}
