#!/usr/bin/env bash
# The AF_XDP path end to end, with the example consumer (examples/afxdp) on
# a veth pair between two network namespaces this test makes, the filter
# attached in MODE (native or generic), the socket in copy mode:
# - an INVITE from an unknown source arrives at the consumer, and relayed
#   with --forward reaches a UDP socket behind it unchanged;
# - a scanner's OPTIONS (stealth), a blocked source and a malformed payload
#   do not arrive, and neither does a UDP message to a port that is not SIP,
#   which a socket in the namespace gets from the kernel stack;
# - xsk_redirect requests: a response goes to the stack, not to the socket;
# - the redirected counter equals the frames the consumer received;
# - zero-copy on veth is refused with a clear error, and nothing stays
#   registered (the next INVITE reaches the stack);
# - the consumer killed with -9: the next INVITEs reach the stack, counted
#   as passed (the kernel drops a closed socket from the map: fail-open).
# No XDP program is attached to the sending end: native XDP on the
# receiving veth redirects into AF_XDP without one (docs/operating.md).
# usage: test_afxdp_e2e.sh VOSFP_BINARY CONSUMER_BINARY MODE
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
VOSFP=$1 CONSUMER=$2 MODE=$3
require_root "the program is attached, sockets are bound"
require_tools "apt-get install iproute2 python3 util-linux" ip python3 nsenter
t_pin_root "afx$MODE"
tmp=$(mktemp -d /tmp/vosfp-afxdp.XXXXXX)
cpid="" spid=""
cleanup() {
	# Only what this test started, by PID.
	for p in $cpid $spid; do kill -9 "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	t_netns_cleanup
	t_pin_cleanup
	rm -rf "$tmp"
	return 0
}
trap cleanup EXIT
t_netns_pair vAx
S() { nsenter --net=/run/netns/"$NS_S" "$@"; }
C() { nsenter --net=/run/netns/"$NS_C" "$@"; }
ip -n "$NS_S" addr add 10.99.0.1/24 dev "$IF_S"
ip -n "$NS_C" addr add 10.99.0.2/24 dev "$IF_C"
ip -n "$NS_C" addr add 10.99.0.3/24 dev "$IF_C" # the blocked source
# Neighbours known up front: no ARP in flight while counting.
mac_s=$(ip -n "$NS_S" -br link show "$IF_S" | awk '{print $3}')
mac_c=$(ip -n "$NS_C" -br link show "$IF_C" | awk '{print $3}')
ip -n "$NS_C" neigh replace 10.99.0.1 lladdr "$mac_s" dev "$IF_C" nud permanent
ip -n "$NS_S" neigh replace 10.99.0.2 lladdr "$mac_c" dev "$IF_S" nud permanent
ip -n "$NS_S" neigh replace 10.99.0.3 lladdr "$mac_c" dev "$IF_S" nud permanent

S "$VOSFP" --pin-root "$pin" attach "$IF_S" --mode "$MODE" >/dev/null
S "$VOSFP" --pin-root "$pin" block 10.99.0.3 >/dev/null

# send FROM PORT KIND [N]: N UDP messages of KIND from FROM to 10.99.0.1:PORT.
send() {
	C python3 - "$@" <<'PY'
import socket, sys
src, port, kind = sys.argv[1], int(sys.argv[2]), sys.argv[3]
n = int(sys.argv[4]) if len(sys.argv) > 4 else 1
def req(method):
    return (f"{method} sip:100@10.99.0.1 SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP {src}:5062;branch=z9hG4bK-{method}\r\n"
            "Max-Forwards: 70\r\nFrom: <sip:a@10.99.0.2>;tag=1\r\n"
            "To: <sip:100@10.99.0.1>\r\nCall-ID: afxdp-1\r\n"
            f"CSeq: 1 {method}\r\nUser-Agent: softphone\r\nContent-Length: 0\r\n\r\n").encode()
msgs = {
    "invite": req("INVITE"),
    "options": req("OPTIONS"),
    "response": b"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 10.99.0.1:5060;branch=z9hG4bK-r\r\n"
                b"From: <sip:100@10.99.0.1>;tag=2\r\nTo: <sip:a@10.99.0.2>;tag=1\r\n"
                b"Call-ID: afxdp-2\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n",
    "junk": b"hello, this is not SIP\r\n",
    "data": b"not ours: another port",
}
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((src, 0))
for _ in range(n):
    s.sendto(msgs[kind], ("10.99.0.1", port))
PY
}
# counter REASON: its packets on the pin root.
counter() {
	S "$VOSFP" --pin-root "$pin" stats --json |
		python3 -c "import json,sys; print(json.load(sys.stdin)['counters']['$1']['packets'])"
}
received() { grep -c "^queue 0: " "$tmp/consumer.out" || true; }
wait_received() { wait_for 10 test "$(received)" -ge "$1"; }

# A UDP socket in the server's namespace: what reaches the kernel stack on
# port 5070 (the relay's target) and 9999 (not a SIP port) and 5060 (the SIP
# port, once nothing takes it earlier). It prints one line per datagram.
# nsenter execs the program: $! is its PID, the one to kill.
nsenter --net=/run/netns/"$NS_S" python3 -u - >"$tmp/stack.out" 2>&1 <<'PY' &
import select, socket
socks = []
for port in (5060, 5070, 9999):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", port))
    socks.append(s)
print("listening", flush=True)
for _ in range(100000):
    r, _w, _x = select.select(socks, [], [], 120)
    if not r:
        break
    for s in r:
        data, addr = s.recvfrom(65535)
        print(s.getsockname()[1], addr[0], data.split(b"\r\n")[0].decode(errors="replace"),
              flush=True)
