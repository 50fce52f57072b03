#!/usr/bin/env bash
# vosfp exporter serves the Prometheus metrics on /metrics over HTTP
# (loopback only), answers 404 elsewhere, and stops cleanly on SIGTERM;
# stats --watch reports rates and stops after --count reports.
# usage: test_exporter.sh VOSFP_BINARY
set -euo pipefail
. "$(dirname "$0")/../lib.sh" # check, skip, v, wait_for
VOSFP=$1
[ "$(id -u)" = 0 ] || skip "needs root (the program is loaded)"
command -v curl >/dev/null || skip "no curl (apt-get install curl)"
pin=/sys/fs/bpf/vosfp-texp-$$-$RANDOM
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$pin"
	return 0
}
trap cleanup EXIT

v block 203.0.113.0/24 >/dev/null
port=$((20000 + RANDOM % 20000))
# Not through v(): $! must be the exporter itself, not a subshell.
"$VOSFP" --pin-root "$pin" exporter --listen 127.0.0.1:$port 2>/dev/null &
pid=$!
for _ in $(seq 1 50); do
	curl -sf "http://127.0.0.1:$port/metrics" >/dev/null 2>&1 && break
	sleep 0.1
done
body=$(curl -sf "http://127.0.0.1:$port/metrics")
check "/metrics serves the counters" 1 \
	"$(grep -c '^vosfp_packets_total{reason="stealth",verdict="drop"} 0$' <<<"$body")"
check "/metrics serves list sizes" 1 "$(grep -c '^vosfp_list_entries{list="block"} 1$' <<<"$body")"
check "content type of the text format" 1 \
	"$(curl -sI "http://127.0.0.1:$port/metrics" | grep -ci '^content-type: text/plain; version=0.0.4')"
check "other paths are 404" 404 "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/")"
check "POST is 405" 405 "$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$port/metrics")"
check "a second exporter on the same port fails (exit 1)" 1 \
	"$(v exporter --listen 127.0.0.1:$port >/dev/null 2>&1; echo $?)"
kill "$pid"
rc=0
wait "$pid" || rc=$?
pid=
check "SIGTERM stops it cleanly (exit 0)" 0 "$rc"
check "a bad address is a usage error (exit 2)" 2 \
	"$(v exporter --listen localhost >/dev/null 2>&1; echo $?)"

out=$(v stats --watch 1 --count 2)
check "stats --watch 1 --count 2 prints two reports" 2 "$(grep -c 'packets/s' <<<"$out")"
check "and a rate line per reason" 2 "$(grep -cE '^ +stealth +0\.0 ' <<<"$out")"
echo "exporter: $fails failed"
[ $fails -eq 0 ]
