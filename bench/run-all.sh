#!/usr/bin/env bash
# The benchmark issue's whole table in one go, on PostgreSQL: chat capacity and latency at
# fixed rates (5-second runs), a history page at 10M messages, 100,000 idle sockets over six
# cluster nodes, and a 1 GiB file up and down. Each part is its own script (run them alone
# for more detail); this one runs them in turn and prints their tables, each with the time it
# took. About 10 minutes on the 2-core machine once built (the build comes first).
#
#   bench/run-all.sh
set -euo pipefail
cd "$(dirname "$0")/.."

part() {
    local title=$1
    shift
    echo
    echo "### $title"
    echo
    local start=$SECONDS
    "$@"
    echo
    echo "($title: $((SECONDS - start)) s; load average $(cut -d' ' -f1-3 /proc/loadavg))"
}

start=$SECONDS
echo "Fast-Chat benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores"
part "Chat: capacity and fixed rates" bench/run-chat.sh --quick --db postgres
part "History: 50-message pages at 10M messages" bench/run-history.sh --seconds 10
part "Idle sockets: 100,000 over six nodes" \
    bench/run-sockets.sh --sockets 100000 --nodes 6 --loaders 6 --hold 10
part "Files: 1 GiB up and down" bench/run-files.sh --mib 1024 --db postgres
echo
echo "(all: $((SECONDS - start)) s)"
