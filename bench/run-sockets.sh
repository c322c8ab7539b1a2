#!/usr/bin/env bash
# Idle sockets at scale: N server nodes on one PostgreSQL (cluster mode: a process may hold
# at most 20,000 open files on this machine) and L load processes, each holding its share
# of authenticated idle WebSockets spread over every node. Prints the sockets held and the
# servers' RSS per socket (sum of the nodes' RSS with the sockets, minus at rest).
#
#   bench/run-sockets.sh [--sockets 100000] [--nodes 6] [--loaders 6] [--hold 20]
set -euo pipefail
cd "$(dirname "$0")/.."
sockets=100000
nodes=6
loaders=6
hold=20
while [ $# -gt 0 ]; do
    case "$1" in
        --sockets) shift; sockets=$1 ;;
        --nodes) shift; nodes=$1 ;;
        --loaders) shift; loaders=$1 ;;
        --hold) shift; hold=$1 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
ulimit -n "$(ulimit -Hn)"

scripts/setup-deps </dev/null
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
work=$(mktemp -d /tmp/fastchat-sockets.XXXXXX)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
    pg_throwaway_stop
}
pg_throwaway_start >/dev/null
trap cleanup EXIT INT TERM
db="${FASTCHAT_TEST_PG_ADMIN_URL%/postgres}/fastchat_sockets"
psql -q "$FASTCHAT_TEST_PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS fastchat_sockets" \
     -c "CREATE DATABASE fastchat_sockets"

urls=()
node_pids=()
for i in $(seq "$nodes"); do
    "$server" serve --listen 127.0.0.1:0 --data-dir "$work/data-$i" --password-cost min \
        --login-attempts-per-minute 100000 --database "$db" --cluster postgres \
        >"$work/node-$i.out" 2>"$work/node-$i.err" &
    pids+=($!)
    node_pids+=($!)
    port=""
    for _ in $(seq 200); do
        port=$(grep -o '[0-9]*$' "$work/node-$i.out" 2>/dev/null || true)
        [ -n "$port" ] && break
        sleep 0.1
    done
    [ -n "$port" ] || { cat "$work/node-$i.err" >&2; exit 1; }
    urls+=(--server "http://127.0.0.1:$port")
done
rss_total() {
    local total=0
    for p in "${node_pids[@]}"; do
        total=$((total + $(awk '/^VmRSS/ {print $2}' "/proc/$p/status")))
    done
    echo "$total"
}

# The accounts once (1,000 users), so that the load processes only log in.
"$bench" sockets "${urls[@]}" --sockets 1000 --seconds 0 --user-prefix idle >/dev/null
sleep 2
before=$(rss_total)
per=$((sockets / loaders))
start=$(date +%s)
for i in $(seq "$loaders"); do
    "$bench" sockets "${urls[@]}" --sockets "$per" --seconds "$((hold + 600))" --user-prefix idle \
        >"$work/load-$i.out" 2>"$work/load-$i.err" &
    pids+=($!)
done
# Wait until every load process holds its sockets (or gave up).
for _ in $(seq 1200); do
    done_count=$(cat "$work"/load-*.out 2>/dev/null | grep -c "sockets open" || true)
    [ "$done_count" -ge "$loaders" ] && break
    sleep 0.5
done
opened=$(cat "$work"/load-*.out | awk '/sockets open/ {gsub(",", "", $3); s += $3} END {print s + 0}')
failed=$(cat "$work"/load-*.out | awk '/sockets open/ {s += $5} END {print s + 0}')
sleep "$hold"
after=$(rss_total)
python3 - "$opened" "$failed" "$nodes" "$loaders" "$before" "$after" "$(( $(date +%s) - start - hold ))" <<'PY'
import sys
opened, failed, nodes, loaders, before, after, secs = map(int, sys.argv[1:])
per = (after - before) / opened if opened else 0
print("| sockets held | failed | nodes | load processes | connect time | server RSS at rest | with sockets | per socket |")
print("|---|---|---|---|---|---|---|---|")
print(f"| {opened:,} | {failed} | {nodes} | {loaders} | {secs} s | {before/1024:.0f} MiB | {after/1024:.0f} MiB | {per:.1f} KiB |")
PY
