#!/usr/bin/env bash
# vosfp exporter survives idle and slow clients: with its default limits,
# 1,100 idle connections from one address (more than the per-address limit,
# and more than libmicrohttpd's own default connection limit) neither stop a
# scrape from another address nor stay open past the per-address limit; with
# a short --timeout, idle connections are closed by the exporter; bad limits
# are usage errors. Loopback only.
# usage: test_exporter_limits.sh VOSFP_BINARY CLIENTS_PY
set -euo pipefail
. "$(dirname "$0")/../lib.sh" # check, skip, v, wait_for
VOSFP=$1 CLIENTS=$2
[ "$(id -u)" = 0 ] || skip "needs root (the program is loaded)"
command -v python3 >/dev/null || skip "no python3 (apt-get install python3)"
python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.2", 0))' 2>/dev/null ||
	skip "127.0.0.2 is not usable on loopback"
# The machine's /etc/vosfp/vosfp.conf must not change this test's root.
export VOSFP_CONFIG=/dev/null
pin=/sys/fs/bpf/vosfp-tlim-$$-$RANDOM
log=$(mktemp /tmp/vosfp-tlim.XXXXXX)
pid=
stop() {
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		pid=
	fi
}
cleanup() {
	stop
	rm -rf "$pin" "$log"
	return 0
}
trap cleanup EXIT
# Starts the exporter on a fresh port (retrying a port someone else holds);
# sets $pid and $port.
start() {
	for _ in 1 2 3 4 5; do
		port=$((20000 + RANDOM % 20000))
		"$VOSFP" --pin-root "$pin" exporter --listen 127.0.0.1:$port "$@" 2>"$log" &
		pid=$!
		for _ in $(seq 1 100); do
			if ! kill -0 "$pid" 2>/dev/null; then
				break
			fi
			# Printed once it listens.
			if grep -q 'serving http' "$log"; then
				return 0
			fi
			sleep 0.1
		done
		stop
	done
	echo "FAIL the exporter did not start ($*)"
	exit 1
}
usage_rc() { "$VOSFP" --pin-root "$pin" exporter "$@" >/dev/null 2>&1 && echo 0 || echo $?; }

"$VOSFP" --pin-root "$pin" status >/dev/null

# Default limits: 4 connections per address, 64 in all, 10 s idle timeout.
start
out=$(python3 "$CLIENTS" flood "$port" 1100 4)
check "a scrape from 127.0.0.2 is answered while 127.0.0.1 holds 1,100 idle connections" \
	"scrape 200" "$(grep '^scrape' <<<"$out")"
check "at most the per-address limit of them stays open" \
	1 "$(awk '$1 == "open" && $2 <= 4 { print 1 }' <<<"$out")"
stop

start --timeout 1 --per-ip-limit 3 --max-connections 8
out=$(python3 "$CLIENTS" idle "$port" 3)
check "--timeout 1: the exporter closes idle connections" "closed 3" "$out"
out=$(python3 "$CLIENTS" flood "$port" 20 3)
check "--per-ip-limit 3: another address is still served" "scrape 200" "$(grep '^scrape' <<<"$out")"
stop

start --max-connections 2
check "--max-connections 2 alone lowers the per-address default with it" 1 \
	"$(grep -c '(idle timeout 10 s, 2 connections per address, 2 in all)' "$log")"
stop

check "--timeout 0 (no timeout) is a usage error" 2 "$(usage_rc --listen 127.0.0.1:1 --timeout 0)"
check "--timeout x is a usage error" 2 "$(usage_rc --listen 127.0.0.1:1 --timeout x)"
check "--per-ip-limit above --max-connections is a usage error" 2 \
	"$(usage_rc --listen 127.0.0.1:1 --per-ip-limit 9 --max-connections 8)"
check "--max-connections 0 is a usage error" 2 \
	"$(usage_rc --listen 127.0.0.1:1 --max-connections 0)"
check "--max-connections above 1000 is a usage error" 2 \
	"$(usage_rc --listen 127.0.0.1:1 --max-connections 1001)"
check "an option without its value is a usage error" 2 "$(usage_rc --listen 127.0.0.1:1 --timeout)"
check "an unknown option is a usage error" 2 "$(usage_rc --listen 127.0.0.1:1 --bogus 1)"
check "--listen is still required" 2 "$(usage_rc --timeout 5)"
echo "exporter limits: $fails failed"
[ $fails -eq 0 ]
