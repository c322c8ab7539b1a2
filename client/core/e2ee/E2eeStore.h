// SPDX-License-Identifier: MIT
// The end-to-end encryption state on this computer, in the client's SQLite file next to the
// cache (same connection, so one transaction covers a ratchet step and the message it made
// or opened): one table of rows (kind, id, sealed body). Every body is sealed with the
// database key (SecretBox) and its "kind:id" as associated data. Kinds: "meta" (counters,
// the check value), "spk" (signed prekeys, private), "otpk" (one-time prekeys, private),
// "session" (SessionCipher state per peer), "peer" (identity key, verified mark), "plain"
// (decrypted texts by message id or client id, and the envelopes already made for a
// client id, so nothing is ever encrypted or decrypted twice).
#pragma once

#include "SecretBox.h"

#include <QList>
#include <QString>

#include <memory>
#include <optional>

namespace fastchat::client::e2ee {

class E2eeStore
{
public:
    // Creates the table when needed. A file whose rows were sealed with another key (the
    // keychain entry was replaced) loses them: they could never be read again.
    bool open(const QString &connectionName, std::shared_ptr<const SecretBox> box);
    void close();
    bool isOpen() const { return !m_connection.isEmpty(); }

    std::optional<QByteArray> get(const QString &kind, const QString &id) const;
    bool put(const QString &kind, const QString &id, QByteArrayView value);
    bool remove(const QString &kind, const QString &id);
    // Every row of a kind: (id, value).
    QList<std::pair<QString, QByteArray>> all(const QString &kind) const;

    // One transaction for a ratchet step and what it produced.
    bool begin();
    bool commit();
    void rollback();

private:
    QString m_connection;
    std::shared_ptr<const SecretBox> m_box;
};

} // namespace fastchat::client::e2ee
