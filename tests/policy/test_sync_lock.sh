#!/usr/bin/env bash
# One vosfp sync per pin root: a second `sync --watch` (or a one-shot sync)
# on a root that a watcher keeps in sync is refused with the holder's PID,
# and leaves the lists alone; the lock goes with the watcher (even killed
# with -9), and a watcher on another root is independent.
# usage: test_sync_lock.sh VOSFP_BINARY
set -euo pipefail
. "$(dirname "$0")/lib.sh" psynclock "$1"
other=$pin-other
watcher=""
cleanup_extra() {
	[ -z "$watcher" ] || kill -9 "$watcher" 2>/dev/null || true
	rm_sync_state "$other"
	rm -rf "$other"
}

printf '192.0.2.0/24\n' >"$tmp/a.txt"
printf '198.51.100.0/24\n' >"$tmp/b.txt"
listed() { [ "$(v list block | paste -sd'|')" = "$1" ]; }
"$VOSFP" --pin-root "$pin" sync --watch block="$tmp/a.txt" 2>"$tmp/first.log" &
watcher=$!
first=$(wait_for 10 listed 192.0.2.0/24 && echo ok || true)
check "the first watcher applies" ok "$first"
[ "$first" = ok ] || { echo "the first watcher said:"; cat "$tmp/first.log"; }
for mode in --watch ""; do
	set +e
	# shellcheck disable=SC2086
	err=$(timeout 20 "$VOSFP" --pin-root "$pin" sync $mode block="$tmp/b.txt" 2>&1)
	rc=$?
	set -e
	check "a second sync ${mode:-once} is refused" 1 "$rc"
	check "naming the holder's PID" 1 "$(grep -c "another vosfp sync (PID $watcher) keeps $pin in sync" <<<"$err")"
	check "and the list is the first one's" ok "$(listed 192.0.2.0/24 && echo ok)"
done
check "status names the running sync" 1 "$(v status | grep -c "^sync: running (PID $watcher, --watch)")"
"$VOSFP" --pin-root "$other" block 203.0.113.1 >/dev/null
check "another root's sync is independent" 0 \
	"$("$VOSFP" --pin-root "$other" sync block="$tmp/b.txt" 2>/dev/null; echo $?)"
kill -9 "$watcher"
wait "$watcher" 2>/dev/null || true
watcher=""
check "a killed watcher's lock is gone: the next sync runs" 0 \
	"$(v sync block="$tmp/b.txt" 2>/dev/null; echo $?)"
check "and applies" ok "$(listed 198.51.100.0/24 && echo ok)"
check "status: not running any more" 1 "$(v status | grep -c '^sync: not running')"
finish sync-lock
