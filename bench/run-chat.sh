#!/usr/bin/env bash
# Chat throughput and latency on PostgreSQL and SQLite: capacity (a ramp of fixed rates, up to
# the first whose p99 passes 50 ms; and a closed loop of 8 in flight per sender, as the
# anchors were measured) and fixed rates, server + database + load on this machine. Prints a
# Markdown table.
#
#   bench/run-chat.sh [--quick] [--db postgres|sqlite|both]
#
# --quick: 5-second runs (the full table uses 15-second runs, about 5 minutes in all).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=15
ramp_seconds=5 # each step of the ramp
dbs="postgres sqlite"
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) seconds=5; ramp_seconds=3 ;;
        --db) shift; dbs="${1/both/postgres sqlite}" ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

scripts/setup-deps
# Its own Release build of the server and the load generator, apart from the test build.
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
work=$(mktemp -d /tmp/fastchat-bench.XXXXXX)
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    rm -rf "$work"
    pg_throwaway_stop
}

start_server() { # $1 = database kind
    local args=(serve --listen 127.0.0.1:0 --data-dir "$work/data-$1" --password-cost min
                --messages-per-second 1000000 --login-attempts-per-minute 100000)
    if [ "$1" = postgres ]; then
        psql -q "$FASTCHAT_TEST_PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS fastchat_bench" \
             -c "CREATE DATABASE fastchat_bench"
        args+=(--database "${FASTCHAT_TEST_PG_ADMIN_URL%/postgres}/fastchat_bench")
    fi
    "$server" "${args[@]}" >"$work/server-$1.out" 2>"$work/server-$1.err" &
    server_pid=$!
    for _ in $(seq 100); do
        port=$(grep -o '[0-9]*$' "$work/server-$1.out" 2>/dev/null || true)
        [ -n "$port" ] && return 0
        sleep 0.1
    done
    echo "server did not start" >&2; cat "$work/server-$1.err" >&2; exit 1
}

stop_server() {
    kill "$server_pid"; wait "$server_pid" || true; server_pid=""
}

row() { # database, description, bench args...
    local db="$1" what="$2"; shift 2
    local out
    out=$("$bench" "$@" --server "http://127.0.0.1:$port" --seconds "${ROW_SECONDS:-$seconds}" --warmup 2 | tail -1 || true)
    python3 - "$db" "$what" "$out" <<'PY'
import json, sys
db, what, r = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
if r["mode"] == "ramp":
    what += f": {r['target_rate']:,} msg/s held"
    if "failed_at_rate" in r:
        what += f", {r['failed_at_rate']:,} not"
    if r.get("held_on_retry"):
        what += " (held on a second try: " + ", ".join(f"{x:,}" for x in r["held_on_retry"]) + ")"
print(f"| {db} | {what} | {r['acked_per_s']:.0f} | {r['delivered_per_s']:.0f} | "
      f"{r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['p999_ms']:.2f} | {r['errors']} |")
PY
}

pg_throwaway_start >/dev/null
# After pg_throwaway_start, whose own traps would replace this one (cleanup stops it too).
trap cleanup EXIT INT TERM
echo "| database | load | acked msg/s | delivered msg/s | p50 ms | p99 ms | p99.9 ms | errors |"
echo "|---|---|---|---|---|---|---|---|"
for db in $dbs; do
    start_server "$db"
    ROW_SECONDS=$ramp_seconds row "$db" "capacity: ramp to p99 > 50 ms, 50 pairs" ramp --pairs 50 --rate 10000 \
        --ramp-step 2500
    row "$db" "capacity, 50 pairs x 8 in flight" capacity --pairs 50 --inflight 8
    row "$db" "fixed 1,000 msg/s, 50 pairs" rate --pairs 50 --rate 1000
    row "$db" "fixed 5,000 msg/s, 50 pairs" rate --pairs 50 --rate 5000
    stop_server
done
