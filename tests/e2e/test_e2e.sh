#!/usr/bin/env bash
# End to end, for real: Kamailio in one namespace, SIPp in another, vosfp
# attached (in the given mode) to the server's veth by the CLI, and policy
# changed afterwards by further CLI processes. Checks what SIPp gets back
# and that the counters match, packet for packet, what was sent.
# usage: test_e2e.sh VOSFP_BINARY native|generic
set -euo pipefail
VOSFP=$1 MODE=$2
. "$(dirname "$0")/lib.sh"
e2e_require
e2e_setup
e2e_start_kamailio

N=10
delta() { # delta REASON BEFORE
	echo $(( $(counter "$1") - $2 ))
}

# nsenter --net keeps this mount namespace, and so /sys/fs/bpf (ip netns
# exec would remount /sys and hide the pins).
in_server() { nsenter --net="/run/netns/$NS_S" "$@"; }

out=$(in_server "$VOSFP" --pin-root "$PIN" attach "$IF_S" --mode "$MODE")
check "attach in $MODE mode" "$IF_S: attached in $MODE mode" "$out"
check "the kernel shows the program on the veth" 1 \
	"$(ip -n "$NS_S" -d link show "$IF_S" | grep -c "prog/xdp")"
check "a second attach is refused" 1 \
	"$(in_server "$VOSFP" --pin-root "$PIN" attach "$IF_S" >/dev/null 2>&1; echo $?)"

# a. OPTIONS from a source on no list: dropped unanswered (stealth).
b=$(counter stealth)
check "IPv4 OPTIONS from unknown source: no answer" "0 $N" \
	"$(sipp_run opt4 $CLI4_A $SRV4 $N -sf "$E2E_DIR/options.xml")"
check "  counted as stealth" $N "$(delta stealth "$b")"

# d. Legitimate traffic from the same unknown source is never dropped.
b=$(counter passed)
check "IPv4 INVITE/ACK/BYE calls from unknown source: all answered" "$N 0" \
	"$(sipp_run call4 $CLI4_A $SRV4 $N -sn uac)"
check "IPv4 REGISTER from unknown source: all answered" "$N 0" \
	"$(sipp_run reg4 $CLI4_A $SRV4 $N -sf "$E2E_DIR/register.xml")"
check "  counted as passed (3 per call + 1 per REGISTER)" $((4 * N)) "$(delta passed "$b")"

# Junk on the SIP port: malformed, dropped; keep-alives pass.
b=$(counter malformed)
in_client() { ip netns exec "$NS_C" "$@"; }
in_client python3 "$E2E_DIR/send_udp.py" $CLI4_C $SRV4 $N 'GET / HTTP/1.1\r\n\r\n'
b2=$(counter keepalive)
in_client python3 "$E2E_DIR/send_udp.py" $CLI4_C $SRV4 $N '\r\n\r\n'
sleep 0.2
check "HTTP to 5060 counted as malformed" $N "$(delta malformed "$b")"
check "CRLFCRLF keep-alives counted as keepalive" $N "$(delta keepalive "$b2")"

# b. A trusted peer: on the allow list, its OPTIONS are answered.
vosfp_cli allow $CLI4_B >/dev/null
b=$(counter allowed)
check "IPv4 OPTIONS from allowed source: all answered" "$N 0" \
	"$(sipp_run opt4a $CLI4_B $SRV4 $N -sf "$E2E_DIR/options.xml")"
check "  counted as allowed" $N "$(delta allowed "$b")"

# c. Block beats allow: nothing from a blocked source is answered.
vosfp_cli block $CLI4_B/32 >/dev/null
b=$(counter blocked)
check "IPv4 OPTIONS from blocked (and allowed) source: no answer" "0 $N" \
	"$(sipp_run opt4b $CLI4_B $SRV4 $N -sf "$E2E_DIR/options.xml")"
check "IPv4 calls from blocked source: no answer" "0 $N" \
	"$(sipp_run call4b $CLI4_B $SRV4 $N -sn uac)"
check "  counted as blocked (OPTIONS + INVITEs; no ACK/BYE without an answer)" $((2 * N)) \
	"$(delta blocked "$b")"
vosfp_cli unblock $CLI4_B/32 >/dev/null

# e. IPv6: stealth, then allowed, then a call from an unknown source.
b=$(counter stealth)
check "IPv6 OPTIONS from unknown source: no answer" "0 $N" \
	"$(sipp_run opt6 $CLI6_A $SRV6 $N -sf "$E2E_DIR/options.xml")"
check "  counted as stealth" $N "$(delta stealth "$b")"
vosfp_cli allow 2001:db8:5060::2 >/dev/null
b=$(counter allowed)
check "IPv6 OPTIONS from allowed source: all answered" "$N 0" \
	"$(sipp_run opt6a $CLI6_A $SRV6 $N -sf "$E2E_DIR/options.xml")"
check "  counted as allowed" $N "$(delta allowed "$b")"
b=$(counter passed)
check "IPv6 calls from unknown source: all answered" "$N 0" \
	"$(sipp_run call6 $CLI6_B $SRV6 $N -sn uac)"
check "  counted as passed" $((3 * N)) "$(delta passed "$b")"
vosfp_cli block 2001:db8:5060::/64 >/dev/null
b=$(counter blocked)
check "IPv6 OPTIONS from a blocked /64: no answer" "0 $N" \
	"$(sipp_run opt6b $CLI6_A $SRV6 $N -sf "$E2E_DIR/options.xml")"
check "  counted as blocked" $N "$(delta blocked "$b")"

# f. The counters add up to exactly what was sent to port 5060.
# opt4, call4 (3 each), reg4, junk (2 kinds), opt4a, opt4b + call4b (INVITE
# only: no answer, so no ACK or BYE), opt6, opt6a, call6 (3 each), opt6b.
sent=$(( N + 3 * N + N + 2 * N + N + 2 * N + N + N + 3 * N + N ))
total=$(vosfp_cli stats --json | python3 -c \
	'import json,sys; print(sum(c["packets"] for c in json.load(sys.stdin)["counters"].values()))')
check "every packet sent to 5060 counted exactly once" $sent "$total"

# The same numbers in Prometheus's text format, and the attachment by mode.
prom=$(in_server "$VOSFP" --pin-root "$PIN" stats --prometheus)
check "prometheus: stealth packets as in --json" "$(counter stealth)" \
	"$(sed -n 's/^vosfp_packets_total{reason="stealth",verdict="drop"} //p' <<<"$prom")"
check "prometheus: the attachment and its mode" 1 \
	"$(grep -c "^vosfp_attached{interface=\"$IF_S\",mode=\"$MODE\"} 1$" <<<"$prom")"
check "prometheus: list sizes" 1 "$(grep -c '^vosfp_list_entries{list="allow"} 2$' <<<"$prom")"

# g. Detach leaves no XDP program on the interface. In the interface's
# namespace: attachments are kept by namespace and ifindex, and a detach
# from elsewhere is refused.
in_server "$VOSFP" --pin-root "$PIN" detach "$IF_S" >/dev/null
check "after detach the veth has no XDP program" 0 \
	"$(ip -n "$NS_S" -d link show "$IF_S" | grep -c "prog/xdp" || true)"
check "status lists no attachment" "attached: none" \
	"$(vosfp_cli status | grep '^attached')"
check "calls still work with the filter gone" "$N 0" \
	"$(sipp_run opt4c $CLI4_A $SRV4 $N -sf "$E2E_DIR/options.xml")"

echo "$MODE: $fails failed"
[ $fails -eq 0 ]
