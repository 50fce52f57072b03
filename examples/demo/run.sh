#!/usr/bin/env bash
# The libvosfp demo: a SIP server (Kamailio) behind vosfp, and three kinds of
# callers (SIPp), all in network namespaces this script makes and removes.
# Touches no interface of the machine.
# usage: examples/demo/run.sh BUILD_DIR      (as root)
set -euo pipefail
BUILD=$(cd "${1:?usage: run.sh BUILD_DIR}" && pwd)
VOSFP=$BUILD/cli/vosfp
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/tests/e2e/lib.sh"
e2e_require
[ -x "$VOSFP" ] || { echo "no vosfp tool in $BUILD (build first)"; exit 1; }
command -v svmap >/dev/null || { echo "no svmap (apt-get install sipvicious)"; exit 1; }

say() { printf '\n== %s\n' "$*"; }
expect() { # expect WHAT GOT WANT
	if [ "$2" != "$3" ]; then echo "UNEXPECTED: $1: got '$2', wanted '$3'"; exit 1; fi
	echo "   $1"
}

e2e_setup
say "Made namespaces $NS_S (server) and $NS_C (callers), joined by a veth pair"
say "Server namespace $NS_S: Kamailio on $SRV4 and [$SRV6], answering everyone"
e2e_start_kamailio

export HOME=$E2E_TMP # sipvicious keeps its sessions in ~/.sipvicious
svmap_finds() { # number of SIP devices svmap reports from $CLI4_A
	(cd "$E2E_TMP" && timeout 60 ip netns exec "$NS_C" svmap -b $CLI4_A $SRV4 2>&1) |
		grep -c "| $SRV4:5060" || true
}

say "Without vosfp, a sipvicious scan (svmap) from $CLI4_A finds the server"
expect "svmap found 1 SIP device" "$(svmap_finds)" 1
expect "and SIPp's OPTIONS from the same address get 5 of 5 answers" \
	"$(sipp_run scan0 $CLI4_A $SRV4 5 -sf "$E2E_DIR/options.xml")" "5 0"

say "Attaching vosfp to the server's interface $IF_S"
nsenter --net="/run/netns/$NS_S" "$VOSFP" --pin-root "$PIN" attach "$IF_S"

say "The scanner tries again: its probes are dropped at XDP, unanswered"
expect "svmap found 0 SIP devices: to the scanner, nothing is there" "$(svmap_finds)" 0
expect "0 of 5 OPTIONS answered" \
	"$(sipp_run scan1 $CLI4_A $SRV4 5 -sf "$E2E_DIR/options.xml")" "0 5"

say "A trusted peer $CLI4_B is put on the allow list; it pings and calls"
vosfp_cli allow $CLI4_B
expect "5 of 5 OPTIONS pings answered" \
	"$(sipp_run peer $CLI4_B $SRV4 5 -sf "$E2E_DIR/options.xml")" "5 0"
expect "5 of 5 calls (INVITE, 200, ACK, BYE) completed" \
	"$(sipp_run peercall $CLI4_B $SRV4 5 -sn uac)" "5 0"

say "An ordinary customer at $CLI4_C, on no list, registers and calls"
expect "5 of 5 REGISTERs answered" \
	"$(sipp_run cust $CLI4_C $SRV4 5 -sf "$E2E_DIR/register.xml")" "5 0"
expect "5 of 5 calls completed: legitimate SIP is never dropped" \
	"$(sipp_run custcall $CLI4_C $SRV4 5 -sn uac)" "5 0"

say "The scanner's network $CLI4_A/32 is blocked: now even its calls get nothing"
vosfp_cli block $CLI4_A/32
expect "0 of 5 calls answered" \
	"$(sipp_run blocked $CLI4_A $SRV4 5 -sn uac)" "0 5"

say "Counters (vosfp stats)"
vosfp_cli stats
say "State (vosfp status)"
nsenter --net="/run/netns/$NS_S" "$VOSFP" --pin-root "$PIN" status

say "Detaching and cleaning up"
# In the interface's namespace: attachments are kept by namespace and
# ifindex, and a detach from another namespace is refused.
nsenter --net="/run/netns/$NS_S" "$VOSFP" --pin-root "$PIN" detach "$IF_S"
echo
echo "Demo complete: scanner silenced, trusted peer and customer served, blocked network dropped."