PY
spid=$!
wait_for 10 grep -q listening "$tmp/stack.out" || { echo "FAIL the stack listener did not start"; exit 1; }
stack() { grep -c "^$1 $2 $3" "$tmp/stack.out" || true; }

start_consumer() {
	: >"$tmp/consumer.out"
	nsenter --net=/run/netns/"$NS_S" "$CONSUMER" "$IF_S" --pin-root "$pin" --copy "$@" \
		>"$tmp/consumer.out" 2>&1 &
	cpid=$!
	wait_for 10 grep -q "ready$" "$tmp/consumer.out" ||
		{ echo "FAIL the consumer did not start:"; cat "$tmp/consumer.out"; exit 1; }
}

check "zero-copy on veth: refused" 1 \
	"$(S "$CONSUMER" "$IF_S" --pin-root "$pin" --zero-copy >"$tmp/zc.out" 2>&1 && echo 0 || echo $?)"
check "zero-copy on veth: the reason" 1 "$(grep -c "use --copy" "$tmp/zc.out" || true)"
check "a bad --forward: usage error" 2 \
	"$(S "$CONSUMER" "$IF_S" --pin-root "$pin" --forward nohost >/dev/null 2>&1 && echo 0 || echo $?)"
check "an interface that does not exist: usage error" 2 \
	"$(S "$CONSUMER" vAxnone0 --pin-root "$pin" >/dev/null 2>&1 && echo 0 || echo $?)"
send 10.99.0.2 5060 invite
wait_for 10 test "$(stack 5060 10.99.0.2 INVITE)" = 1 || true
check "after the refusals nothing is registered: the INVITE reached the stack" 1 \
	"$(stack 5060 10.99.0.2 INVITE)"
passed0=$(counter passed)

start_consumer --forward 10.99.0.1:5070
red0=$(counter redirected)
send 10.99.0.2 5060 invite 5
wait_received 5 || true
check "5 INVITEs from an unknown source at the consumer" 5 "$(grep -c "^queue 0: 10.99.0.2:[0-9]* INVITE [0-9]* bytes$" "$tmp/consumer.out" || true)"
wait_for 10 test "$(stack 5070 10.99.0.1 INVITE)" -ge 5 || true
check "relayed by --forward to the socket behind" 5 "$(stack 5070 10.99.0.1 INVITE)"
check "none reached the SIP port's socket" 1 "$(stack 5060 10.99.0.2 INVITE)"
send 10.99.0.2 5060 options 3
send 10.99.0.3 5060 invite 3
send 10.99.0.2 5060 junk 3
send 10.99.0.2 9999 data 3
wait_for 10 test "$(stack 9999 10.99.0.2 not)" -ge 3 || true
check "non-SIP UDP reached the kernel stack" 3 "$(stack 9999 10.99.0.2 not)"
check "... not the consumer" 0 "$(grep -c "^queue 0: .* 9999\|not ours" "$tmp/consumer.out" || true)"
check "scanner OPTIONS dropped: stealth" 3 "$(counter stealth)"
check "blocked source dropped" 3 "$(counter blocked)"
check "malformed dropped" 3 "$(counter malformed)"
check "none of them at the consumer" 5 "$(received)"
# With requests only, a response goes to the stack; an INVITE still comes.
S "$VOSFP" --pin-root "$pin" config xsk_redirect requests >/dev/null
send 10.99.0.2 5060 response 2
send 10.99.0.2 5060 invite
wait_received 6 || true
wait_for 10 test "$(stack 5060 10.99.0.2 SIP/2.0)" -ge 2 || true
check "requests: the responses reached the stack" 2 "$(stack 5060 10.99.0.2 SIP/2.0)"
check "requests: the INVITE the consumer" 6 "$(received)"
S "$VOSFP" --pin-root "$pin" config xsk_redirect all-passed >/dev/null
send 10.99.0.2 5060 response
wait_received 7 || true
check "all-passed: the response at the consumer" 1 \
	"$(grep -c "^queue 0: 10.99.0.2:[0-9]* response 200 [0-9]* bytes$" "$tmp/consumer.out" || true)"
check "the redirected counter equals the frames received" "$(received)" \
	"$(($(counter redirected) - red0))"

# Killed with -9: no unregister, but the socket closes with the process.
kill -9 "$cpid"
wait "$cpid" 2>/dev/null || true
cpid=""
red1=$(counter redirected)
passed1=$(counter passed)
send 10.99.0.2 5060 invite 4
wait_for 10 test "$(stack 5060 10.99.0.2 INVITE)" -ge 5 || true
check "after kill -9 the INVITEs reach the stack" 5 "$(stack 5060 10.99.0.2 INVITE)"
check "... counted as passed" 4 "$(($(counter passed) - passed1))"
check "... not as redirected" 0 "$(($(counter redirected) - red1))"
check "passed before the consumer: the one INVITE" 1 "$passed0"

# A clean stop (SIGTERM) unregisters and prints the totals.
start_consumer --quiet
send 10.99.0.2 5060 invite 2
wait_for 10 test "$(($(counter redirected) - red1))" -ge 2 || true
kill -TERM "$cpid"
rc=0
wait "$cpid" || rc=$?
cpid=""
check "SIGTERM: exit 0" 0 "$rc"
check "SIGTERM: the totals" 1 "$(grep -c "^total: 2 frames, " "$tmp/consumer.out" || true)"
send 10.99.0.2 5060 invite
wait_for 10 test "$(stack 5060 10.99.0.2 INVITE)" -ge 6 || true
check "after SIGTERM the stack again" 6 "$(stack 5060 10.99.0.2 INVITE)"
finish "afxdp-e2e-$MODE"
