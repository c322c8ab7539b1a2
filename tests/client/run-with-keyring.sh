#!/bin/sh
# CTest launcher: runs a command inside a private D-Bus session with a real, unlocked Secret
# Service (gnome-keyring-daemon), with HOME and XDG_RUNTIME_DIR in a temporary directory so
# that nothing touches the user's own keyring. Everything goes away when the command ends.
# Usage: run-with-keyring.sh COMMAND [ARGS...]
set -eu
for tool in dbus-run-session gnome-keyring-daemon; do
    command -v "$tool" >/dev/null 2>&1 || { echo "run-with-keyring: $tool is missing (scripts/setup-deps)" >&2; exit 1; }
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fastchat-keyring.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir -p "$tmp/home" "$tmp/runtime"
chmod 0700 "$tmp/runtime"
export HOME="$tmp/home" XDG_RUNTIME_DIR="$tmp/runtime"
export XDG_DATA_HOME="$tmp/home/.local/share" XDG_CONFIG_HOME="$tmp/home/.config" XDG_CACHE_HOME="$tmp/home/.cache"
unset GNOME_KEYRING_CONTROL SSH_AUTH_SOCK
dbus-run-session -- sh -c '
    printf %s pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null
    exec "$@"' run-with-keyring "$@"
