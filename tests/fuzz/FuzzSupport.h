// SPDX-License-Identifier: MIT
// Shared by the libFuzzer targets: one QCoreApplication per process, Qt's own messages
// silenced (FASTCHAT_FUZZ_VERBOSE=1 shows them), and FUZZ_CHECK for properties the code
// must keep on every input (a failed check aborts, so libFuzzer keeps the input as a crash).
#pragma once

#include <QByteArray>
#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <fastchat/Parsed.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>

#define FUZZ_CHECK(condition, ...) \
    do { \
        if (!(condition)) { \
            std::fprintf(stderr, "FUZZ_CHECK failed at %s:%d: %s\n", __FILE__, __LINE__, \
                         #condition); \
            ::fastchat::fuzz::explain(__VA_ARGS__); \
            std::abort(); \
        } \
    } while (0)

namespace fastchat::fuzz {

inline void explain() {}
inline void explain(const QString &detail)
{
    std::fprintf(stderr, "  %s\n", detail.toUtf8().constData());
}
inline void explain(const QByteArray &detail)
{
    std::fprintf(stderr, "  %s\n", detail.constData());
}

inline void quietMessages(QtMsgType type, const QMessageLogContext &, const QString &message)
{
    static const bool verbose = qEnvironmentVariableIntValue("FASTCHAT_FUZZ_VERBOSE") != 0;
    if (verbose || type == QtFatalMsg)
        std::fprintf(stderr, "%s\n", message.toUtf8().constData());
    if (type == QtFatalMsg)
        std::abort();
}

// Call from LLVMFuzzerInitialize (or lazily from the first input).
inline QCoreApplication *ensureApp()
{
    static int argc = 1;
    static char name[] = "fastchat-fuzz";
    static char *argv[] = {name, nullptr};
    // Never deleted: it lives until exit, like the fuzzer (the static pointer keeps it reachable).
    [[maybe_unused]] static QCoreApplication *app = nullptr;
    if (!QCoreApplication::instance()) {
        qInstallMessageHandler(quietMessages);
        app = new QCoreApplication(argc, argv);
    }
    return QCoreApplication::instance();
}

inline QByteArray bytes(const uint8_t *data, size_t size)
{
    // A copy (Qt's byte arrays end in a NUL that the fuzzer's buffer does not have).
    return QByteArray(reinterpret_cast<const char *>(data), qsizetype(size));
}

// Exploratory runs can step over an open finding, so that the fuzzer keeps looking for others:
// FASTCHAT_FUZZ_IGNORE=id1,id2 (ids in docs/reliability.md). The regression inputs in the
// corpus still fail without it, until the finding is fixed.
inline bool ignoring(const char *id)
{
    static const QList<QByteArray> ids = qgetenv("FASTCHAT_FUZZ_IGNORE").split(',');
    return ids.contains(QByteArray(id));
}

// A UTF-16 string with a surrogate that is not half of a pair (JSON "\ud800" gives one).
inline bool hasLoneSurrogate(QStringView s)
{
    for (qsizetype i = 0; i < s.size(); ++i) {
        if (s[i].isHighSurrogate() && i + 1 < s.size() && s[i + 1].isLowSurrogate())
            ++i;
        else if (s[i].isSurrogate())
            return true;
    }
    return false;
}

inline bool anyLoneSurrogate(const QJsonValue &value)
{
    if (value.isString())
        return hasLoneSurrogate(QStringView(value.toString()));
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it)
            if (hasLoneSurrogate(QStringView(it.key())) || anyLoneSurrogate(it.value()))
                return true;
    }
    if (value.isArray()) {
        for (const QJsonValue &item : value.toArray())
            if (anyLoneSurrogate(item))
                return true;
    }
    return false;
}

inline QByteArray show(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

// What parsed must be written and read back to the same value.
template<typename T>
std::optional<T> roundTrip(const QJsonObject &payload, const char *what)
{
    const Parsed<T> parsed = T::fromJson(payload);
    if (!parsed) {
        FUZZ_CHECK(!parsed.code().isEmpty() && !parsed.error().isEmpty(), QByteArray(what));
        return std::nullopt;
    }
    const QJsonObject written = parsed->toJson();
    const Parsed<T> again = T::fromJson(written);
    // Open finding "zero-id": a missing optional id is read as 0 and written as 0, which
    // fromJson() then refuses (Message.conversation_id, Ack.conversation_id).
    if (!again.ok() && ignoring("zero-id") && again.error().contains(u"must be a positive integer"))
        return parsed.value();
    FUZZ_CHECK(again.ok(),
               QByteArray(what) + " accepted " + show(payload) + " but refused its own toJson() "
                       + show(written) + ": " + again.error().toUtf8());
    FUZZ_CHECK(again->toJson() == written,
               QByteArray(what) + " changed on the way back: " + show(written) + " -> "
                       + show(again->toJson()));
    return parsed.value();
}

} // namespace fastchat::fuzz
