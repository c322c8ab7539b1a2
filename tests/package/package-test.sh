#!/usr/bin/env bash
# The Debian packages end to end (ctest package.deb, label package; docs/install.md):
#  1. scripts/package --no-build makes fastchat-server and fastchat-client from this build
#     folder; their version, Depends (from dpkg-shlibdeps) and contents are checked;
#     lintian finds no errors; desktop-file-validate and appstreamcli validate pass.
#  2. apt-get installs both on this machine. The server runs from the installed files as its
#     systemd unit would (the unit's ExecStart, as the fastchat user, umask 0077, a clean
#     environment, /etc/fastchat config, /var/lib/fastchat data) on a free port; with systemd
#     running, the started unit itself must answer too. /healthz answers, two users register
#     and chat over REST, the admin command line sees them; the installed client starts.
#  3. remove keeps the data, the config and the user; purge deletes data and config and keeps
#     the user (docs/install.md).
# Usage: package-test.sh SOURCE_DIR BUILD_DIR PROJECT_VERSION
# Needs root (exit 77, skipped, otherwise) and a machine where neither package is installed:
# it installs, removes and purges them for real (CI: a throwaway Debian 12).
set -euo pipefail

source_dir=$1
build_dir=$2
project_version=$3

say() { printf '[%(%H:%M:%S)T] package test: %s\n' -1 "$*"; }
fail() {
    printf 'package test: FAIL: %s\n' "$*" >&2
    exit 1
}

if ((EUID != 0)); then
    echo "package test: skipped: installing packages needs root"
    exit 77
fi
for pkg in fastchat-server fastchat-client; do
    if dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null | grep -qv '^not-installed$'; then
        fail "$pkg is already on this machine; the test would remove and purge it." \
            "If an interrupted test run left it: apt-get purge fastchat-server fastchat-client"
    fi
done
for dir in /etc/fastchat /var/lib/fastchat; do
    [[ ! -e $dir ]] || fail "$dir exists; the test's purge would delete it. Move it away first."
done

work=$(mktemp -d /tmp/fastchat-package-test.XXXXXX)
chmod 0755 "$work"
server_pid=
installed=0
user_existed=0
getent passwd fastchat >/dev/null && user_existed=1

