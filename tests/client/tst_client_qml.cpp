// SPDX-License-Identifier: MIT
// Qt Quick Test runner for the FastChat QML components (qml/tst_*.qml), with the module
// linked in statically exactly as the app has it.
#include <QQmlEngine>
#include <QtQuickTest>

#include <ClientUi.h>

using namespace Qt::StringLiterals;

class Setup : public QObject
{
    Q_OBJECT

public Q_SLOTS:
    void applicationAvailable() { fastchat::client::prepareUi(); }
    void qmlEngineAvailable(QQmlEngine *engine) { engine->addImportPath(u"qrc:/qt/qml"_s); }
};

QUICK_TEST_MAIN_WITH_SETUP(tst_client_qml, Setup)
#include "tst_client_qml.moc"
