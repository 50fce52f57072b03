#!/usr/bin/env bash
# Policy from the command line: --ttl shows in list and lapses; load is all
# or nothing with FILE:LINE errors; load --replace makes the file the list.
# usage: test_cli.sh VOSFP_BINARY
set -euo pipefail
. "$(dirname "$0")/lib.sh" pcli "$1"

v block 198.51.100.7 >/dev/null
v allow 203.0.113.5 --ttl 1h >/dev/null
v block 192.0.2.0/24 --ttl 2 >/dev/null
listed=$(v list block) # at once: on a loaded machine the 2 s go fast
# The seconds left are rounded up: 2, or 1 if the listing came late.
check "the TTL shows in list" 1 "$(grep -cE '^192\.0\.2\.0/24 ttl=[12]$' <<<"$listed")"
check "a permanent entry has none" "198.51.100.7/32" "$(grep '^198\.' <<<"$listed")"
# Seconds left, not a time: a loaded or sanitized run may list it a minute late.
ttl_left() { awk -v p="$1" '$1 == p && $2 ~ /^ttl=/ { print substr($2, 5) }'; }
check "allow takes a TTL too" 1 "$(v list allow | ttl_left 203.0.113.5/32 |
	awk '{ print ($1 > 3540 && $1 <= 3600) }')"
check "JSON carries the ttl" "203.0.113.5/32 True" "$(v list allow --json |
	python3 -c 'import json,sys; print("|".join("%s %s" % (e["prefix"], 3590 <= e["ttl"] <= 3600) for e in json.load(sys.stdin)["prefixes"]))')"
check "JSON: 0 for a permanent entry" 0 "$(v list block --json |
	python3 -c 'import json,sys; print([e["ttl"] for e in json.load(sys.stdin)["prefixes"] if e["prefix"].startswith("198.")][0])')"
sleep 3
check "the expired entry is gone from list" "198.51.100.7/32" "$(v list block)"
check "a bad duration is a usage error" 2 "$(v block 192.0.2.0/24 --ttl 5x >/dev/null 2>&1; echo $?)"
# --ttl 0 is --permanent (tests/agent/test_permanent.sh); any other zero is a typo.
check "a zero duration other than 0 is a usage error" 2 \
	"$(v block 192.0.2.0/24 --ttl 0s >/dev/null 2>&1; echo $?)"

before=$(v list block)
printf '# peers we never want\n10.0.0.0/16 ttl=1h # a comment\n\n10.1.2.0/24\n10.9.9.9/24\n10.3.0.0/16\n' >"$tmp/bad.txt"
set +e
err=$(v load block "$tmp/bad.txt" 2>&1 >/dev/null)
rc=$?
set -e
check "a bad line fails the load" 1 "$rc"
check "the error names the file and line 5" 1 "$(grep -c "bad.txt:5:" <<<"$err")"
check "a bad line changes nothing" "$before" "$(v list block)"
check "nor does it with --replace" "1 $before" \
	"$(v load block "$tmp/bad.txt" --replace >/dev/null 2>&1 || echo -n "$? "; v list block)"

