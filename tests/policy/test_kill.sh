#!/usr/bin/env bash
# kill -9 during load --replace: whenever the writer dies, the list is
# exactly the old one or exactly the new one (never a mix, never empty), and
# the next replace works (the lock died with the writer). The delays spread
# the kills over the whole replace, including its very start and after it.
# usage: test_kill.sh VOSFP_BINARY
set -euo pipefail
. "$(dirname "$0")/lib.sh" pkill "$1"

# Old: 1000 /24s, one expiring host and an IPv6 prefix. New: 60000 /24s
# elsewhere, near the default capacity (65536), so that replacing is slow.
python3 - "$tmp" <<'PY'
import sys
d = sys.argv[1]
with open(d + "/old.txt", "w") as f:
    for i in range(1000):
        print("10.%d.%d.0/24" % (i // 256, i % 256), file=f)
    print("192.0.2.7/32 ttl=1d\n2001:db8::/32", file=f)
with open(d + "/new.txt", "w") as f:
    for i in range(60000):
        print("11.%d.%d.0/24" % (i // 256, i % 256), file=f)
PY
# The canonical listing of each, as `vosfp list` prints it (TTLs cut).
canon() { cut -d' ' -f1 | sort; }
canon <"$tmp/old.txt" >"$tmp/old.sorted"
canon <"$tmp/new.txt" >"$tmp/new.sorted"
state() {
	v list block | canon >"$tmp/now.sorted"
	if cmp -s "$tmp/now.sorted" "$tmp/old.sorted"; then echo old
	elif cmp -s "$tmp/now.sorted" "$tmp/new.sorted"; then echo new
	else echo "mixed ($(wc -l <"$tmp/now.sorted") entries)"; fi
}

time_ms() { date +%s%N | cut -b1-13; }
v load block "$tmp/old.txt" --replace >/dev/null
t0=$(time_ms)
v load block "$tmp/new.txt" --replace >/dev/null
took=$(($(time_ms) - t0))
echo "a replace takes ${took} ms here"
seen=""
for i in 1 2 3 4 5 6 7 8; do
	v load block "$tmp/old.txt" --replace >/dev/null
	check "iteration $i: the replace after a kill works" old "$(state)"
	# From 0 to 1.2 times the measured duration, in eight steps with jitter.
	delay_ms=$((took * (i - 1) * 12 / 70 + RANDOM % 20))
	# The binary itself, not the v function: $! must be the writer's pid.
	"$VOSFP" --pin-root "$pin" load block "$tmp/new.txt" --replace >/dev/null 2>&1 &
	writer=$!
	sleep "$(printf '0.%03d' $((delay_ms > 999 ? 999 : delay_ms)))"
	kill -9 $writer 2>/dev/null || true
	wait $writer 2>/dev/null || true
	s=$(state)
	echo "     killed after ${delay_ms} ms: the list is the $s one"
	case $s in old | new) check "iteration $i: old or new after kill -9" ok ok ;;
	*) check "iteration $i: old or new after kill -9" "old or new" "$s" ;; esac
	seen="$seen $s"
done
echo "     outcomes:$seen"
v load block "$tmp/new.txt" --replace >/dev/null
check "a last replace completes" new "$(state)"
check "the count matches the listing" 60000 "$(v status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["lists"]["block"])')"
finish policy-kill
