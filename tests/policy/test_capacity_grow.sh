#!/usr/bin/env bash
# A first load that fails for capacity (70,000 hosts into a new root of
# the default 65,536) leaves a root that takes the retry with a larger
# --block-capacity: the capacity is raised in place, the list in force
# stays until the retry replaces it, and a smaller figure is still refused.
# usage: test_capacity_grow.sh VOSFP_BINARY
set -euo pipefail
. "$(dirname "$0")/lib.sh" pcapgrow "$1"

python3 -c 'for i in range(70000): print("10.%d.%d.%d" % (i >> 16, (i >> 8) & 255, i & 255))' \
	>"$tmp/70k.txt"
set +e
err=$(v load block "$tmp/70k.txt" --replace 2>&1 >/dev/null)
rc=$?
set -e
check "the first load fails for capacity" 1 "$rc"
check "and says so" 1 "$(grep -c 'needs 70000 entries, its capacity is 65536' <<<"$err")"
check "the list is still empty" 0 "$(v list block | wc -l)"
set +e
err=$(v --block-capacity 100000 load block "$tmp/70k.txt" --replace 2>&1 >"$tmp/out")
rc=$?
set -e
check "the retry with --block-capacity 100000 succeeds" 0 "$rc"
check "it says the capacity was raised" 1 \
	"$(grep -c "block capacity raised from 65536 to 100000" <<<"$err")"
check "the list is the file" 70000 "$(v list block | wc -l)"
check "status shows the new capacity" 1 \
	"$(v status | grep -c '^block list: 70000 prefixes (capacity 100000)$')"
check "later commands need not repeat it" 0 "$(v block 192.0.2.1 >/dev/null; echo $?)"
check "the same figure again is fine, silently" "" \
	"$(v --block-capacity 100000 list block 2>&1 >/dev/null)"
set +e
err=$(v --block-capacity 65536 list block 2>&1 >/dev/null)
rc=$?
set -e
check "a smaller figure is refused" 1 "$rc"
check "and named" 1 "$(grep -c 'capacity 100000, not 65536; a list.s capacity can be raised, not lowered' <<<"$err")"
check "the capacity stayed" 100000 \
	"$(v status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["capacities"]["block"])')"
# A raised root's entries are seen by the program: a dry run blocks them.
v block 192.0.2.66 >/dev/null
python3 "$(dirname "$0")/../cli/make_capture.py" "$tmp/c.pcap" pcap
check "a dry run on the raised root sees its entries" 5 \
	"$(v replay "$tmp/c.pcap" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["reasons"]["blocked"]["packets"])')"
finish capacity-grow
