// SPDX-License-Identifier: MIT
// The small FastChat components with hand-made data: ticks, badge, avatar, form field.
import QtQuick
import QtTest
import FastChat
import FastChat.Core

Item {
    id: root

    width: 400
    height: 400

    Component {
        id: ticksComponent
        StatusTicks {}
    }
    Component {
        id: badgeComponent
        UnreadBadge {}
    }
    Component {
        id: avatarComponent
        Avatar {}
    }
    Component {
        id: formFieldComponent
        FormField {
            width: 300
        }
    }

    TestCase {
        name: "Components"
        when: windowShown

        function findNamed(item, name) {
            if (item.objectName === name)
                return item
            for (let i = 0; i < item.children.length; ++i) {
                const found = findNamed(item.children[i], name)
                if (found)
                    return found
            }
            return null
        }

        function test_ticks_data() {
            return [
                { tag: "none", status: MessageStatus.None, text: "", visible: false },
                { tag: "sending", status: MessageStatus.Sending, text: "\u25F7", visible: true },
                { tag: "sent", status: MessageStatus.Sent, text: "\u2713", visible: true },
                { tag: "read", status: MessageStatus.Read, text: "\u2713\u2713", visible: true },
                { tag: "failed", status: MessageStatus.Failed, text: "!", visible: true },
            ]
        }

        function test_ticks(data) {
            const ticks = createTemporaryObject(ticksComponent, root, { status: data.status })
            verify(ticks)
            compare(ticks.text, data.text)
            compare(ticks.visible, data.visible)
            if (data.status === MessageStatus.Read)
                compare(ticks.color, Theme.accent)
            if (data.status === MessageStatus.Failed)
                compare(ticks.color, Theme.danger)
        }

        function test_badge_data() {
            return [
                { tag: "zero", count: 0, visible: false, text: "0" },
                { tag: "one", count: 1, visible: true, text: "1" },
                { tag: "many", count: 1500, visible: true, text: "999+" },
            ]
        }

        function test_badge(data) {
            const badge = createTemporaryObject(badgeComponent, root, { count: data.count })
            verify(badge)
            compare(badge.visible, data.visible)
            compare(badge.children[0].text, data.text)
            verify(badge.width >= badge.height) // a pill, never narrower than round
        }

        function test_avatarShowsPresenceOnlyWhenAsked() {
            const avatar = createTemporaryObject(avatarComponent, root,
                                                 { initial: "B", hue: 0.3, online: true, showPresence: false })
            const dot = findNamed(avatar, "onlineDot")
            verify(dot)
            compare(dot.visible, false)
            avatar.showPresence = true
            compare(dot.visible, true)
            avatar.online = false
            compare(dot.visible, false)
            compare(avatar.width, Theme.avatarSize)
        }

        function test_formFieldShowsItsProblemAfterEditing() {
            const field = createTemporaryObject(formFieldComponent, root,
                                                { label: "E-mail", problem: "Enter an address." })
            const problem = field.children[2]
            compare(problem.visible, false) // nothing typed yet: no scolding
            field.field.forceActiveFocus()
            keyClick(Qt.Key_A)
            compare(field.text, "a")
            compare(problem.visible, true)
            field.problem = ""
            compare(problem.visible, false)
        }

        function test_themeSizesFollowTheFont() {
            verify(Theme.unit > 0)
            compare(Theme.padding, Math.round(Theme.unit / 2))
            verify(Theme.avatarSize > Theme.unit * 2)
            verify(Theme.sidebarWidth > Theme.unit * 10)
        }
    }
}
