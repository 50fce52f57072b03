#!/usr/bin/env bash
# vosfp sync: once, the files become the lists; with --watch, a rewrite, an
# editor's rename-on-save and a ConfigMap-style "..data" symlink swap are
# each applied, a bad file keeps the policy in force, and SIGTERM ends it
# with exit 0.
# usage: test_sync.sh VOSFP_BINARY
set -euo pipefail
. "$(dirname "$0")/lib.sh" psync "$1"
watcher=""
cleanup_extra() { [ -z "$watcher" ] || kill -9 "$watcher" 2>/dev/null || true; }

mkdir "$tmp/etc"
printf '192.0.2.0/24\n' >"$tmp/etc/a.txt"
printf '198.51.100.0/24 ttl=1h # second file, same list\n' >"$tmp/etc/b.txt"
printf '203.0.113.5\n' >"$tmp/etc/allow.txt"
v block 10.0.0.1 >/dev/null # not in the files: sync replaces it
v sync block="$tmp/etc/a.txt" block="$tmp/etc/b.txt" allow="$tmp/etc/allow.txt" 2>"$tmp/once.log"
check "sync once: both files make the block list" "192.0.2.0/24|198.51.100.0/24" \
	"$(v list block | cut -d' ' -f1 | paste -sd'|')"
check "sync once: the allow list" "203.0.113.5/32" "$(v list allow)"
check "sync once: one line per list" 2 "$(grep -c 'list replaced' "$tmp/once.log")"
printf '192.0.2.0/24\n\n10.1.1.1/8\n' >"$tmp/etc/a.txt"
set +e
err=$(v sync block="$tmp/etc/a.txt" block="$tmp/etc/b.txt" 2>&1)
rc=$?
set -e
check "sync once with a bad file fails" 1 "$rc"
check "the error names the file and its own line" 1 "$(grep -c "a.txt:3:" <<<"$err")"
check "the list is kept" 2 "$(v list block | wc -l)"
check "a list without a file is a usage error" 2 "$(v sync block >/dev/null 2>&1; echo $?)"
check "an unknown list is a usage error" 2 "$(v sync bans=/dev/null >/dev/null 2>&1; echo $?)"

listed() { [ "$(v list "$1" | cut -d' ' -f1 | paste -sd'|')" = "$2" ]; }
logged() { [ "$(grep -c "$1" "$tmp/watch.log")" -ge "$2" ]; }
# A ConfigMap volume: the file is a symlink through "..data", a symlink to
# a timestamped directory; an update writes a new directory and renames a
# new "..data" over the old one.
mkdir "$tmp/cm" "$tmp/cm/..v1"
printf '10.20.0.0/16\n' >"$tmp/cm/..v1/block.txt"
ln -s ..v1 "$tmp/cm/..data"
ln -s ..data/block.txt "$tmp/cm/block.txt"
printf '203.0.113.5\n' >"$tmp/etc/allow.txt"
"$VOSFP" --pin-root "$pin" sync --watch block="$tmp/cm/block.txt" allow="$tmp/etc/allow.txt" \
	2>"$tmp/watch.log" &
watcher=$!
check "watch: the first apply" ok "$(wait_for 10 listed block 10.20.0.0/16 && echo ok)"
printf '203.0.113.5\n203.0.113.6\n' >"$tmp/etc/allow.txt"
check "watch: a rewritten file is applied" ok \
	"$(wait_for 10 listed allow '203.0.113.5/32|203.0.113.6/32' && echo ok)"
printf '203.0.113.9\n' >"$tmp/etc/allow.new" && mv "$tmp/etc/allow.new" "$tmp/etc/allow.txt"
check "watch: a rename-on-save is applied" ok "$(wait_for 10 listed allow 203.0.113.9/32 && echo ok)"
mkdir "$tmp/cm/..v2"
printf '10.30.0.0/16\n10.31.0.0/16\n' >"$tmp/cm/..v2/block.txt"
ln -s ..v2 "$tmp/cm/..data_tmp" && mv -T "$tmp/cm/..data_tmp" "$tmp/cm/..data"
check "watch: a ConfigMap symlink swap is applied" ok \
	"$(wait_for 10 listed block '10.30.0.0/16|10.31.0.0/16' && echo ok)"
printf '10.30.0.0/16\nnot-a-prefix\n' >"$tmp/cm/..v2/block.txt"
check "watch: a bad file is logged" ok "$(wait_for 10 logged 'block.txt:2:' 1 && echo ok)"
check "watch: and the policy in force is kept" ok "$(listed block '10.30.0.0/16|10.31.0.0/16' && echo ok)"
applies=$(grep -c 'list replaced' "$tmp/watch.log")
touch "$tmp/etc/unrelated"
sleep 1
check "watch: an unrelated change applies nothing" "$applies" "$(grep -c 'list replaced' "$tmp/watch.log")"
kill -TERM "$watcher"
set +e
wait "$watcher"
rc=$?
set -e
watcher=""
check "SIGTERM ends the watch with exit 0" 0 "$rc"
check "the log has one line per apply" "$applies" "$(grep -c 'list replaced' "$tmp/watch.log")"
finish policy-sync
