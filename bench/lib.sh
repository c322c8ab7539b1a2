# shellcheck shell=bash
# Pieces the bench scripts share; source it after `cd` to the repository.

# The resident set of a process in KiB (0 once it is gone).
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

# Waits for a server started with --listen 127.0.0.1:0 to print its port in OUT (10 s) and
# prints it; on failure prints the server's ERR and exits.
wait_for_port() { # OUT ERR
    local port=""
    for _ in $(seq 100); do
        port=$(grep -o '[0-9]*$' "$1" 2>/dev/null || true)
        [ -n "$port" ] && break
        sleep 0.1
    done
    [ -n "$port" ] || { cat "$2" >&2; exit 1; }
    echo "$port"
}

# Samples PID's RSS every 100 ms in the background, keeping the peak (from START KiB) in
# FILE; sets peak_sampler to the sampler's pid (stop it with stop_peak_sampler).
start_peak_sampler() { # PID START FILE
    local pid=$1 file=$3
    echo "$2" >"$file"
    (
        peak=$2
        while kill -0 "$pid" 2>/dev/null; do
            now=$(rss_kib "$pid")
            [ "${now:-0}" -gt "$peak" ] && peak=$now && echo "$peak" >"$file"
            sleep 0.1
        done
    ) &
    peak_sampler=$!
}
stop_peak_sampler() {
    kill "$peak_sampler" 2>/dev/null || true
    wait "$peak_sampler" 2>/dev/null || true
}
