#!/usr/bin/env bash
# One node against two nodes on one PostgreSQL, on this machine: throughput and latency of
# cross-node chat (every pair has its sender on one node and its receiver on the other),
# with the PostgreSQL bus (LISTEN/NOTIFY) and with NATS (a nats-server started here).
#
#   bench/run-cluster.sh [--quick] [--nats-only]
#
# Builds into build-release/ (Release), or into $FASTCHAT_BENCH_BUILD when set (an existing
# build dir, e.g. build-nats).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=15
only_nats=0
for arg in "$@"; do
    case "$arg" in
    --quick) seconds=5 ;;
    --nats-only) only_nats=1 ;;
    *) echo "usage: bench/run-cluster.sh [--quick] [--nats-only]" >&2; exit 2 ;;
    esac
done

scripts/setup-deps
build=${FASTCHAT_BENCH_BUILD:-build-release}
(
    exec 9>>"${FASTCHAT_BUILD_LOCK:-/tmp/fastchat-build.lock}"
    flock 9
    [ -f "$build/CMakeCache.txt" ] ||
        cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
              -DFASTCHAT_BUILD_TESTS=OFF -DFASTCHAT_BUILD_CLIENT=OFF >/dev/null
    cmake --build "$build" -j2 --target fastchat-server fastchat-bench fastchat-nats-bench >/dev/null
)
server=$build/server/fastchat-server
bench=$build/bench/fastchat-bench

# shellcheck source=../scripts/pg-throwaway
source scripts/pg-throwaway
work=$(mktemp -d /tmp/fastchat-cluster-bench.XXXXXX)
pids=()
nats_pid=
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    [ -n "$nats_pid" ] && kill "$nats_pid" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
    pg_throwaway_stop
}
pg_throwaway_start >/dev/null
# After pg_throwaway_start, whose own traps would replace this one (cleanup stops it too).
trap cleanup EXIT INT TERM
nats_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
nats_bin=$(command -v nats-server || echo /usr/sbin/nats-server)
"$nats_bin" -a 127.0.0.1 -p "$nats_port" >"$work/nats.log" 2>&1 &
nats_pid=$!
nats_url="nats://127.0.0.1:$nats_port"

start_nodes() { # $1 = number of nodes, $2 = cluster mode (none, postgres or a nats:// URL)
    local label=${2%%:*}
    psql -q "$FASTCHAT_TEST_PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS fastchat_cluster" \
         -c "CREATE DATABASE fastchat_cluster" 2>/dev/null
    urls=()
    for n in $(seq "$1"); do
        "$server" serve --listen 127.0.0.1:0 --data-dir "$work/node$n-$label" --password-cost min \
            --messages-per-second 1000000 --login-attempts-per-minute 100000 --cluster "$2" \
            --database "${FASTCHAT_TEST_PG_ADMIN_URL%/postgres}/fastchat_cluster" \
            >"$work/node$n-$label.out" 2>"$work/node$n-$label.err" &
        pids+=($!)
        for _ in $(seq 100); do
            port=$(grep -o '[0-9]*$' "$work/node$n-$label.out" 2>/dev/null || true)
            [ -n "$port" ] && break
            sleep 0.1
        done
        urls+=(--server "http://127.0.0.1:$port")
    done
}
stop_nodes() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    # Only the nodes: a bare `wait` would wait for nats-server too.
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    pids=()
}
row() {
    local what="$1"; shift
    local out
    out=$("$bench" "$@" "${urls[@]}" --seconds "$seconds" --warmup 2 | tail -1)
    python3 - "$what" "$out" <<'PY'
import json, sys
what, r = sys.argv[1], json.loads(sys.argv[2])
print(f"| {what} | {r['acked_per_s']:.0f} | {r['delivered_per_s']:.0f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['errors']} |")
PY
}

echo "| setup | acked msg/s | delivered msg/s | p50 ms | p99 ms | errors |"
echo "|---|---|---|---|---|---|"
if ((!only_nats)); then
    start_nodes 1 none
    row "1 node, no cluster, capacity 50x8" capacity --pairs 50 --inflight 8
    row "1 node, no cluster, 2,000 msg/s" rate --pairs 50 --rate 2000
    stop_nodes
    start_nodes 1 postgres
    row "1 node, NOTIFY bus, capacity 50x8" capacity --pairs 50 --inflight 8
    row "1 node, NOTIFY bus, 2,000 msg/s" rate --pairs 50 --rate 2000
    stop_nodes
    start_nodes 2 postgres
    row "2 nodes, NOTIFY bus, every message crosses, capacity 50x8" capacity --pairs 50 --inflight 8
    row "2 nodes, NOTIFY bus, every message crosses, 2,000 msg/s" rate --pairs 50 --rate 2000
    stop_nodes
fi
start_nodes 1 "$nats_url"
row "1 node, NATS bus, capacity 50x8" capacity --pairs 50 --inflight 8
row "1 node, NATS bus, 2,000 msg/s" rate --pairs 50 --rate 2000
stop_nodes
start_nodes 2 "$nats_url"
row "2 nodes, NATS bus, every message crosses, capacity 50x8" capacity --pairs 50 --inflight 8
row "2 nodes, NATS bus, every message crosses, 2,000 msg/s" rate --pairs 50 --rate 2000
stop_nodes

# NATS alone, without Fast-Chat: one publisher, two subscribers (every node gets every
# event), 400-byte payloads.
echo
echo "raw NATS (fastchat-nats-bench $nats_url 200000 400 2):"
"$build/bench/fastchat-nats-bench" "$nats_url" 200000 400 2
