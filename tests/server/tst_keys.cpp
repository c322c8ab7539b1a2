// SPDX-License-Identifier: MIT
// The key routes of end-to-end encryption against docs/protocol.md ("Keys"): publishing
// prekeys (signature checked), taking a bundle (each one-time prekey handed out exactly once,
// also under many concurrent requests), a new identity key replacing the old keys, and what
// another user may not do. Keys are made with the real crypto library, so a bundle is
// checked by starting X3DH with it. Every case runs on sqlite and postgres.
#include "TestEnv.h"

#include <QNetworkReply>
#include <QSet>
#include <QtTest>

#include <fastchat/crypto/IdentityKey.h>
#include <fastchat/crypto/PreKeyBundle.h>
#include <fastchat/crypto/PreKeys.h>
#include <fastchat/crypto/X3dh.h>

using namespace Qt::StringLiterals;
using namespace fctest;
using namespace fastchat::crypto;

namespace {

struct Keys
{
    IdentityKeyPair identity = IdentityKeyPair::generate();
    SignedPreKey signedPreKey = SignedPreKey::generate(identity, 1);
    QList<OneTimePreKey> oneTime;

    QJsonObject upload(quint32 firstId, int count)
    {
        PreKeyUpload u;
        u.identityKey = identity.publicKey();
        u.signedPreKey = SignedPreKeyPublic::from(signedPreKey);
        const QList<OneTimePreKey> made = OneTimePreKey::generate(firstId, count);
        for (const OneTimePreKey &k : made)
            u.oneTimePreKeys.append(OneTimePreKeyPublic::from(k));
        oneTime += made;
        return u.toJson();
    }
};

} // namespace

class TestKeys : public QObject
{
    Q_OBJECT

private slots:
    void aPublishedBundleStartsX3dhAndEachOneTimePreKeyIsUsedOnce_data() { addDriverRows(); }
    void aPublishedBundleStartsX3dhAndEachOneTimePreKeyIsUsedOnce()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        FC_USER(bob, env, u"bob"_s);
        Keys bobKeys;
        const HttpResponse published = env.http().put(u"/keys"_s, bobKeys.upload(1, 3), bob.token);
        FC_STATUS(published, 200);
        QCOMPARE(published.object()[u"one_time_prekeys"_s].toInteger(), 3);