# Files of a megabyte and more are parsed in two halves: line numbers and
# the first error must come out as for one pass.
python3 - "$tmp" <<'PY'
import sys
d = sys.argv[1]
lines = ["100.%d.%d.0/24 # padding to make the file big" % (i // 256, i % 256) for i in range(40000)]
def write(name, bad):
    out = list(lines)
    for n in bad:
        out[n - 1] = "100.0.0.1/24"
    with open(d + "/" + name, "w") as f:
        f.write("\n".join(out) + "\n")
write("big.txt", [])
write("big-late.txt", [39000])
write("big-both.txt", [7, 39000])
PY
check "the big files are big enough to be split" 1 "$(($(stat -c %s "$tmp/big.txt") >= 1048576))"
set +e
err=$(v load block "$tmp/big-late.txt" --replace 2>&1 >/dev/null)
check "a bad line in the second half is named by its line" 1 "$(grep -c "big-late.txt:39000:" <<<"$err")"
err=$(v load block "$tmp/big-both.txt" --replace 2>&1 >/dev/null)
check "of two bad lines, the first is named" 1 "$(grep -c "big-both.txt:7:" <<<"$err")"
set -e
check "the bad big files changed nothing" "$before" "$(v list block)"
check "a big file loads whole" 40000 "$(v --block-capacity 65536 load block "$tmp/big.txt" --replace >/dev/null && v list block | wc -l)"
printf '%s\n' "$before" >"$tmp/before.txt" # list prints the file format
v load block "$tmp/before.txt" --replace >/dev/null

sed -i 's|^10.9.9.9/24$|10.9.9.0/24|' "$tmp/bad.txt"
out=$(v load block "$tmp/bad.txt")
check "load adds and counts the entries" 1 "$(grep -c ' 4 entries' <<<"$out")"
check "load keeps what was there" 5 "$(v list block | wc -l)"
printf '172.16.0.0/12\n2001:db8::/32 ttl=2d\n' >"$tmp/new.txt"
v load block "$tmp/new.txt" --replace >/dev/null
check "load --replace replaces" "172.16.0.0/12|2001:db8::/32" \
	"$(v list block | cut -d' ' -f1 | paste -sd'|')"
check "load --replace keeps the file's TTL" 1 "$(v list block | ttl_left 2001:db8::/32 |
	awk '{ print ($1 > 172740 && $1 <= 172800) }')"
check "the other list is untouched" "203.0.113.5/32" "$(v list allow | cut -d' ' -f1)"
: >"$tmp/empty.txt"
v load block "$tmp/empty.txt" --replace >/dev/null
check "an empty file with --replace empties the list" "" "$(v list block)"
check "a missing file is an operational error" 1 "$(v load block "$tmp/none" >/dev/null 2>&1; echo $?)"
check "load without a file is a usage error" 2 "$(v load block >/dev/null 2>&1; echo $?)"

# Capacities: set with the root, named by status, a smaller figure is an error.
big=$pin-big
trap 'cleanup_extra; rm -rf "$tmp" "$pin" "$big"' EXIT
python3 -c 'for i in range(70000): print("10.%d.%d.%d" % (i >> 16, (i >> 8) & 255, i & 255))' >"$tmp/70k.txt"
check "the default root holds 65536: 70,000 hosts do not fit" 1 \
	"$(v load block "$tmp/70k.txt" --replace >/dev/null 2>&1; echo $?)"
check "status names the default capacity" 1 "$(v status | grep -c '^block list: 0 prefixes (capacity 65536)$')"
check "a root made with --block-capacity 100000 takes them" 0 \
	"$("$VOSFP" --pin-root "$big" --block-capacity 100000 load block "$tmp/70k.txt" --replace >/dev/null; echo $?)"
check "status shows it, text and JSON" "block list: 70000 prefixes (capacity 100000)|100000 4096" \
	"$("$VOSFP" --pin-root "$big" status | grep '^block list' | paste -sd'|')|$("$VOSFP" --pin-root "$big" status --json |
		python3 -c 'import json,sys; c = json.load(sys.stdin)["capacities"]; print(c["block"], c["allow"])')"
set +e
err=$("$VOSFP" --pin-root "$big" --block-capacity 65536 list block 2>&1 >/dev/null)
rc=$?
set -e
check "another capacity on that root fails" 1 "$rc"
check "and names both figures" 1 "$(grep -c 'created with block capacity 100000, not 65536' <<<"$err")"
check "the same capacity is fine" 70000 "$("$VOSFP" --pin-root "$big" --block-capacity 100000 list block | wc -l)"
check "a capacity of 0 is a usage error" 2 "$(v --block-capacity 0 status >/dev/null 2>&1; echo $?)"
check "so is one that is not a number" 2 "$(v --allow-capacity 1k status >/dev/null 2>&1; echo $?)"
check "one above the library's maximum is an operational error" 1 \
	"$("$VOSFP" --pin-root "$pin-huge" --block-capacity 4000000000 status >/dev/null 2>&1; echo $?)"
check "and leaves no root behind" no "$([ -e "$pin-huge" ] && echo yes || echo no)"
finish policy-cli
