#!/usr/bin/env bash
# History paging at scale: seeds 10 million messages over 50 conversations straight into
# PostgreSQL (one INSERT ... SELECT from generate_series, not through the API), then reads
# 50-message pages at random places and prints p50/p99 latency.
#
#   bench/run-history.sh [--messages N] [--seconds S]
set -euo pipefail
cd "$(dirname "$0")/.."
messages=10000000
seconds=15
while [ $# -gt 0 ]; do
    case "$1" in
        --messages) shift; messages=$1 ;;
        --seconds) shift; seconds=$1 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

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
work=$(mktemp -d /tmp/fastchat-history.XXXXXX)
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    rm -rf "$work"
    pg_throwaway_stop
}
pg_throwaway_start >/dev/null
# After pg_throwaway_start, whose own traps would replace this one (cleanup stops it too):
# set before it, the server and the work folder were left behind after every run.
trap cleanup EXIT INT TERM
db="${FASTCHAT_TEST_PG_ADMIN_URL%/postgres}/fastchat_history"
psql -q "$FASTCHAT_TEST_PG_ADMIN_URL" -c "CREATE DATABASE fastchat_history"

"$server" serve --listen 127.0.0.1:0 --data-dir "$work/data" --password-cost min \
    --login-attempts-per-minute 100000 --database "$db" >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
for _ in $(seq 100); do
    port=$(grep -o '[0-9]*$' "$work/server.out" 2>/dev/null || true)
    [ -n "$port" ] && break
    sleep 0.1
done

# Accounts first (through the API), then the bulk of the messages (straight into SQL).
"$bench" history --server "http://127.0.0.1:$port" --pairs 50 --seconds 0 --max-message-id 1 >/dev/null 2>&1 || true
start=$(date +%s)
psql -q "$db" <<SQL
WITH pairs AS (
    SELECT a.id AS a, b.id AS b FROM generate_series(0, 49) g
    JOIN users a ON a.username = 'bench-' || (2 * g)
    JOIN users b ON b.username = 'bench-' || (2 * g + 1))
INSERT INTO conversations (user1_id, user2_id, created_at, updated_at)
SELECT least(a, b), greatest(a, b), 0, 0 FROM pairs ON CONFLICT DO NOTHING;
INSERT INTO messages (conversation_id, sender_id, receiver_id, content, type, created_at)
SELECT c.id, c.user1_id, c.user2_id, 'history message ' || g, 'text', 1700000000000 + g
FROM generate_series(1, $messages) g
JOIN (SELECT id, user1_id, user2_id, row_number() OVER (ORDER BY id) - 1 AS n FROM conversations) c
  ON c.n = g % 50;
UPDATE conversations SET last_message_id = (SELECT max(id) FROM messages m WHERE m.conversation_id = conversations.id);
ANALYZE;
SQL
echo "seeded $messages messages in $(( $(date +%s) - start )) s"
out=$("$bench" history --server "http://127.0.0.1:$port" --pairs 50 --seconds "$seconds" \
          --max-message-id "$messages" --concurrency 8 | tail -1)
python3 - "$messages" "$out" <<'PY'
import json, sys
n, r = int(sys.argv[1]), json.loads(sys.argv[2])
print("| messages in the database | pages/s | p50 ms | p99 ms | p99.9 ms | errors |")
print("|---|---|---|---|---|---|")
print(f"| {n:,} | {r['pages_per_s']:.0f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['p999_ms']:.2f} | {r['errors']} |")
PY
