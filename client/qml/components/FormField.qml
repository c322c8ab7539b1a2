// SPDX-License-Identifier: MIT
// A labelled text field with its problem shown under it once the user has typed.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import FastChat

ColumnLayout {
    id: formField

    property alias text: input.text
    property alias placeholderText: input.placeholderText
    property alias echoMode: input.echoMode
    property alias field: input
    property string label
    property string problem
    property bool showProblem: input.edited

    signal accepted()

    spacing: Math.round(Theme.spacing / 2)

    Label {
        text: formField.label
        font.pointSize: Theme.smallFontSize
        color: Theme.subtleText
    }

    TextField {
        id: input

        property bool edited: false

        Layout.fillWidth: true
        selectByMouse: true
        onTextEdited: input.edited = true
        onEditingFinished: if (input.text.length > 0) input.edited = true
        onAccepted: formField.accepted()
    }

    Label {
        Layout.fillWidth: true
        visible: formField.showProblem && formField.problem.length > 0
        text: formField.problem
        color: Theme.danger
        font.pointSize: Theme.smallFontSize
        wrapMode: Text.Wrap
    }
}
