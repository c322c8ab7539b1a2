// SPDX-License-Identifier: MIT
#include "LogOutput.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace fastchat::server::LogOutput {

namespace {

const char *levelName(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg:
        return "debug";
    case QtInfoMsg:
        return "info";
    case QtWarningMsg:
        return "warning";
    case QtCriticalMsg:
        return "critical";
    case QtFatalMsg:
        return "fatal";
    }
    return "info";
}

void jsonHandler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    const QJsonObject line{
            {u"time"_s, QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
            {u"level"_s, QString::fromLatin1(levelName(type))},
            {u"category"_s, QString::fromLatin1(context.category ? context.category : "default")},
            {u"message"_s, message},
    };
    const QByteArray bytes = QJsonDocument(line).toJson(QJsonDocument::Compact) + '\n';
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stderr);
    if (type == QtFatalMsg)
        std::abort();
}

QLoggingCategory::CategoryFilter previousFilter = nullptr;

// Qt's own HTTP server logs whole request URLs at debug level, and a seed client puts
// its token in the /ws URL: that category never logs debug, whatever the rules say.
void withoutUrlLogging(QLoggingCategory *category)
{
    if (previousFilter)
        previousFilter(category);
    if (qstrncmp(category->categoryName(), "qt.httpserver", 13) == 0)
        category->setEnabled(QtDebugMsg, false);
}

} // namespace

void install(ServerConfig::LogFormat format)
{
    previousFilter = QLoggingCategory::installFilter(withoutUrlLogging);
    if (format == ServerConfig::LogFormat::Json) {
        qInstallMessageHandler(jsonHandler);
        return;
    }
    qSetMessagePattern(
            u"%{time yyyy-MM-ddThh:mm:ss.zzz} %{if-debug}debug%{endif}%{if-info}info%{endif}"
            "%{if-warning}warning%{endif}%{if-critical}critical%{endif}%{if-fatal}fatal%{endif}"
            " %{category}: %{message}"_s);
}

} // namespace fastchat::server::LogOutput
