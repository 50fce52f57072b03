#!/bin/bash
# Bans and blocks without expiry, and long TTLs, through the tool and the
# agent's control socket, with the program attached to a veth made here:
# `ban --permanent` and `ban --ttl 0` make a ban that `list bans` shows as
# permanent (JSON: "permanent": true, "ttl_left": 0) and that real frames
# meet; `--ttl 1y` and `2w` work, more than 10 years is a usage error;
# `block`/`allow --permanent` and `--ttl 0` make permanent entries; the
# socket takes "ban ADDR permanent" from root and refuses it from a
# non-root client under the default --max-ttl (1 year).
# usage: test_permanent.sh VOSFP
set -euo pipefail
VOSFP=$(realpath "$1")
. "$(dirname "$0")/lib.sh"
agent_require
agent_setup
CTL="python3 $AGENT_DIR/ctl.py"

row() { vosfp_cli list bans | awk -v a="$1" '$1 == a { print $2 }'; }

check "ban --permanent" "$CLI4_A: banned permanently" \
	"$(vosfp_cli ban $CLI4_A --permanent)"
check "... listed as permanent" permanent "$(row $CLI4_A)"
check "... in JSON: permanent, 0 s left" "True 0" \
	"$(vosfp_cli list bans --json | python3 -c 'import json, sys
b = [x for x in json.load(sys.stdin)["bans"] if x["address"] == sys.argv[1]][0]
print(b["permanent"], b["ttl_left"])' $CLI4_A)"
check "... its frames are dropped" 0 "$(sip_from $CLI4_A 2)"
check "ban --ttl 0 is permanent too" "$CLI4_B: banned permanently" \
	"$(vosfp_cli ban $CLI4_B --ttl 0)"
check "... listed as permanent" permanent "$(row $CLI4_B)"
check "ban --ttl 1y" "$CLI4_B: banned for 31536000 seconds" \
	"$(vosfp_cli ban $CLI4_B --ttl 1y)"
check "... replaces the permanent ban" 31536000s "$(row $CLI4_B)"
check "ban --ttl 2w" "$CLI4_B: banned for 1209600 seconds" "$(vosfp_cli ban $CLI4_B --ttl 2w)"
rc=0
vosfp_cli ban $CLI4_B --ttl 11y >/dev/null 2>&1 || rc=$?
check "ban --ttl 11y: usage error" 2 "$rc"
check "... the ban before it stands" 1209600s "$(row $CLI4_B)"
rc=0
vosfp_cli ban $CLI4_B --ttl 00 >/dev/null 2>&1 || rc=$?
check "ban --ttl 00: usage error (only 0 is permanent)" 2 "$rc"

check "block --permanent" "192.0.2.0/24: added to the block list" \
	"$(vosfp_cli block 192.0.2.0/24 --permanent)"
check "block --ttl 0" "192.0.2.128/25: added to the block list" \
	"$(vosfp_cli block 192.0.2.128/25 --ttl 0)"
check "allow --ttl 0" "203.0.113.0/24: added to the allow list" \
	"$(vosfp_cli allow 203.0.113.0/24 --ttl 0)"
check "... all three with no TTL" "192.0.2.0/24 192.0.2.128/25 203.0.113.0/24" \
	"$( (vosfp_cli list block; vosfp_cli list allow) | sort | xargs)"
check "block --ttl 2w" "198.51.100.128/25: added to the block list, expires in 1209600 s" \
	"$(vosfp_cli block 198.51.100.128/25 --ttl 2w)"

agent_start
vosfp_cli unban $CLI4_A >/dev/null
check "the socket: root's permanent ban" "ok banned $CLI4_A ttl=0" \
	"$($CTL ask "$SOCK" "ban $CLI4_A permanent")"
check "... listed through the socket as permanent" permanent \
	"$(VOSFP_CONTROL=$SOCK as_user "$VOSFP" list bans | awk -v a=$CLI4_A '$1 == a { print $2 }')"
check "... and in its JSON" True \
	"$(VOSFP_CONTROL=$SOCK as_user "$VOSFP" list bans --json | python3 -c 'import json, sys
print([x for x in json.load(sys.stdin)["bans"] if x["address"] == sys.argv[1]][0]["permanent"])' \
	$CLI4_A)"
check "... its frames are dropped" 0 "$(sip_from $CLI4_A 1)"
out=$(VOSFP_CONTROL=$SOCK as_user "$VOSFP" ban $CLI4_C --permanent 2>&1) || true
check "a non-root permanent ban is refused (--max-ttl 1y)" 1 \
	"$(grep -c 'permanent, above the maximum TTL of 31536000 s' <<<"$out")"
check "... and nothing is banned" "" "$(row $CLI4_C)"
check "a non-root 200-day ban is taken" "$CLI4_C: banned for 17280000 seconds" \
	"$(VOSFP_CONTROL=$SOCK as_user "$VOSFP" ban $CLI4_C --ttl 200d)"
check "the socket takes 0 for permanent" "ok banned $CLI4_C ttl=0" \
	"$($CTL ask "$SOCK" "ban $CLI4_C 0")"
check "... and refuses 11 years" 1 \
	"$($CTL ask "$SOCK" "ban $CLI4_C 11y" | grep -c '^error invalid')"

[ "$fails" -eq 0 ] || { echo "--- agent log"; cat "$T_TMP/agent.log"; exit 1; }
