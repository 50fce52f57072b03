#!/usr/bin/env bash
# The consumer on an interface with several RX queues: a veth pair made
# with 4 queues a side, in namespaces this test makes. It opens and
# registers a socket on each queue (the ethtool channel count), the INVITEs
# arrive on whichever queue the kernel picks, and the redirected counter
# equals what all the queues received; SIGTERM unregisters every queue, so
# the next INVITEs reach the kernel stack, counted as passed.
# usage: test_afxdp_queues.sh VOSFP_BINARY CONSUMER_BINARY
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
VOSFP=$1 CONSUMER=$2
require_root "the program is attached, sockets are bound"
require_tools "apt-get install iproute2 python3 util-linux" ip python3 nsenter
t_pin_root afxq
tmp=$(mktemp -d /tmp/vosfp-afxq.XXXXXX)
cpid="" id=$(t_id)
NS_S=vAq-s-$id NS_C=vAq-c-$id IF_S=vAqs$id IF_C=vAqc$id
cleanup() {
	[ -n "$cpid" ] && kill -9 "$cpid" 2>/dev/null
	wait 2>/dev/null || true
	t_netns_cleanup
	t_pin_cleanup
	rm -rf "$tmp"
	return 0
}
trap cleanup EXIT
ip netns add "$NS_S"
ip netns add "$NS_C"
ip link add "$IF_S" netns "$NS_S" numrxqueues 4 numtxqueues 4 type veth \
	peer name "$IF_C" netns "$NS_C" numrxqueues 4 numtxqueues 4
ip -n "$NS_S" addr add 10.97.0.1/24 dev "$IF_S"
ip -n "$NS_C" addr add 10.97.0.2/24 dev "$IF_C"
ip -n "$NS_S" link set "$IF_S" up
ip -n "$NS_C" link set "$IF_C" up
mac_s=$(ip -n "$NS_S" -br link show "$IF_S" | awk '{print $3}')
ip -n "$NS_C" neigh replace 10.97.0.1 lladdr "$mac_s" dev "$IF_C" nud permanent
S() { nsenter --net=/run/netns/"$NS_S" "$@"; }
S "$VOSFP" --pin-root "$pin" attach "$IF_S" --mode generic >/dev/null

# send N: N INVITEs from distinct source ports (spread over the queues
# where the kernel hashes flows).
send() {
	nsenter --net=/run/netns/"$NS_C" python3 - "$1" <<'PY'
import socket, sys
msg = (b"INVITE sip:100@10.97.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 10.97.0.2:5060;branch=z9hG4bK-q\r\n"
       b"From: <sip:a@10.97.0.2>;tag=1\r\nTo: <sip:100@10.97.0.1>\r\nCall-ID: q@x\r\n"
       b"CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n")
for _ in range(int(sys.argv[1])):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.sendto(msg, ("10.97.0.1", 5060))
    s.close()
PY
}
counter() {
	S "$VOSFP" --pin-root "$pin" stats --json |
		python3 -c "import json,sys; print(json.load(sys.stdin)['counters']['$1']['packets'])"
}
received() { grep -c "^queue [0-3]: 10.97.0.2:[0-9]* INVITE " "$tmp/out" || true; }

nsenter --net=/run/netns/"$NS_S" "$CONSUMER" "$IF_S" --pin-root "$pin" --copy >"$tmp/out" 2>&1 &
cpid=$!
wait_for 20 grep -q "ready$" "$tmp/out" || { echo "FAIL no start:"; cat "$tmp/out"; exit 1; }
check "a socket on each of the 4 queues" 1 "$(grep -c ": 4 queues, copy mode; ready$" "$tmp/out")"
send 20
wait_for 10 test "$(received)" -ge 20 || true
check "the 20 INVITEs at the consumer" 20 "$(received)"
check "redirected equals what the queues received" "$(received)" "$(counter redirected)"
kill -TERM "$cpid"
rc=0
wait "$cpid" || rc=$?
cpid=""
check "SIGTERM: exit 0" 0 "$rc"
passed=$(counter passed)
send 5
wait_for 10 test "$(($(counter passed) - passed))" -ge 5 || true
check "every queue unregistered: the next INVITEs passed to the stack" 5 \
	"$(($(counter passed) - passed))"
check "... none redirected" 20 "$(counter redirected)"
finish afxdp-queues
