// SPDX-License-Identifier: MIT
// Helpers for tests that drive ChatClient instances (one per simulated user, all in one
// process) against a TestServer: sign-in with QTRY waits, a QAbstractItemModelTester on every
// model a client hands out, and lookups in the models by message content.
#pragma once

#include "TestServer.h"

#include <QAbstractItemModelTester>

#include <ChatClient.h>

#include <memory>
#include <vector>

namespace clienttest {

// Generous: the suite runs on 2 cores next to other builds.
constexpr int waitMs = 30000;

struct TestUser
{
    Account account;
    std::unique_ptr<fastchat::client::ChatClient> client;
    std::vector<std::unique_ptr<QAbstractItemModelTester>> testers;

    fastchat::client::ChatClient *operator->() const { return client.get(); }
    // Puts a model tester on the client's conversations and search models.
    void watchModels();
    // Opens the conversation and puts a model tester on its messages.
    fastchat::client::MessageListModel *open(qint64 peerId);
    void reset();
};

fastchat::client::ChatClientOptions options(const TestServer &server, const QString &dataDir,
                                            const QString &profile, bool keychain = false);

// Makes the client, signs in and waits until it is online. Check QTest::currentTestFailed().
void signIn(TestUser &user, const TestServer &server, const QString &dataDir,
            bool keychain = false);

int countContent(const QAbstractItemModel *model, const QString &content);
int rowOfContent(const QAbstractItemModel *model, const QString &content);
QVariant roleAt(const QAbstractItemModel *model, int row, int role);
// The conversation row's value for a role (invalid when there is no row for the peer).
QVariant conversationRole(const fastchat::client::ChatClient *client, qint64 peerId, int role);

} // namespace clienttest
