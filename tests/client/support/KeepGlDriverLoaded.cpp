// SPDX-License-Identifier: MIT
// Linked into the GUI tests as a source of each executable (not of a library, so that its
// initializer always runs); it does something only in AddressSanitizer builds.
#include <QByteArray>
#include <QFile>
#include <QString>
#include <QStringList>

#include <dlfcn.h>

using namespace Qt::StringLiterals;

#if defined(__SANITIZE_ADDRESS__)
namespace {
// Mesa unloads its software GL driver (swrast_dri.so) with dlclose at exit, before
// LeakSanitizer looks. Memory that only the driver's globals still pointed to then looks
// leaked, and its frames can no longer be symbolized, so no suppression can match them
// (docs/reliability.md). Opening the driver once more with RTLD_NODELETE keeps it mapped
// until the process ends: its memory stays reachable, and no false leak is reported.
[[maybe_unused]] const bool glDriverKeptLoaded = [] {
    // Mesa's driver folders, as its loader searches them.
    QStringList folders
            = qEnvironmentVariable("LIBGL_DRIVERS_PATH").split(u':', Qt::SkipEmptyParts);
    folders << u"/usr/lib/x86_64-linux-gnu/dri"_s << u"/usr/lib/aarch64-linux-gnu/dri"_s
            << u"/usr/lib64/dri"_s << u"/usr/lib/dri"_s;
    for (const QString &folder : std::as_const(folders)) {
        const QByteArray path = QFile::encodeName(folder + u"/swrast_dri.so"_s);
        if (dlopen(path.constData(), RTLD_NOW | RTLD_NODELETE | RTLD_GLOBAL))
            return true;
    }
    qWarning("swrast_dri.so could not be kept loaded (%s): LeakSanitizer may report Mesa's "
             "memory as leaked",
             dlerror());
    return false;
}();
} // namespace
#endif
