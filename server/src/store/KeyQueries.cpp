// SPDX-License-Identifier: MIT
#include "KeyQueries.h"

#include "SqlSession.h"

#include <fastchat/crypto/Base64Url.h>

using namespace Qt::StringLiterals;

namespace fastchat::server::KeyQueries {

namespace {

QString text(const QByteArray &bytes)
{
    return crypto::toBase64Url(bytes);
}

QByteArray bytes(const QVariant &value)
{
    return crypto::fromBase64Url(value.toString()).value_or(QByteArray());
}

} // namespace

Result<KeyPublication> publish(SqlSession &s, qint64 userId, const crypto::PreKeyUpload &upload,
                               qint64 nowMs)
{
    KeyPublication outcome;
    QSqlQuery &current = s.prepared(u"SELECT identity_key FROM identity_keys WHERE user_id = ?"_s);
    current.addBindValue(userId);
    if (!s.exec(current))
        return s.lastError();
    const bool known = current.next();
    const QString previous = known ? current.value(0).toString() : QString();
    current.finish();
    const QString identity = text(upload.identityKey);
    if (known && previous != identity) {
        outcome.identityChanged = true;
        QSqlQuery &drop = s.prepared(u"DELETE FROM one_time_prekeys WHERE user_id = ?"_s);
        drop.addBindValue(userId);
        if (!s.exec(drop))
            return s.lastError();
        drop.finish();
    }
    QSqlQuery &upsert = s.prepared(
            u"INSERT INTO identity_keys (user_id, identity_key, signed_prekey_id,"
            " signed_prekey, signed_prekey_signature, updated_at) VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (user_id) DO UPDATE SET identity_key = excluded.identity_key,"
            " signed_prekey_id = excluded.signed_prekey_id,"
            " signed_prekey = excluded.signed_prekey,"
            " signed_prekey_signature = excluded.signed_prekey_signature,"
            " updated_at = excluded.updated_at"_s);
    upsert.addBindValue(userId);
    upsert.addBindValue(identity);
    upsert.addBindValue(qint64(upload.signedPreKey.id));
    upsert.addBindValue(text(upload.signedPreKey.publicKey));
    upsert.addBindValue(text(upload.signedPreKey.signature));
    upsert.addBindValue(nowMs);
    if (!s.exec(upsert))
        return s.lastError();
    upsert.finish();
    QSqlQuery &insert = s.prepared(
            u"INSERT INTO one_time_prekeys (user_id, key_id, public_key) VALUES (?, ?, ?)"
            " ON CONFLICT (user_id, key_id) DO NOTHING"_s);
    for (const crypto::OneTimePreKeyPublic &key : upload.oneTimePreKeys) {
        insert.addBindValue(userId);
        insert.addBindValue(qint64(key.id));
        insert.addBindValue(text(key.publicKey));
        if (!s.exec(insert))
            return s.lastError();
        insert.finish();
    }
    const auto left = oneTimePreKeysLeft(s, userId);
    if (!left)
        return left.error();
    outcome.oneTimePreKeysLeft = left.value();
    return outcome;
}

Result<crypto::PreKeyBundle> takeBundle(SqlSession &s, qint64 userId)
{
    QSqlQuery &keys = s.prepared(
            u"SELECT identity_key, signed_prekey_id, signed_prekey, signed_prekey_signature"
            " FROM identity_keys k JOIN users u ON u.id = k.user_id"
            " WHERE k.user_id = ? AND u.deleted_at IS NULL"_s);
    keys.addBindValue(userId);
    if (!s.exec(keys))
        return s.lastError();
    if (!keys.next()) {
        keys.finish();
        return notFound(
                u"user %1 has published no keys: chats with them are not encrypted"_s.arg(userId));
    }
    crypto::PreKeyBundle bundle;
    bundle.identityKey = bytes(keys.value(0));
    bundle.signedPreKey.id = quint32(keys.value(1).toLongLong());
    bundle.signedPreKey.publicKey = bytes(keys.value(2));
    bundle.signedPreKey.signature = bytes(keys.value(3));
    keys.finish();

    // One statement picks and deletes the key. In PostgreSQL, SKIP LOCKED lets concurrent
    // callers on other nodes take the next key instead of waiting for (and then missing)
    // the same one; SQLite has a single writer.
    QSqlQuery &take = s.prepared(
            s.isPostgres()
                    ? u"DELETE FROM one_time_prekeys WHERE (user_id, key_id) = (SELECT user_id,"
                      " key_id FROM one_time_prekeys WHERE user_id = ? ORDER BY key_id LIMIT 1"
                      " FOR UPDATE SKIP LOCKED) RETURNING key_id, public_key"_s
                    : u"DELETE FROM one_time_prekeys WHERE user_id = ? AND key_id = (SELECT"
                      " MIN(key_id) FROM one_time_prekeys WHERE user_id = ?)"
                      " RETURNING key_id, public_key"_s);
    take.addBindValue(userId);
    if (!s.isPostgres())
        take.addBindValue(userId);
    if (!s.exec(take))
        return s.lastError();
    if (take.next()) {
        crypto::OneTimePreKeyPublic key;
        key.id = quint32(take.value(0).toLongLong());
        key.publicKey = bytes(take.value(1));
        bundle.oneTimePreKey = key;
    }
    take.finish();
    return bundle;
}

Result<qsizetype> oneTimePreKeysLeft(SqlSession &s, qint64 userId)
{
    QSqlQuery &q = s.prepared(u"SELECT COUNT(*) FROM one_time_prekeys WHERE user_id = ?"_s);
    q.addBindValue(userId);
    if (!s.exec(q) || !q.next())
        return s.lastError();
    const qsizetype n = q.value(0).toLongLong();
    q.finish();
    return n;
}

} // namespace fastchat::server::KeyQueries
