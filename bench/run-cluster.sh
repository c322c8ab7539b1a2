#!/usr/bin/env bash
# One node against two nodes on one PostgreSQL, on this machine: throughput and latency of
# cross-node chat (every pair has its sender on one node and its receiver on the other).
#
#   bench/run-cluster.sh [--quick]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=15
[ "${1:-}" = --quick ] && seconds=5

scripts/setup-deps
(
    exec 9>>"${FASTCHAT_BUILD_LOCK:-/tmp/fastchat-build.lock}"
    flock 9
    [ -f build-release/CMakeCache.txt ] ||
        cmake -S . -B build-release -G Ninja -DCMAKE_BUILD_TYPE=Release \
              -DFASTCHAT_BUILD_TESTS=OFF -DFASTCHAT_BUILD_CLIENT=OFF >/dev/null
    cmake --build build-release -j2 --target fastchat-server fastchat-bench >/dev/null
)
server=build-release/server/fastchat-server
bench=build-release/bench/fastchat-bench

# shellcheck source=../scripts/pg-throwaway
source scripts/pg-throwaway
work=$(mktemp -d /tmp/fastchat-cluster-bench.XXXXXX)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
    pg_throwaway_stop
}
trap cleanup EXIT INT TERM
pg_throwaway_start >/dev/null

start_nodes() { # $1 = number of nodes, $2 = cluster mode
    psql -q "$FASTCHAT_TEST_PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS fastchat_cluster" \
         -c "CREATE DATABASE fastchat_cluster" 2>/dev/null
    urls=()
    for n in $(seq "$1"); do
        "$server" serve --listen 127.0.0.1:0 --data-dir "$work/node$n-$2" --password-cost min \
            --messages-per-second 1000000 --login-attempts-per-minute 100000 --cluster "$2" \
            --database "${FASTCHAT_TEST_PG_ADMIN_URL%/postgres}/fastchat_cluster" \
            >"$work/node$n-$2.out" 2>"$work/node$n-$2.err" &
        pids+=($!)
        for _ in $(seq 100); do
            port=$(grep -o '[0-9]*$' "$work/node$n-$2.out" 2>/dev/null || true)
            [ -n "$port" ] && break
            sleep 0.1
        done
        urls+=(--server "http://127.0.0.1:$port")
    done
}
stop_nodes() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
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
start_nodes 1 none
row "1 node, no cluster, capacity 50x8" capacity --pairs 50 --inflight 8
row "1 node, no cluster, 2,000 msg/s" rate --pairs 50 --rate 2000
stop_nodes
start_nodes 1 postgres
row "1 node, cluster mode, capacity 50x8" capacity --pairs 50 --inflight 8
row "1 node, cluster mode, 2,000 msg/s" rate --pairs 50 --rate 2000
stop_nodes
start_nodes 2 postgres
row "2 nodes, every message crosses, capacity 50x8" capacity --pairs 50 --inflight 8
row "2 nodes, every message crosses, 2,000 msg/s" rate --pairs 50 --rate 2000
stop_nodes