        const IdentityKeyPair aliceIdentity = IdentityKeyPair::generate();
        QSet<quint32> handedOut;
        for (int i = 0; i < 3; ++i) {
            const HttpResponse r = env.http().post(u"/users/%1/bundle"_s.arg(bob.id), {},
                                                   alice.token);
            FC_STATUS(r, 200);
            const auto bundle = PreKeyBundle::fromJson(r.object());
            QVERIFY2(bundle.ok(), qPrintable(bundle.error()));
            QCOMPARE(bundle->identityKey, bobKeys.identity.publicKey());
            QVERIFY(bundle->oneTimePreKey.has_value());
            QVERIFY2(!handedOut.contains(bundle->oneTimePreKey->id),
                     "a one-time prekey came twice");
            handedOut.insert(bundle->oneTimePreKey->id);
            // The bundle is usable: X3DH with it verifies the signed prekey.
            const auto started = X3dh::initiate(aliceIdentity, bundle.value());
            QVERIFY2(started.ok(), qPrintable(started.error()));
        }
        QCOMPARE(handedOut, (QSet<quint32>{1, 2, 3}));
        // None left: the bundle comes without one (X3DH without DH4), and Bob sees 0.
        const HttpResponse empty = env.http().post(u"/users/%1/bundle"_s.arg(bob.id), {},
                                                   alice.token);
        FC_STATUS(empty, 200);
        QVERIFY(!empty.object().contains(u"one_time_prekey"_s));
        const HttpResponse left = env.http().get(u"/keys"_s, bob.token);
        FC_STATUS(left, 200);
        QCOMPARE(left.object()[u"one_time_prekeys"_s].toInteger(), 0);
        // A refill with the same signed prekey adds keys.
        const HttpResponse refill = env.http().put(u"/keys"_s, bobKeys.upload(4, 5), bob.token);
        QCOMPARE(refill.object()[u"one_time_prekeys"_s].toInteger(), 5);
    }

    void concurrentRequestsNeverGetTheSameOneTimePreKey_data() { addDriverRows(); }
    void concurrentRequestsNeverGetTheSameOneTimePreKey()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(bob, env, u"bob"_s);
        QList<TestUser> askers;
        for (int i = 0; i < 4; ++i) {
            const TestUser u = env.createUser(u"asker%1"_s.arg(i));
            QVERIFY2(u.ok(), qPrintable(env.error()));
            askers << u;
        }
        Keys bobKeys;
        constexpr int stock = 40;
        FC_STATUS(env.http().put(u"/keys"_s, bobKeys.upload(100, stock), bob.token), 200);

        // 60 requests in flight at once, from four users over several connections.
        QNetworkAccessManager manager;
        QList<QNetworkReply *> replies;
        for (int i = 0; i < 60; ++i) {
            QNetworkRequest request(env.http().url(u"/users/%1/bundle"_s.arg(bob.id)));
            request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
            request.setRawHeader("Authorization",
                                 "Bearer " + askers[i % askers.size()].token.toUtf8());
            replies << manager.post(request, QByteArray("{}"));
        }
        QTRY_VERIFY_WITH_TIMEOUT(std::all_of(replies.begin(), replies.end(),
                                             [](QNetworkReply *r) { return r->isFinished(); }),
                                 30000);
        QList<quint32> ids;
        int without = 0;
        for (QNetworkReply *r : std::as_const(replies)) {
            QCOMPARE(r->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
            const auto bundle = PreKeyBundle::fromJson(
                    QJsonDocument::fromJson(r->readAll()).object());
            QVERIFY2(bundle.ok(), qPrintable(bundle.error()));
            if (bundle->oneTimePreKey)
                ids << bundle->oneTimePreKey->id;
            else
                ++without;
            r->deleteLater();
        }
        QCOMPARE(ids.size(), stock);
        QCOMPARE(QSet<quint32>(ids.begin(), ids.end()).size(), stock); // never twice
        QCOMPARE(without, 60 - stock);
    }

    void badUploadsAreRefusedAndChangeNothing_data() { addDriverRows(); }
    void badUploadsAreRefusedAndChangeNothing()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        FC_USER(bob, env, u"bob"_s);
        Keys bobKeys;
        const QJsonObject good = bobKeys.upload(1, 2);
        FC_STATUS(env.http().put(u"/keys"_s, good, bob.token), 200);

        // A signed prekey signed by someone else (a server or a thief cannot slip one in).
        QJsonObject forged = good;
        forged[u"identity_key"_s]
                = PreKeyUpload::fromJson(Keys().upload(1, 1))->toJson()[u"identity_key"_s];
        FC_STATUS(env.http().put(u"/keys"_s, forged, bob.token), 400);
        QJsonObject shortKey = good;
        shortKey[u"identity_key"_s] = u"AAAA"_s;
        FC_STATUS(env.http().put(u"/keys"_s, shortKey, bob.token), 400);
        FC_STATUS(env.http().put(u"/keys"_s, QJsonObject{{u"identity_key"_s, 5}}, bob.token), 400);
        FC_STATUS(env.http().put(u"/keys"_s, good, {}), 401);

        const HttpResponse bundle = env.http().post(u"/users/%1/bundle"_s.arg(bob.id), {},
                                                    alice.token);
        FC_STATUS(bundle, 200);
        QCOMPARE(PreKeyBundle::fromJson(bundle.object())->identityKey,
                 bobKeys.identity.publicKey());
        // Without keys, or no such user: 404 (the client then says the chat is not encrypted).
        FC_STATUS(env.http().post(u"/users/%1/bundle"_s.arg(alice.id), {}, bob.token), 404);
        FC_STATUS(env.http().post(u"/users/987654/bundle"_s, {}, bob.token), 404);
    }

    void aNewIdentityKeyReplacesTheOldKeys_data() { addDriverRows(); }
    void aNewIdentityKeyReplacesTheOldKeys()
    {
        QFETCH(QString, driver);
        TestEnv env;
        FC_START(env, driver);
        FC_USER(alice, env, u"alice"_s);
        FC_USER(bob, env, u"bob"_s);
        Keys before;
        FC_STATUS(env.http().put(u"/keys"_s, before.upload(1, 5), bob.token), 200);
        Keys after; // a reinstalled client
        const HttpResponse replaced = env.http().put(u"/keys"_s, after.upload(1, 2), bob.token);
        FC_STATUS(replaced, 200);
        QCOMPARE(replaced.object()[u"one_time_prekeys"_s].toInteger(), 2); // the old 5 are gone
        const HttpResponse bundle = env.http().post(u"/users/%1/bundle"_s.arg(bob.id), {},
                                                    alice.token);
        const auto parsed = PreKeyBundle::fromJson(bundle.object());
        QVERIFY(parsed.ok());
        QCOMPARE(parsed->identityKey, after.identity.publicKey());
        QCOMPARE(parsed->oneTimePreKey->publicKey,
                 OneTimePreKeyPublic::from(after.oneTime.first()).publicKey);
        // Alice's own publication does not touch Bob's keys.
        Keys aliceKeys;
        FC_STATUS(env.http().put(u"/keys"_s, aliceKeys.upload(1, 1), alice.token), 200);
        QCOMPARE(env.http().get(u"/keys"_s, bob.token).object()[u"one_time_prekeys"_s].toInteger(),
                 1);
    }
};

QTEST_GUILESS_MAIN(TestKeys)
#include "tst_keys.moc"
