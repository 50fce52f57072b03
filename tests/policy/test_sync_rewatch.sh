#!/usr/bin/env bash
# sync --watch keeps following its files when their directory is removed
# and made again (rm -r, then a new directory with new content), and the
# last success and the last error are shown by `vosfp status` and in the
# Prometheus metrics, read by other processes than the watcher.
# usage: test_sync_rewatch.sh VOSFP_BINARY
set -euo pipefail
. "$(dirname "$0")/lib.sh" prewatch "$1"
watcher=""
cleanup_extra() { [ -z "$watcher" ] || kill -9 "$watcher" 2>/dev/null || true; }

listed() { [ "$(v list block | paste -sd'|')" = "$1" ]; }
metric() { v stats --prometheus | awk -v m="$1" '$1 == m { print $2 }'; }
logged() { [ "$(grep -c "$1" "$tmp/watch.log")" -ge "$2" ]; }
check "status before any sync" 1 "$(v status | grep -c '^sync: none$')"
check "the metric before any sync" 0 "$(metric vosfp_sync_last_success_timestamp_seconds)"
mkdir -p "$tmp/conf/policy"
printf '192.0.2.0/24\n' >"$tmp/conf/policy/block.txt"
"$VOSFP" --pin-root "$pin" sync --watch block="$tmp/conf/policy/block.txt" 2>"$tmp/watch.log" &
watcher=$!
check "the first apply" ok "$(wait_for 10 listed 192.0.2.0/24 && echo ok)"
check "status: running, with a last success" 1 \
	"$(v status | grep -cE "^sync: running \(PID $watcher, --watch\); last success 20[0-9-]+T[0-9:]+Z; last error never$")"
check "the success metric is set" 1 "$(($(metric vosfp_sync_last_success_timestamp_seconds) > 0))"
check "the running metric" 1 "$(metric vosfp_sync_running)"

rm -r "$tmp/conf/policy"
check "the removed directory is logged as an error" ok \
	"$(wait_for 10 logged 'block list kept: .*block.txt: No such file' 1 && echo ok)"
check "and the list in force stays" ok "$(listed 192.0.2.0/24 && echo ok)"
check "status shows the error" 1 "$(v status | grep -c 'last error 20.*: block list kept: .*No such file')"
check "so does the error metric" 1 "$(($(metric vosfp_sync_last_error_timestamp_seconds) > 0))"
check "with its message" 1 "$(v stats --prometheus | grep -c '^vosfp_sync_last_error_info{message="block list kept: .*"} 1$')"
mkdir "$tmp/conf/policy"
printf '198.51.100.0/24\n203.0.113.0/24\n' >"$tmp/conf/policy/block.txt"
check "the recreated directory's file is applied" ok \
	"$(wait_for 10 listed '198.51.100.0/24|203.0.113.0/24' && echo ok)"
printf '198.51.100.0/24\n' >"$tmp/conf/policy/block.txt"
check "and later changes to it too" ok "$(wait_for 10 listed 198.51.100.0/24 && echo ok)"
# The whole tree, twice removed: its nearest ancestor is watched.
rm -r "$tmp/conf"
mkdir -p "$tmp/conf/policy"
printf '10.9.0.0/16\n' >"$tmp/conf/policy/block.txt.new"
mv "$tmp/conf/policy/block.txt.new" "$tmp/conf/policy/block.txt"
check "a tree removed and made again is followed" ok "$(wait_for 10 listed 10.9.0.0/16 && echo ok)"
kill -TERM "$watcher"
wait "$watcher" || true
watcher=""
check "after the watcher: not running, last success kept" 1 \
	"$(v status | grep -cE '^sync: not running \(last PID [0-9]+\); last success 20')"
check "the running metric drops" 0 "$(metric vosfp_sync_running)"
finish sync-rewatch
