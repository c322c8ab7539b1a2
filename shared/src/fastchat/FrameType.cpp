// SPDX-License-Identifier: MIT
#include "FrameType.h"

#include <QHash>

namespace fastchat {

QString frameTypeName(FrameType type)
{
    switch (type) {
#define FASTCHAT_FRAME_NAME(name, wire, direction) \
    case FrameType::name: \
        return QStringLiteral(wire);
        FASTCHAT_FRAME_TYPES(FASTCHAT_FRAME_NAME)
#undef FASTCHAT_FRAME_NAME
    }
    return {};
}

std::optional<FrameType> frameTypeFromName(const QString &name)
{
    static const QHash<QString, FrameType> byName = [] {
        QHash<QString, FrameType> h;
#define FASTCHAT_FRAME_ENTRY(name, wire, direction) h.insert(QStringLiteral(wire), FrameType::name);
        FASTCHAT_FRAME_TYPES(FASTCHAT_FRAME_ENTRY)
#undef FASTCHAT_FRAME_ENTRY
        return h;
    }();
    const auto it = byName.constFind(name);
    if (it == byName.constEnd())
        return std::nullopt;
    return *it;
}

} // namespace fastchat
