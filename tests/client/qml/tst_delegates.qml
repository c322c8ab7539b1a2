// SPDX-License-Identifier: MIT
// The list delegates with test data (their required properties set directly): what a
// conversation row and a message bubble show in each state.
import QtQuick
import QtTest
import FastChat
import FastChat.Core

Item {
    id: root

    width: 600
    height: 600

    Component {
        id: conversationComponent
        ConversationDelegate {
            width: 320
        }
    }
    Component {
        id: messageComponent
        MessageDelegate {
            width: 600
        }
    }

    TestCase {
        name: "Delegates"
        when: windowShown

        function findWhere(item, predicate) {
            if (predicate(item))
                return item
            for (let i = 0; i < item.children.length; ++i) {
                const found = findWhere(item.children[i], predicate)
                if (found)
                    return found
            }
            if (item.contentItem && item.contentItem !== item) {
                const found = findWhere(item.contentItem, predicate)
                if (found)
                    return found
            }
            return null
        }

        function textShown(item, text) {
            return findWhere(item, (i) => i.text === text && i.visible) !== null
        }

        function conversation(overrides) {
            const row = {
                index: 0, peerId: 42, peerName: "bob", avatarInitial: "B", avatarHue: 0.2,
                lastMessage: "See you at noon", lastMessageTimeText: "12:04", lastMessageMine: false,
                lastMessageStatus: MessageStatus.None, unreadCount: 0, online: false, typing: false
            }
            for (const key in overrides)
                row[key] = overrides[key]
            return createTemporaryObject(conversationComponent, root, row)
        }

        function test_conversationRowShowsPreviewTimeAndBadge() {
            const row = conversation({ unreadCount: 3, online: true })
            verify(row)
            verify(textShown(row, "bob"))
            verify(textShown(row, "See you at noon"))
            verify(textShown(row, "12:04"))
            const badge = findWhere(row, (i) => i.objectName === "unreadBadge")
            compare(badge.visible, true)
            compare(badge.count, 3)
            const avatar = findWhere(row, (i) => i.initial === "B")
            compare(avatar.online, true)
            // Presence is only shown while connected (this test has no server).
            compare(ChatClient.connectionState, ChatClient.Offline)
            compare(findWhere(row, (i) => i.objectName === "onlineDot").visible, false)
        }

        function test_conversationRowShowsTypingInsteadOfThePreview() {
            const row = conversation({ typing: true })
            verify(textShown(row, "typing…"))
            verify(!textShown(row, "See you at noon"))
        }

        function test_conversationRowMarksMyLastMessage() {
            const row = conversation({ lastMessageMine: true, lastMessageStatus: MessageStatus.Read })
            verify(textShown(row, "You: See you at noon"))
            verify(textShown(row, "\u2713\u2713"))
            compare(findWhere(row, (i) => i.objectName === "unreadBadge").visible, false)
            compare(findWhere(row, (i) => i.objectName === "onlineDot").visible, false)
        }

        function message(overrides) {
            const row = {
                index: 0, content: "Hello there", timeText: "09:30", mine: false,
                status: MessageStatus.None, error: "", clientId: "", dayText: "Today",
                showDay: false, firstInGroup: true, fileId: "", hasAttachment: false, isImage: false,
                fileName: "", fileSizeText: "", imageWidth: 0, imageHeight: 0, thumbnail: "",
                transferId: "", transferState: TransferState.None, transferProgress: 0, transferText: "",
                transferError: "", localFile: "", notEncrypted: false
            }
            for (const key in overrides)
                row[key] = overrides[key]
            return createTemporaryObject(messageComponent, root, row)
        }

        function bubbleOf(item) {
            return findWhere(item, (i) => i.color !== undefined && i.radius === Theme.radius)
        }

        function test_theirMessageIsOnTheLeftWithoutTicks() {
            const item = message({})
            verify(textShown(item, "09:30"))
            const bubble = bubbleOf(item)
            verify(bubble)
            verify(bubble.x < item.width / 2)
            verify(!textShown(item, "\u2713"))
            verify(!textShown(item, "Today"))
        }

        function test_myMessageIsOnTheRightWithTicks() {
            const item = message({ mine: true, status: MessageStatus.Sent })
            const bubble = bubbleOf(item)
            verify(bubble.x + bubble.width > item.width / 2)
            verify(textShown(item, "\u2713"))
        }

        function test_firstMessageOfTheDayShowsTheDay() {
            const item = message({ showDay: true, dayText: "Yesterday" })
            verify(textShown(item, "Yesterday"))
        }

        function test_failedMessageOffersRetryAndDelete() {
            const item = message({ mine: true, status: MessageStatus.Failed, error: "receiver not found" })
            verify(textShown(item, "Not sent: receiver not found"))
            verify(textShown(item, "Retry"))
            verify(textShown(item, "Delete"))
            const sent = message({ mine: true, status: MessageStatus.Sent })
            verify(!textShown(sent, "Retry"))
        }

        readonly property string tinyPng: "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAQAAAADCAIAAAA7ljmRAAAAEElEQVR4nGM4YWMDRww4OQArRg8Bc3oMDAAAAABJRU5ErkJggg=="

        function test_imageMessageShowsItsThumbnailAtItsShape() {
            const item = message({ hasAttachment: true, isImage: true, fileId: "f1", content: "{}",
                                   fileName: "sunset.png", imageWidth: 1600, imageHeight: 1000,
                                   thumbnail: tinyPng })
            const thumb = findWhere(item, (i) => i.objectName === "imageThumbnail")
            verify(thumb)
            tryCompare(thumb, "status", Image.Ready)
            compare(thumb.visible, true)
            verify(Math.abs(thumb.width / thumb.height - 1.6) < 0.05, thumb.width + "x" + thumb.height)
            verify(!textShown(item, "{}")) // no JSON
            verify(!findWhere(item, (i) => i.objectName === "transferProgress" && i.visible))
        }

        function test_fileMessageIsACardWithSave() {
            const item = message({ hasAttachment: true, fileId: "f2", content: "{}",
                                   fileName: "report.pdf", fileSizeText: "5.2 MB" })
            verify(textShown(item, "report.pdf"))
            verify(textShown(item, "5.2 MB"))
            verify(textShown(item, "PDF"))
            verify(textShown(item, "Save…"))
        }

        function test_uploadShowsProgressAndCancel() {
            const item = message({ mine: true, status: MessageStatus.Sending, hasAttachment: true,
                                   fileName: "big.iso", fileSizeText: "1.1 GB", transferId: "up:1",
                                   transferState: TransferState.Running, transferProgress: 0.25,
                                   transferText: "275 MB of 1.1 GB" })
            const bar = findWhere(item, (i) => i.objectName === "transferProgress")
            verify(bar && bar.visible)
            compare(bar.value, 0.25)
            verify(textShown(item, "275 MB of 1.1 GB"))
            verify(textShown(item, "Cancel"))
            verify(!textShown(item, "Retry"))
            verify(!textShown(item, "Save…")) // nothing to save before it is uploaded
        }

        function test_failedTransferOffersRetry() {
            const item = message({ hasAttachment: true, fileId: "f3", fileName: "a.txt",
                                   transferId: "down:f3", transferState: TransferState.Failed,
                                   transferError: "The downloaded file is damaged" })
            verify(textShown(item, "The downloaded file is damaged"))
            verify(textShown(item, "Retry"))
            verify(textShown(item, "Cancel"))
        }

        function test_imageWithoutAFileIsText() {
            // A seed client's image message: the content is a URL.
            const item = message({ content: "https://example.org/cat.png" })
            verify(textShown(item, "https://example.org/cat.png"))
            verify(!findWhere(item, (i) => i.objectName === "imagePreview"))
        }

        function test_longMessagesWrapWithinTheBubble() {
            const longText = "word ".repeat(200)
            const item = message({ content: longText })
            const bubble = bubbleOf(item)
            verify(bubble.width <= Math.min(Theme.bubbleMaxWidth, item.width * 0.75) + Theme.padding * 2 + 1)
            tryVerify(() => item.height > Theme.unit * 4, 5000, "the bubble grows with its lines: " + item.height)
        }
    }
}
