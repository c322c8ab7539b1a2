#!/usr/bin/env bash
# Files between two desktop clients: the real client core (ChatClient, the app's own code)
# for Alice and Bob, with their keys in a real Secret Service (tests/client/run-with-keyring.sh),
# so the file goes end-to-end encrypted: Alice's client encrypts it into a blob and uploads
# it; Bob's client downloads, checks and decrypts it. On PostgreSQL. Prints the time to
# prepare (read, hash, encrypt), MiB/s both ways, whether the SHA-256 of what Bob got equals
# the file's, and the server's RSS before and at its peak (sampled every 100 ms).
#
#   bench/run-client-files.sh [--mib N] [--no-keychain]
set -euo pipefail
cd "$(dirname "$0")/.."
mib=1024
keychain=()
while [ $# -gt 0 ]; do
    case "$1" in
        --mib) shift; mib=$1 ;;
        --no-keychain) keychain=(--no-keychain) ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

scripts/setup-deps </dev/null
# The client core is built with the app (build/, RelWithDebInfo: -O2 like Release).
scripts/build >/dev/null
server=build/server/fastchat-server
bench=build/bench/fastchat-client-files-bench

# shellcheck source=../scripts/pg-throwaway
source scripts/pg-throwaway
work=$(mktemp -d /tmp/fastchat-client-files.XXXXXX)
server_pid=""
# shellcheck source=lib.sh
source bench/lib.sh
pg_throwaway_start >/dev/null
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    rm -rf "$work"
    pg_throwaway_stop
}
trap cleanup EXIT INT TERM

name="fastchat_client_files_$$"
psql -q "$FASTCHAT_TEST_PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name"
# The blob is a little larger than the file (17 bytes per 64 KiB chunk, and a header).
"$server" serve --listen 127.0.0.1:0 --data-dir "$work/data" --password-cost min \
    --login-attempts-per-minute 100000 --max-upload-size "$((mib + mib / 64 + 2))M" \
    --upload-quota "$((2 * mib + 4))M" --database "${FASTCHAT_TEST_PG_ADMIN_URL%/postgres}/$name" \
    >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
port=$(wait_for_port "$work/server.out" "$work/server.err")

before=$(rss_kib "$server_pid")
start_peak_sampler "$server_pid" "$before" "$work/peak"
out=$(tests/client/run-with-keyring.sh "$bench" --server "http://127.0.0.1:$port" --mib "$mib" \
          --work "$work/clients" "${keychain[@]}" | tail -1)
stop_peak_sampler

echo "| file | end-to-end encrypted | prepare s | upload MiB/s | download MiB/s | SHA-256 | server RSS before | peak RSS during |"
echo "|---|---|---|---|---|---|---|---|"
python3 - "$out" "$before" "$(cat "$work/peak")" <<'PY'
import json, sys
r, before, peak = json.loads(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
if r.get("error"):
    print(f"| {r['mib']} MiB | failed: {r['error']} |")
    sys.exit(1)
print(f"| {r['mib']} MiB | {'yes' if r['encrypted'] else 'no'} | {r['prepare_s']:.1f} | "
      f"{r['upload_mib_per_s']:.0f} | {r['download_mib_per_s']:.0f} | "
      f"{'equal' if r['sha256_matches'] else 'DIFFERENT'} | {before/1024:.1f} MiB | {peak/1024:.1f} MiB |")
PY
