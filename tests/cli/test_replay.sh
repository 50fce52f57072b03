#!/usr/bin/env bash
# vosfp replay on pcap and pcapng captures: the verdicts and top sources are
# those of the current policy, and the dry run leaves the live counters and
# ban list untouched. usage: test_replay.sh VOSFP_BINARY
set -euo pipefail
. "$(dirname "$0")/../lib.sh" # check, skip, v, wait_for
VOSFP=$1
[ "$(id -u)" = 0 ] || skip "needs root (the program is loaded for the dry run)"
dir=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d /tmp/vosfp-replay.XXXXXX)
t_pin_root treplay
trap 'rm -rf "$tmp"; t_pin_cleanup' EXIT
field() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

v allow 192.0.2.10 >/dev/null
for format in pcap pcapng; do
	python3 "$dir/make_capture.py" "$tmp/c.$format" $format
	out=$(v replay "$tmp/c.$format" --json)
	check "$format: 15 packets read" 15 "$(field 'd["packets"]' <<<"$out")"
	check "$format: the DNS query is not ours" 1 "$(field 'd["not_ours"]' <<<"$out")"
	check "$format: 5 stealth from the OPTIONS scanner" "5 192.0.2.66" \
		"$(field 'd["reasons"]["stealth"]["packets"], d["reasons"]["stealth"]["top_sources"][0]["source"]' <<<"$out")"
	check "$format: the UA scanner caught, then banned" "1 2" \
		"$(field 'd["reasons"]["scanner"]["packets"], d["reasons"]["banned"]["packets"]' <<<"$out")"
	check "$format: the trusted peer passes" 4 "$(field 'd["reasons"]["allowed"]["packets"]' <<<"$out")"
	check "$format: junk is malformed" 2 "$(field 'd["reasons"]["malformed"]["packets"]' <<<"$out")"
done
check "the live counters did not move" 0 \
	"$(v stats --json | field 'sum(c["packets"] for c in d["counters"].values())')"
check "nobody was banned for real" "" "$(v list bans)"
check "no scratch root is left" "" "$(ls -d "$pin"-replay-* 2>/dev/null || true)"
out=$(v replay "$tmp/c.pcap" --verbose)
check "--verbose prints a line per packet" 15 "$(grep -cE '^[0-9]+ (drop|pass) ' <<<"$out")"
check "a missing file is an operational error" 1 "$(v replay "$tmp/none.pcap" >/dev/null 2>&1; echo $?)"
check "no file is a usage error" 2 "$(v replay >/dev/null 2>&1; echo $?)"
echo "replay: $fails failed"
[ $fails -eq 0 ]
