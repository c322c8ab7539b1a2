// SPDX-License-Identifier: MIT
// One place for colours and sizes. Colours follow the system palette (light or dark);
// sizes are multiples of the font's line height, so the UI scales with the user's font.
pragma Singleton

import QtQuick

QtObject {
    id: theme

    readonly property SystemPalette palette: SystemPalette {
        colorGroup: SystemPalette.Active
    }
    readonly property FontMetrics metrics: FontMetrics {}

    readonly property bool dark: theme.palette.window.hslLightness < 0.5

    // Sizes
    readonly property real unit: Math.ceil(theme.metrics.height)
    readonly property real charWidth: theme.metrics.averageCharacterWidth
    readonly property real spacing: Math.round(theme.unit / 3)
    readonly property real padding: Math.round(theme.unit / 2)
    readonly property real radius: Math.round(theme.unit * 0.75)
    readonly property real avatarSize: Math.round(theme.unit * 2.6)
    readonly property real smallAvatarSize: Math.round(theme.unit * 2)
    readonly property real sidebarWidth: Math.round(theme.charWidth * 42)
    readonly property real bubbleMaxWidth: Math.round(theme.charWidth * 64)
    readonly property real smallFontSize: Math.max(7, theme.metrics.font.pointSize * 0.85)
    readonly property real titleFontSize: theme.metrics.font.pointSize * 1.15

    // Colours
    readonly property color window: theme.palette.window
    readonly property color base: theme.palette.base
    readonly property color text: theme.palette.windowText
    readonly property color subtleText: theme.mix(theme.palette.base, theme.palette.windowText, 0.6)
    readonly property color accent: theme.palette.highlight
    readonly property color accentText: theme.palette.highlightedText
    readonly property color separator: theme.mix(theme.palette.base, theme.palette.windowText, 0.14)
    readonly property color sidebar: theme.palette.base
    readonly property color chatBackground: theme.mix(theme.palette.window, theme.palette.highlight, theme.dark ? 0.05 : 0.07)
    readonly property color selection: theme.mix(theme.palette.base, theme.palette.highlight, theme.dark ? 0.35 : 0.2)
    readonly property color hover: theme.mix(theme.palette.base, theme.palette.windowText, 0.06)
    readonly property color bubbleMine: theme.mix(theme.palette.base, theme.palette.highlight, theme.dark ? 0.45 : 0.2)
    readonly property color bubbleTheirs: theme.palette.base
    readonly property color online: theme.dark ? "#4cc36a" : "#2ea44f"
    readonly property color danger: theme.dark ? "#ff6b6b" : "#c62828"
    readonly property color banner: theme.dark ? "#5c4a12" : "#fff3c4"
    readonly property color bannerText: theme.dark ? "#fff3c4" : "#4d3b00"

    function mix(a: color, b: color, amount: real): color {
        return Qt.rgba(a.r + (b.r - a.r) * amount, a.g + (b.g - a.g) * amount, a.b + (b.b - a.b) * amount, 1)
    }

    function avatarColor(hue: real): color {
        return Qt.hsla(hue, 0.5, theme.dark ? 0.42 : 0.52, 1)
    }
}
