#!/usr/bin/env bash
# Spoofed evidence cannot take a customer off the service: a customer
# registers with Kamailio (200), which the egress program learns from the
# server's own answer; then frames forged with the customer's source (a
# scanner User-Agent, a flood over the rate limit) are dropped but ban no
# one, and the customer's next call is answered. The same frames forged
# with a source the server never answered ban that source.
# usage: test_spoofing.sh VOSFP_BINARY native|generic
set -euo pipefail
VOSFP=$1 MODE=$2
. "$(dirname "$0")/lib.sh"
e2e_require
e2e_setup
e2e_start_kamailio

CUSTOMER=$CLI4_B # registers, so the server verifies it
UNVERIFIED=$CLI4_C # a real client too, but the server never answered it 2xx
NOBODY=198.51.100.77 # on no interface: a pure spoof
SCANNER='REGISTER sip:'$SRV4' SIP/2.0\r\nVia: SIP/2.0/UDP 1.2.3.4:5070\r\nCSeq: 1 REGISTER\r\nUser-Agent: friendly-scanner\r\nContent-Length: 0\r\n\r\n'
REQUEST='REGISTER sip:'$SRV4' SIP/2.0\r\nVia: SIP/2.0/UDP 1.2.3.4:5070\r\nCSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n'

spoof() { # spoof SRC COUNT PAYLOAD
	timeout 60 ip netns exec "$NS_C" python3 "$E2E_DIR/send_spoofed.py" "$1" $SRV4 "$2" "$3"
}
banned() { vosfp_cli list bans | awk -v a="$1" '$1 == a { n++ } END { print n + 0 }'; }
bans_field() { # bans_field auto spared
	vosfp_cli status --json | python3 -c \
		'import json,sys; print(json.load(sys.stdin)["bans"][sys.argv[1]][sys.argv[2]])' "$1" "$2"
}
# Every frame sent has reached the program once its counters have moved by
# as many (the veth delivers them in order; bounded wait, no time asserted).
wait_counted() { # wait_counted TOTAL_BEFORE COUNT
	for _ in $(seq 1 50); do
		[ $(( $(counter scanner) + $(counter rate_limited) + $(counter passed) \
			+ $(counter banned) + $(counter stealth) )) -ge $(( $1 + $2 )) ] && return 0
		sleep 0.1
	done
	echo "FAIL: frames not counted"; return 1
}
total() { echo $(( $(counter scanner) + $(counter rate_limited) + $(counter passed) \
	+ $(counter banned) + $(counter stealth) )); }

out=$(nsenter --net="/run/netns/$NS_S" "$VOSFP" --pin-root "$PIN" attach "$IF_S" --mode "$MODE")
check "attach in $MODE mode" "$IF_S: attached in $MODE mode" "$out"
check "the egress program is on the server's interface" 1 \
	"$(ip netns exec "$NS_S" tc filter show dev "$IF_S" egress | grep -c "vosfp_egress")"

check "customer: REGISTER answered 200" "1 0" \
	"$(sipp_run reg $CUSTOMER $SRV4 1 -sf "$E2E_DIR/register.xml")"
check "the server's 200 verified one source" 1 "$(bans_field verified used)"

# One forged scanner frame each.
t=$(total)
spoof $CUSTOMER 1 "$SCANNER"
spoof $UNVERIFIED 1 "$SCANNER"
spoof $NOBODY 1 "$SCANNER"
wait_counted "$t" 3
check "the forged scanner frames were dropped" 3 "$(counter scanner)"
check "customer: not banned by a forged scanner frame" 0 "$(banned $CUSTOMER)"
check "unverified source: banned by the same frame" 1 "$(banned $UNVERIFIED)"
check "spoofed nobody: banned" 1 "$(banned $NOBODY)"
check "one automatic ban was spared" 1 "$(bans_field auto spared)"

# A forged flood over the rate limit: 5 per second, burst 5; 40 frames.
vosfp_cli unban $UNVERIFIED >/dev/null
vosfp_cli unban $NOBODY >/dev/null
vosfp_cli config rate_limit 5 >/dev/null
vosfp_cli config rate_burst 5 >/dev/null
t=$(total) rl=$(counter rate_limited)
spoof $CUSTOMER 40 "$REQUEST"
spoof $NOBODY 40 "$REQUEST"
wait_counted "$t" 80
# The customer's 35 beyond the burst are all dropped as over the rate; the
# spoofed source's first one bans it, and the rest are dropped as banned.
check "the floods went over the limit" 1 \
	"$([ $(( $(counter rate_limited) - rl )) -ge 30 ] && echo 1)"
check "customer: not banned by a forged flood" 0 "$(banned $CUSTOMER)"
check "spoofed nobody: banned by the same flood" 1 "$(banned $NOBODY)"
check "the customer's ban was spared again" 1 \
	"$([ "$(bans_field auto spared)" -ge 2 ] && echo 1)"
# The flood used up the customer's bucket for a second: the limit is not
# what this test is about, the ban is.
vosfp_cli config rate_limit 0 >/dev/null

check "customer: its next call is answered" "1 0" "$(sipp_run call $CUSTOMER $SRV4 1 -sn uac)"
check "customer: and its next REGISTER" "1 0" \
	"$(sipp_run reg2 $CUSTOMER $SRV4 1 -sf "$E2E_DIR/register.xml")"
# The unverified client, banned by one forged frame, is off the service:
# what the default cost before verified sources, now for the unverified only.
spoof $UNVERIFIED 1 "$SCANNER"
check "unverified client: its call is not answered once banned" "0 1" \
	"$(sipp_run callu $UNVERIFIED $SRV4 1 -sn uac)"

vosfp_cli status
# Detach in the interface's namespace, as attach: the egress filter is found
# there by the interface's name.
nsenter --net="/run/netns/$NS_S" "$VOSFP" --pin-root "$PIN" detach "$IF_S" >/dev/null
check "detach removes the egress program" 0 \
	"$(ip netns exec "$NS_S" tc filter show dev "$IF_S" egress | grep -c "vosfp_egress" || true)"
echo "$MODE: $fails failed"
[ $fails -eq 0 ]
