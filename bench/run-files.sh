#!/usr/bin/env bash
# Files: one user uploads a file (default 1 GiB) in 1 MiB chunks, sends it in a message,
# the other downloads it; on PostgreSQL and on SQLite. Prints MiB/s both ways and the
# server's RSS before and at its peak during the transfer (sampled every 100 ms from
# /proc), to show that a file never sits in the server's memory.
#
#   bench/run-files.sh [--mib N] [--db postgres|sqlite|both]
set -euo pipefail
cd "$(dirname "$0")/.."
mib=1024
dbs="postgres sqlite"
while [ $# -gt 0 ]; do
    case "$1" in
        --mib) shift; mib=$1 ;;
        --db) shift; [ "$1" = both ] && dbs="postgres sqlite" || dbs=$1 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

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
work=$(mktemp -d /tmp/fastchat-files.XXXXXX)
server_pid=""
stop_server() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
        server_pid=""
    fi
}
# shellcheck source=lib.sh
source bench/lib.sh

pg_throwaway_start >/dev/null
cleanup() {
    stop_server
    rm -rf "$work"
    pg_throwaway_stop
}
trap cleanup EXIT INT TERM

echo "| database | file | upload MiB/s | download MiB/s | SHA-256 | server RSS before | peak RSS during |"
echo "|---|---|---|---|---|---|---|"
for db in $dbs; do
    rm -rf "$work/data"
    args=(serve --listen 127.0.0.1:0 --data-dir "$work/data" --password-cost min
          --login-attempts-per-minute 100000 --max-upload-size "$((mib + 1))M"
          --upload-quota "$((2 * mib + 2))M")
    if [ "$db" = postgres ]; then
        name="fastchat_files_$$"
        psql -q "$FASTCHAT_TEST_PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name"
        args+=(--database "${FASTCHAT_TEST_PG_ADMIN_URL%/postgres}/$name")
    fi
    "$server" "${args[@]}" >"$work/server.out" 2>"$work/server.err" &
    server_pid=$!
    port=$(wait_for_port "$work/server.out" "$work/server.err")
    # The accounts first, so that "before" is the server at rest with its users.
    "$bench" files --server "http://127.0.0.1:$port" --user-prefix files --file-mib 0 >/dev/null 2>&1 || true
    before=$(rss_kib "$server_pid")
    start_peak_sampler "$server_pid" "$before" "$work/peak"
    out=$("$bench" files --server "http://127.0.0.1:$port" --user-prefix files --file-mib "$mib" | tail -1)
    stop_peak_sampler
    python3 - "$db" "$out" "$before" "$(cat "$work/peak")" <<'PY'
import json, sys
db, r, before, peak = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
if r.get("error"):
    print(f"| {db} | failed: {r['error']} |")
else:
    print(f"| {db} | {r['mib']:.0f} MiB | {r['upload_mib_per_s']:.0f} | {r['download_mib_per_s']:.0f} | "
          f"{'equal' if r['sha256_matches'] else 'DIFFERENT'} | {before/1024:.1f} MiB | {peak/1024:.1f} MiB |")
PY
    stop_server
done
