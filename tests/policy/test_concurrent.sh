#!/usr/bin/env bash
# Concurrent writers serialise on the pin root's lock: three processes each
# adding 150 distinct prefixes at once lose none; a replace racing with adds
# leaves a list whose count equals its listing and which holds the replaced
# file plus only adds that came after it.
# usage: test_concurrent.sh VOSFP_BINARY POLICY_WRITER
set -euo pipefail
. "$(dirname "$0")/lib.sh" pconc "$1"
WRITER=$2

N=100
# adder W: N adds of 10.W.x.y in one process (a `vosfp block` per add would
# spend its time loading the program, not contending for the lock).
adder() { "$WRITER" "$pin" "$1" $N 2>&1 || echo "writer $1 failed"; }
v block 192.0.2.0/24 >/dev/null # the root exists before the race
adder 1 >"$tmp/w1" & p1=$!
adder 2 >"$tmp/w2" & p2=$!
adder 3 >"$tmp/w3" & p3=$!
wait $p1 $p2 $p3
check "no add failed" "" "$(cat "$tmp"/w1 "$tmp"/w2 "$tmp"/w3)"
check "the final count is exactly the sum" $((3 * N + 1)) "$(v list block | wc -l)"
check "status counts the same" $((3 * N + 1)) \
	"$(v status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["lists"]["block"])')"

# A replace with 500 entries of its own while two writers add.
python3 -c 'for i in range(500): print("172.16.%d.%d/32" % (i // 256, i % 256))' >"$tmp/repl.txt"
adder 4 >"$tmp/w4" & p4=$!
adder 5 >"$tmp/w5" & p5=$!
sleep 0.05
v load block "$tmp/repl.txt" --replace >/dev/null
wait $p4 $p5
v list block >"$tmp/final"
check "the count matches the listing" "$(wc -l <"$tmp/final")" \
	"$(v status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["lists"]["block"])')"
check "the replaced file is all there" 500 "$(grep -c '^172\.16\.' "$tmp/final")"
check "nothing from before the replace survives" 0 "$(grep -cE '^(192\.0\.2|10\.[123])\.' "$tmp/final" || true)"
# Each writer's adds after the replace are a suffix of its sequence: the
# adds before the replace were swept away, none after it was lost.
for w in 4 5; do
	got=$(grep -c "^10\.$w\." "$tmp/final" || true)
	first=$((N - got + 1))
	want=$(seq $first $N | while read -r i; do echo "10.$w.$((i / 256)).$((i % 256))/32"; done | sort)
	check "writer $w: the $got adds after the replace all stayed" "$want" \
		"$(grep "^10\.$w\." "$tmp/final" | sort)"
done
finish policy-concurrent