cleanup() {
    local status=$?
    if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    if ((installed)); then
        dpkg --purge fastchat-server fastchat-client >/dev/null 2>&1 || true
        # Neither existed before the test (checked above): leave none behind, even when a
        # broken postrm did.
        rm -rf /etc/fastchat /var/lib/fastchat
    fi
    if ((!user_existed)) && getent passwd fastchat >/dev/null; then
        deluser --system --quiet fastchat >/dev/null 2>&1 || true
        getent group fastchat >/dev/null && delgroup --system --quiet fastchat >/dev/null 2>&1
    fi
    if ((status != 0)) && [[ -f $work/server.log ]]; then
        echo "--- the installed server's output ---" >&2
        cat "$work/server.log" >&2
    fi
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT

# ---------------------------------------------------------------------------------------
say "making the packages from $build_dir"
started=$SECONDS
"$source_dir/scripts/package" --dir "$build_dir" --out "$work/dist" --no-build >"$work/made"
mapfile -t debs <"$work/made"
server_deb=$(grep '/fastchat-server_[^/]*\.deb$' "$work/made" | head -1 || true)
client_deb=$(grep '/fastchat-client_[^/]*\.deb$' "$work/made" | head -1 || true)
[[ -f $server_deb && -f $client_deb ]] ||
    fail "scripts/package did not make both packages: ${debs[*]}"
say "made $(basename "$server_deb") and $(basename "$client_deb") in $((SECONDS - started)) s"

field() { dpkg-deb --field "$1" "$2"; }
expected_version="$(cat "$build_dir/packaging/version.txt")-1"
for deb in "$server_deb" "$client_deb"; do
    [[ $(field "$deb" Version) == "$expected_version" ]] ||
        fail "$(basename "$deb") has version $(field "$deb" Version), expected $expected_version"
    [[ $(field "$deb" Version) == "$project_version"* ]] ||
        fail "the version does not start with the project version $project_version"
done
[[ $(field "$server_deb" Package) == fastchat-server ]] || fail "server package name"
[[ $(field "$client_deb" Package) == fastchat-client ]] || fail "client package name"

# Depends: the shared libraries come from dpkg-shlibdeps (versioned), the rest by name.
server_depends=$(field "$server_deb" Depends)
client_depends=$(field "$client_deb" Depends)
say "fastchat-server Depends: $server_depends"
say "fastchat-client Depends: $client_depends"
for dep in 'libqt6core6 (>=' 'libqt6httpserver6 (>=' 'libqt6websockets6 (>=' 'libsodium23 (>=' \
    'libc6 (>=' adduser libqt6sql6-sqlite; do
    [[ $server_depends == *"$dep"* ]] || fail "fastchat-server does not depend on $dep"
done
for dep in 'libqt6core6 (>=' 'libqt6quick6 (>=' 'libqt6keychain1 (>=' 'libqt6gui6 (>=' \
    libqt6sql6-sqlite qml6-module-qtquick-controls; do
    [[ $client_depends == *"$dep"* ]] || fail "fastchat-client does not depend on $dep"
done

dpkg-deb --contents "$server_deb" | awk '{print $6}' | sed 's|^\.||' >"$work/server.files"
dpkg-deb --contents "$client_deb" | awk '{print $6}' | sed 's|^\.||' >"$work/client.files"
for file in /usr/bin/fastchat-server /lib/systemd/system/fastchat-server.service \
    /etc/fastchat/fastchat-server.conf /usr/share/man/man1/fastchat-server.1.gz \
    /usr/share/doc/fastchat-server/copyright /usr/share/doc/fastchat-server/changelog.Debian.gz; do
    grep -qx "$file" "$work/server.files" || fail "fastchat-server lacks $file"
done
for file in /usr/bin/fastchat-client /usr/share/applications/fastchat.desktop \
    /usr/share/metainfo/invalid.example.fastchat.metainfo.xml \
    /usr/share/icons/hicolor/scalable/apps/fastchat.svg /usr/share/man/man1/fastchat-client.1.gz \
    /usr/share/doc/fastchat-client/copyright; do
    grep -qx "$file" "$work/client.files" || fail "fastchat-client lacks $file"
done
for size in 16 22 24 32 48 64 128 256 512; do
    grep -qx "/usr/share/icons/hicolor/${size}x${size}/apps/fastchat.png" "$work/client.files" ||
        fail "fastchat-client lacks the ${size}x${size} icon"
done
if grep -q '^/var/lib/fastchat' "$work/server.files"; then
    fail "the data folder must be made by postinst, not shipped (dpkg would own the data)"
fi
dpkg-deb --info "$server_deb" conffiles | grep -qx /etc/fastchat/fastchat-server.conf ||
    fail "/etc/fastchat/fastchat-server.conf is not a conffile"
for script in postinst prerm postrm; do
    dpkg-deb --info "$server_deb" "$script" >/dev/null || fail "fastchat-server has no $script"
done

say "lintian"
started=$SECONDS
lintian_status=0
lintian --fail-on error "$server_deb" "$client_deb" >"$work/lintian.txt" 2>&1 ||
    lintian_status=$?
cat "$work/lintian.txt"
say "lintian: $(grep -c '^E:' "$work/lintian.txt" || true) errors," \
    "$(grep -c '^W:' "$work/lintian.txt" || true) warnings in $((SECONDS - started)) s"
((lintian_status == 0)) || fail "lintian reports errors (exit $lintian_status)"

mkdir "$work/client-root"
dpkg-deb --extract "$client_deb" "$work/client-root"
desktop-file-validate "$work/client-root/usr/share/applications/fastchat.desktop" ||
    fail "desktop-file-validate"
appstreamcli validate --no-net \
    "$work/client-root/usr/share/metainfo/invalid.example.fastchat.metainfo.xml" ||
    fail "appstreamcli validate"
grep -q '<launchable type="desktop-id">fastchat.desktop</launchable>' \
    "$work/client-root/usr/share/metainfo/invalid.example.fastchat.metainfo.xml" ||
    fail "the metainfo does not launch fastchat.desktop"

# ---------------------------------------------------------------------------------------
say "installing both packages"
installed=1
started=$SECONDS
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    "$server_deb" "$client_deb" </dev/null >"$work/apt.log" 2>&1 || {
    cat "$work/apt.log" >&2
    fail "apt-get install"
}
say "installed in $((SECONDS - started)) s"
for pkg in fastchat-server fastchat-client; do
    [[ $(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg") == "ii " ]] || fail "$pkg is not installed"
done

IFS=: read -r _ _ uid gid _ home shell < <(getent passwd fastchat) || fail "no fastchat user"
((uid < 1000)) || fail "fastchat is not a system user (uid $uid)"
[[ $home == /var/lib/fastchat && $shell == /usr/sbin/nologin ]] ||
    fail "fastchat's home and shell: $home $shell"
[[ $(getent group fastchat | cut -d: -f3) == "$gid" ]] || fail "no fastchat group"
[[ $(stat -c '%U:%G %a' /var/lib/fastchat) == "fastchat:fastchat 750" ]] ||
    fail "/var/lib/fastchat is $(stat -c '%U:%G %a' /var/lib/fastchat)"
conf=/etc/fastchat/fastchat-server.conf
[[ $(stat -c '%U:%G %a' $conf) == "root:fastchat 640" ]] ||
    fail "$conf is $(stat -c '%U:%G %a' $conf)"
dpkg-query -W -f='${Conffiles}\n' fastchat-server | grep -q "^ $conf " ||
    fail "dpkg does not list $conf as a conffile"

[[ $(/usr/bin/fastchat-server --version) == "fastchat-server $project_version" ]] ||
    fail "fastchat-server --version: $(/usr/bin/fastchat-server --version)"
[[ $(/usr/bin/fastchat-client --version) == "fastchat-client $project_version" ]] ||
    fail "fastchat-client --version: $(/usr/bin/fastchat-client --version)"
zcat /usr/share/man/man1/fastchat-server.1.gz | grep -q '^\.TH FASTCHAT-SERVER "1"' ||
    fail "the server's man page has no .TH FASTCHAT-SERVER header"
zcat /usr/share/man/man1/fastchat-server.1.gz | grep -q 'data\\-dir' ||
    fail "the server's man page does not describe --data-dir"

# A changed conffile survives installing the package again (postinst runs once more, too).
echo "# changed by the package test" >>$conf
dpkg -i "$server_deb" </dev/null >"$work/reinstall.log" 2>&1 || {
    cat "$work/reinstall.log" >&2
    fail "installing fastchat-server again"
}
grep -qx "# changed by the package test" $conf || fail "reinstalling overwrote the changed $conf"
[[ $(stat -c '%U:%G %a' $conf) == "root:fastchat 640" ]] || fail "$conf lost its permissions"

# ---------------------------------------------------------------------------------------
http() { # METHOD PATH [BODY] [TOKEN] -> writes the body to $work/body, prints the status
    local args=(-s -o "$work/body" -w '%{http_code}' -X "$1" "http://127.0.0.1:$port$2")
    [[ -n ${3:-} ]] && args+=(-H 'Content-Type: application/json' --data "$3")
    [[ -n ${4:-} ]] && args+=(-H "Authorization: Bearer $4")
    curl "${args[@]}"
}
expect() { # STATUS METHOD PATH [BODY] [TOKEN]
    local want=$1 got
    shift
    got=$(http "$@")
    [[ $got == "$want" ]] || fail "$1 $2 answered $got, expected $want: $(cat "$work/body")"
}

unit=/lib/systemd/system/fastchat-server.service
if [[ -d /run/systemd/system ]]; then
    say "systemd runs here: the unit must have been started by postinst"
    systemctl is-active --quiet fastchat-server || fail "fastchat-server.service is not active"
    listen=$(sed -n 's/^listen *= *//p' $conf)
    port=${listen##*:}
    for _ in $(seq 50); do
        [[ $(http GET /healthz) == 200 ]] && break
        sleep 0.2
    done
    expect 200 GET /healthz
    systemctl stop fastchat-server
fi

# The unit's ExecStart, as its User= with its UMask=, NoNewPrivileges= and systemd's clean
# environment, and a free port instead of the configured 8080 (other servers may run on this
# machine). setpriv execs the server itself: $server_pid is the server.
exec_start=$(sed -n 's/^ExecStart=//p' $unit)
[[ $exec_start == "/usr/bin/fastchat-server serve --config $conf" ]] ||
    fail "unexpected ExecStart in the unit: $exec_start"
[[ $(sed -n 's/^User=//p' $unit) == fastchat ]] || fail "the unit does not run as fastchat"
read -ra command <<<"$exec_start"
say "starting the installed server as the unit does: ${command[*]}"
(
    cd /
    umask 0077
    exec env -i PATH=/usr/bin:/bin HOME=/var/lib/fastchat USER=fastchat LOGNAME=fastchat \
        setpriv --reuid=fastchat --regid=fastchat --init-groups --no-new-privs \
        "${command[@]}" --listen 127.0.0.1:0
) >"$work/server.log" 2>&1 &
server_pid=$!
port=
for _ in $(seq 150); do
    port=$(sed -n 's/^fastchat-server listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' \
        "$work/server.log")
    [[ -n $port ]] && break
    kill -0 "$server_pid" 2>/dev/null || fail "the installed server exited"
    sleep 0.2
done
[[ -n $port ]] || fail "the installed server did not say where it listens"
say "listening on port $port"

expect 200 GET /healthz
[[ $(jq -r .status "$work/body") == ok ]] || fail "/healthz: $(cat "$work/body")"
[[ $(stat -c '%U %a' /var/lib/fastchat/fastchat.db) == "fastchat 600" ]] ||
    fail "the SQLite database is $(stat -c '%U %a' /var/lib/fastchat/fastchat.db)"
[[ $(stat -c '%U %a' /var/lib/fastchat/jwt-secret) == "fastchat 600" ]] ||
    fail "the secret is $(stat -c '%U %a' /var/lib/fastchat/jwt-secret)"

say "two users register and chat"
alice='{"username":"alice","email":"alice@example.org","password":"alice-secret-1"}'
bob='{"username":"bob","email":"bob@example.org","password":"bob-secret-12"}'
expect 201 POST /auth/register "$alice"
alice_id=$(jq -r .id "$work/body")
expect 201 POST /auth/register "$bob"
bob_id=$(jq -r .id "$work/body")
[[ $alice_id =~ ^[0-9]+$ && $bob_id =~ ^[0-9]+$ && $alice_id != "$bob_id" ]] ||
    fail "the registered ids: $alice_id $bob_id"
expect 409 POST /auth/register '{"username":"Alice","email":"x@example.org","password":"12345678"}'
expect 200 POST /auth/login '{"email":"alice@example.org","password":"alice-secret-1"}'
alice_token=$(jq -r .access_token "$work/body")
[[ $(jq -r .user.id "$work/body") == "$alice_id" ]] || fail "alice's login is not alice"
expect 200 POST /auth/login '{"username":"bob","password":"bob-secret-12"}'
bob_token=$(jq -r .access_token "$work/body")
expect 401 POST /auth/login '{"username":"bob","password":"wrong-password"}'

expect 201 POST /chat/message \
    "{\"receiver_id\":$bob_id,\"content\":\"Hello Bob, from the package\",\"type\":\"text\"}" \
    "$alice_token"
[[ $(jq -r .sender_id "$work/body") == "$alice_id" ]] || fail "the message's sender"
expect 201 POST /chat/message \
    "{\"receiver_id\":$alice_id,\"content\":\"Hello Alice\",\"type\":\"text\"}" "$bob_token"
expect 200 GET "/chat/history/$alice_id" "" "$bob_token"
history=$(jq -r '[.[] | .content] | join("|")' "$work/body")
[[ $history == "Hello Bob, from the package|Hello Alice" ]] ||
    fail "bob's history with alice: $(cat "$work/body")"
expect 200 GET /chat/conversations "" "$alice_token"
[[ $(jq -r '.[0].peer.username' "$work/body") == bob ]] ||
    fail "alice's conversations: $(cat "$work/body")"
expect 401 GET /chat/conversations

# The admin command line on the same data, as the server's user (docs/install.md).
setpriv --reuid=fastchat --regid=fastchat --init-groups \
    /usr/bin/fastchat-server user list --config $conf >"$work/users"
users=$(awk -F'\t' 'NR > 1 {print $1 ":" $2 ":" $4}' "$work/users" | sort | tr '\n' ' ')
[[ $users == "$alice_id:alice:active $bob_id:bob:active " ]] ||
    fail "fastchat-server user list shows: $(cat "$work/users")"

# The installed client starts and loads its window (its QML modules are installed); it is
# still running after a few seconds, or it exited with an error.
say "starting the installed client (offscreen) for 6 s"
mkdir -m 0700 "$work/home" "$work/runtime"
client_status=0
env -i PATH=/usr/bin:/bin HOME="$work/home" XDG_RUNTIME_DIR="$work/runtime" \
    QT_QPA_PLATFORM=offscreen timeout 6 /usr/bin/fastchat-client \
    --server "http://127.0.0.1:$port" >"$work/client.log" 2>&1 || client_status=$?
if ((client_status != 124)) || grep -qi 'is not installed\|failed to load' "$work/client.log"; then
    cat "$work/client.log" >&2
    fail "the installed client did not keep running (exit $client_status)"
fi

kill -TERM "$server_pid"
server_status=0
wait "$server_pid" || server_status=$?
server_pid=
((server_status == 0)) || fail "the server exited with $server_status on SIGTERM"

# ---------------------------------------------------------------------------------------
say "removing both packages"
dpkg --remove fastchat-server fastchat-client </dev/null >"$work/remove.log" 2>&1 || {
    cat "$work/remove.log" >&2
    fail "dpkg --remove"
}
[[ $(dpkg-query -W -f='${db:Status-Abbrev}' fastchat-server) == "rc " ]] ||
    fail "fastchat-server is not in the removed, config-files state"
for gone in /usr/bin/fastchat-server /usr/bin/fastchat-client $unit \
    /usr/share/applications/fastchat.desktop; do
    [[ ! -e $gone ]] || fail "$gone is still there after remove"
done
for kept in /var/lib/fastchat/fastchat.db /var/lib/fastchat/jwt-secret $conf; do
    [[ -f $kept ]] || fail "$kept is gone after remove; remove must keep it"
done
grep -qx "# changed by the package test" $conf || fail "remove changed $conf"
getent passwd fastchat >/dev/null || fail "remove deleted the fastchat user"

say "purging both packages"
dpkg --purge fastchat-server fastchat-client </dev/null >"$work/purge.log" 2>&1 || {
    cat "$work/purge.log" >&2
    fail "dpkg --purge"
}
installed=0
for pkg in fastchat-server fastchat-client; do
    status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null || true)
    [[ -z $status || $status == "un " ]] || fail "$pkg is '$status' after purge, not purged"
done
for gone in /var/lib/fastchat /etc/fastchat; do
    [[ ! -e $gone ]] || fail "$gone is still there after purge"
done
if dpkg-statoverride --list $conf >/dev/null; then
    fail "purge left the permission override of $conf"
fi
# Documented: the system user and group stay (deluser --system fastchat removes them).
getent passwd fastchat >/dev/null || fail "purge deleted the fastchat user (docs say it stays)"
say "passed"
