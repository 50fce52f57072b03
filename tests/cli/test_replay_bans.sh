#!/usr/bin/env bash
# vosfp replay with more bans on the live root than its scratch root's table
# of bans by hand can take (a full table by hand and one automatic ban): the
# dry run must refuse, with the reason, rather than run without the bans
# that did not fit; the scratch root is removed and the live bans stay.
# usage: test_replay_bans.sh VOSFP_BINARY FILL_BANS
set -euo pipefail
. "$(dirname "$0")/../lib.sh" # check, skip, v, finish
VOSFP=$1 FILL=$2
require_root "the program is loaded for the dry run"
dir=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d /tmp/vosfp-replay-bans.XXXXXX)
t_pin_root treplaybans
trap 'rm -rf "$tmp"; t_pin_cleanup' EXIT
trap 'exit 130' INT TERM

filled=$("$FILL" "$pin") || { rc=$?; [ $rc = 77 ] && skip "$filled"; exit $rc; }
check "the live root holds a full table and one more" "65536 by hand, 1 automatic" "$filled"
python3 "$dir/make_capture.py" "$tmp/c.pcap" pcap
rc=0
v replay "$tmp/c.pcap" >"$tmp/out" 2>"$tmp/err" || rc=$?
check "replay refuses (operational error)" 1 "$rc"
check "it says why" 1 "$(grep -c 'copying the policy: .*ban table full' "$tmp/err")"
check "it prints no result" "" "$(cat "$tmp/out")"
check "no scratch root is left" "" "$(ls -d "$pin"-replay-* 2>/dev/null || true)"
check "the live bans stay" 65537 "$(v list bans | wc -l)"
finish replay-bans
