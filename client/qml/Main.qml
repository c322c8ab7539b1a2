// SPDX-License-Identifier: MIT
// The application window: the sign-in page, or the chat once signed in. The title carries
// the number of unread messages.
import QtQuick
import QtQuick.Controls
import FastChat
import FastChat.Core

ApplicationWindow {
    id: window

    width: Math.round(Theme.unit * 68)
    height: Math.round(Theme.unit * 44)
    minimumWidth: Math.round(Theme.unit * 30)
    minimumHeight: Math.round(Theme.unit * 20)
    visible: true
    color: Theme.window
    title: ChatClient.unreadTotal > 0 ? qsTr("(%1) Fast-Chat").arg(ChatClient.unreadTotal) : qsTr("Fast-Chat")

    onActiveChanged: ChatClient.windowActive = window.active
    Component.onCompleted: ChatClient.windowActive = window.active

    Loader {
        objectName: "pageLoader"
        anchors.fill: parent
        sourceComponent: ChatClient.signedIn ? chatPage : (ChatClient.restoring ? restoringPage : signInPage)
    }

    Component {
        id: signInPage
        SignInPage {}
    }

    Component {
        id: chatPage
        ChatPage {}
    }

    Component {
        id: restoringPage
        Item {
            BusyIndicator {
                anchors.centerIn: parent
                running: true
            }
        }
    }
}
