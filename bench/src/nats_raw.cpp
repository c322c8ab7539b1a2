// SPDX-License-Identifier: MIT
// fastchat-nats-bench: what one NATS server carries on this machine, without Fast-Chat.
// One connection publishes N payloads of S bytes (a chat event is a few hundred bytes) to
// a subject, `subscribers` other connections each receive all of them (every node receives
// every event); prints one JSON line with published/s and delivered/s.
//
//   fastchat-nats-bench nats://127.0.0.1:4222 [count=200000] [bytes=400] [subscribers=2]
#include <nats/nats.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace {

std::atomic<long> delivered{0};

void onMessage(natsConnection *, natsSubscription *, natsMsg *msg, void *)
{
    delivered.fetch_add(1, std::memory_order_relaxed);
    natsMsg_Destroy(msg);
}

bool check(natsStatus s, const char *what)
{
    if (s == NATS_OK)
        return true;
    std::fprintf(stderr, "fastchat-nats-bench: %s: %s\n", what, natsStatus_GetText(s));
    return false;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 2) {
        std::fprintf(stderr,
                     "usage: fastchat-nats-bench nats://HOST:PORT [count] [bytes] "
                     "[subscribers]\n");
        return 2;
    }
    const long count = argc > 2 ? std::atol(argv[2]) : 200000;
    const int bytes = argc > 3 ? std::atoi(argv[3]) : 400;
    const int subscribers = argc > 4 ? std::atoi(argv[4]) : 2;
    const char *subject = "fastchat.bench";

    std::vector<natsConnection *> subs(size_t(subscribers), nullptr);
    std::vector<natsSubscription *> handles(size_t(subscribers), nullptr);
    for (int i = 0; i < subscribers; ++i) {
        if (!check(natsConnection_ConnectTo(&subs[size_t(i)], argv[1]), "connect")
            || !check(natsConnection_Subscribe(&handles[size_t(i)], subs[size_t(i)], subject,
                                               onMessage, nullptr),
                      "subscribe")
            || !check(natsSubscription_SetPendingLimits(handles[size_t(i)], -1, -1), "limits")
            || !check(natsConnection_Flush(subs[size_t(i)]), "flush"))
            return 1;
    }
    natsConnection *pub = nullptr;
    if (!check(natsConnection_ConnectTo(&pub, argv[1]), "connect"))
        return 1;
    const std::string payload(size_t(bytes), 'x');
    const auto start = std::chrono::steady_clock::now();
    for (long i = 0; i < count; ++i) {
        if (!check(natsConnection_Publish(pub, subject, payload.data(), bytes), "publish"))
            return 1;
    }
    check(natsConnection_FlushTimeout(pub, 60000), "flush");
    const auto published = std::chrono::steady_clock::now();
    const long expected = count * subscribers;
    while (delivered.load() < expected
           && std::chrono::steady_clock::now() - start < std::chrono::seconds(120))
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    const auto end = std::chrono::steady_clock::now();
    const double pubSeconds = std::chrono::duration<double>(published - start).count();
    const double allSeconds = std::chrono::duration<double>(end - start).count();
    std::printf("{\"count\": %ld, \"bytes\": %d, \"subscribers\": %d, \"published_per_s\": %.0f, "
                "\"delivered\": %ld, \"delivered_per_s\": %.0f, \"per_subscriber_per_s\": %.0f}\n",
                count, bytes, subscribers, double(count) / pubSeconds, delivered.load(),
                double(delivered.load()) / allSeconds,
                double(delivered.load()) / allSeconds / subscribers);
    natsConnection_Destroy(pub);
    for (int i = 0; i < subscribers; ++i) {
        natsSubscription_Destroy(handles[size_t(i)]);
        natsConnection_Destroy(subs[size_t(i)]);
    }
    return delivered.load() == expected ? 0 : 1;
}
