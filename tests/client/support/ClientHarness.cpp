// SPDX-License-Identifier: MIT
#include "ClientHarness.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace fastchat::client;

namespace clienttest {

void TestUser::watchModels()
{
    using Mode = QAbstractItemModelTester::FailureReportingMode;
    testers.push_back(
            std::make_unique<QAbstractItemModelTester>(client->conversations(), Mode::QtTest));
    testers.push_back(
            std::make_unique<QAbstractItemModelTester>(client->userSearch(), Mode::QtTest));
}

MessageListModel *TestUser::open(qint64 peerId)
{
    client->openConversation(peerId);
    MessageListModel *model = client->messages();
    if (model)
        testers.push_back(std::make_unique<QAbstractItemModelTester>(
                model, QAbstractItemModelTester::FailureReportingMode::QtTest));
    return model;
}

void TestUser::reset()
{
    testers.clear();
    client.reset();
}

ChatClientOptions options(const TestServer &server, const QString &dataDir, const QString &profile,
                          bool keychain)
{
    ChatClientOptions o;
    o.serverUrl = server.url();
    o.dataDir = dataDir;
    o.profile = profile;
    o.useKeychain = keychain;
    return o;
}

void signIn(TestUser &user, const TestServer &server, const QString &dataDir, bool keychain)
{
    user.testers.clear();
    user.client = std::make_unique<ChatClient>(
            options(server, dataDir, user.account.username, keychain));
    user.watchModels();
    user.client->signIn(server.url().toString(), user.account.email, user.account.password);
    QTRY_VERIFY_WITH_TIMEOUT(user.client->isSignedIn(), waitMs);
    QTRY_COMPARE_WITH_TIMEOUT(user.client->connectionState(), ChatClient::Online, waitMs);
}

int countContent(const QAbstractItemModel *model, const QString &content)
{
    int n = 0;
    for (int row = 0; model && row < model->rowCount(); ++row) {
        if (model->index(row, 0).data(MessageListModel::ContentRole).toString() == content)
            ++n;
    }
    return n;
}

int rowOfContent(const QAbstractItemModel *model, const QString &content)
{
    for (int row = 0; model && row < model->rowCount(); ++row) {
        if (model->index(row, 0).data(MessageListModel::ContentRole).toString() == content)
            return row;
    }
    return -1;
}

QVariant roleAt(const QAbstractItemModel *model, int row, int role)
{
    if (!model || row < 0 || row >= model->rowCount())
        return {};
    return model->index(row, 0).data(role);
}

QVariant conversationRole(const ChatClient *client, qint64 peerId, int role)
{
    const int row = client->conversations()->rowOf(peerId);
    return roleAt(client->conversations(), row, role);
}

} // namespace clienttest
