// SPDX-License-Identifier: MIT
// Sign in or create an account on a server. Each field says what is wrong with it as the
// user types; what the server answers is shown above the button.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import FastChat
import FastChat.Core

Rectangle {
    id: page

    readonly property bool registering: tabs.currentIndex === 1
    readonly property bool valid: ChatClient.serverAddressProblem(server.text) === ""
                                  && password.text.length > 0
                                  && (page.registering
                                      ? ChatClient.usernameProblem(username.text) === ""
                                        && ChatClient.emailProblem(email.text) === ""
                                        && ChatClient.passwordProblem(password.text) === ""
                                      : login.text.trim().length > 0)

    function submit() {
        if (!page.valid || ChatClient.busy) {
            server.field.edited = true
            login.field.edited = true
            username.field.edited = true
            email.field.edited = true
            password.field.edited = true
            return
        }
        if (page.registering)
            ChatClient.registerAccount(server.text, username.text, email.text, password.text)
        else
            ChatClient.signIn(server.text, login.text, password.text)
    }

    color: Theme.chatBackground

    Component.onCompleted: (login.text.length > 0 ? password : login).field.forceActiveFocus()

    Pane {
        anchors.centerIn: parent
        width: Math.min(parent.width - Theme.unit * 2, Theme.unit * 22)
        padding: Theme.unit * 1.5

        background: Rectangle {
            color: Theme.base
            radius: Theme.radius
            border.color: Theme.separator
        }

        ColumnLayout {
            anchors.left: parent.left
            anchors.right: parent.right
            spacing: Theme.padding

            Label {
                Layout.alignment: Qt.AlignHCenter
                text: qsTr("Fast-Chat")
                font.bold: true
                font.pointSize: Theme.titleFontSize * 1.5
            }

            TabBar {
                id: tabs

                Layout.fillWidth: true
                TabButton {
                    text: qsTr("Sign in")
                }
                TabButton {
                    objectName: "registerTab"
                    text: qsTr("Create account")
                }
                onCurrentIndexChanged: ChatClient.clearError()
            }

            FormField {
                id: server

                objectName: "serverField"
                Layout.fillWidth: true
                label: qsTr("Server")
                text: ChatClient.serverUrl
                placeholderText: "http://chat.example.org:8080"
                problem: ChatClient.serverAddressProblem(server.text)
                field.objectName: "serverInput"
                onAccepted: page.submit()
            }

            FormField {
                id: login

                Layout.fillWidth: true
                visible: !page.registering
                label: qsTr("E-mail or username")
                problem: login.text.trim().length > 0 ? "" : qsTr("Enter your e-mail address or username.")
                field.objectName: "loginInput"
                onAccepted: password.field.forceActiveFocus()
            }

            FormField {
                id: username

                Layout.fillWidth: true
                visible: page.registering
                label: qsTr("Username")
                problem: ChatClient.usernameProblem(username.text)
                field.objectName: "usernameInput"
                onAccepted: email.field.forceActiveFocus()
            }

            FormField {
                id: email

                Layout.fillWidth: true
                visible: page.registering
                label: qsTr("E-mail")
                problem: ChatClient.emailProblem(email.text)
                field.objectName: "emailInput"
                onAccepted: password.field.forceActiveFocus()
            }

            FormField {
                id: password

                Layout.fillWidth: true
                label: qsTr("Password")
                echoMode: TextInput.Password
                problem: page.registering ? ChatClient.passwordProblem(password.text)
                                          : (password.text.length > 0 ? "" : qsTr("Enter your password."))
                field.objectName: "passwordInput"
                onAccepted: page.submit()
            }

            Label {
                objectName: "signInError"
                Layout.fillWidth: true
                visible: text.length > 0
                text: ChatClient.errorString
                color: Theme.danger
                wrapMode: Text.Wrap
            }

            Label {
                Layout.fillWidth: true
                visible: text.length > 0
                text: ChatClient.notice
                color: Theme.subtleText
                wrapMode: Text.Wrap
            }

            Button {
                objectName: "signInButton"
                Layout.fillWidth: true
                Layout.topMargin: Theme.spacing
                highlighted: true
                enabled: !ChatClient.busy
                text: ChatClient.busy ? qsTr("Please wait…")
                                      : (page.registering ? qsTr("Create account") : qsTr("Sign in"))
                onClicked: page.submit()
            }
        }
    }
}
