// SPDX-License-Identifier: MIT
#include "EventCodec.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace fastchat::server::EventCodec {

namespace {

QJsonObject toObject(const Event &e, bool withFrame)
{
    QJsonArray users;
    for (qint64 id : e.userIds)
        users.append(id);
    QJsonObject o{{u"k"_s, int(e.kind)}, {u"u"_s, users}};
    if (withFrame && !e.frame.isEmpty())
        o.insert(u"f"_s, e.frame);
    if (e.messageId)
        o.insert(u"m"_s, e.messageId);
    // Connection ids use all 64 bits: a JSON number would round them.
    if (e.originConnection)
        o.insert(u"s"_s, QString::number(e.originConnection));
    if (!e.sessionId.isEmpty())
        o.insert(u"sid"_s, e.sessionId);
    if (e.presenceUserId) {
        o.insert(u"pu"_s, e.presenceUserId);
        o.insert(u"po"_s, e.presenceOnline);
    }
    return o;
}

} // namespace

QByteArray encode(const Event &event)
{
    return QJsonDocument(toObject(event, true)).toJson(QJsonDocument::Compact);
}

QList<QByteArray> pack(const QList<QByteArray> &encodedEvents, const QList<Event> &events,
                       qsizetype limit)
{
    QList<QByteArray> payloads;
    QByteArray current = "[";
    for (qsizetype i = 0; i < encodedEvents.size(); ++i) {
        QByteArray one = encodedEvents.at(i);
        if (one.size() + 2 > limit)
            one = QJsonDocument(toObject(events.at(i), false)).toJson(QJsonDocument::Compact);
        if (current.size() + one.size() + 2 > limit) {
            current += ']';
            payloads.append(current);
            current = "[";
        }
        if (current.size() > 1)
            current += ',';
        current += one;
    }
    if (current.size() > 1) {
        current += ']';
        payloads.append(current);
    }
    return payloads;
}

std::optional<QList<Event>> decode(const QByteArray &payload)
{
    const QJsonDocument doc = QJsonDocument::fromJson(payload);
    if (!doc.isArray())
        return std::nullopt;
    QList<Event> events;
    for (const QJsonValue &v : doc.array()) {
        const QJsonObject o = v.toObject();
        Event e;
        const int kind = o.value(u"k").toInt(-1);
        if (kind < int(Event::Kind::Frame) || kind > int(Event::Kind::CloseUser))
            return std::nullopt;
        e.kind = Event::Kind(kind);
        for (const QJsonValue &u : o.value(u"u").toArray())
            e.userIds.append(u.toInteger());
        e.frame = o.value(u"f").toString();
        e.messageId = o.value(u"m").toInteger();
        e.originConnection = o.value(u"s").toString().toULongLong();
        e.sessionId = o.value(u"sid").toString();
        e.presenceUserId = o.value(u"pu").toInteger();
        e.presenceOnline = o.value(u"po").toBool();
        events.append(e);
    }
    return events;
}

} // namespace fastchat::server::EventCodec
