#!/usr/bin/env bash
# load and sync refuse what is not a policy file, with a clear error and
# the lists unchanged: /dev/zero (would fill memory), a FIFO (would block
# forever), a directory, a file larger than the list could ever hold, and
# a line longer than VOSFP_POLICY_LINE_MAX. Each run is bounded in time and
# memory, so that the old behaviour fails the test instead of hanging it.
# usage: test_files.sh VOSFP_BINARY
set -euo pipefail
. "$(dirname "$0")/lib.sh" pfiles "$1"
# bounded's ulimit -v leaves no room for AddressSanitizer's shadow memory.
if ldd "$VOSFP" 2>/dev/null | grep -q libasan; then
	skip "the tool is built with AddressSanitizer, which cannot run under ulimit -v"
fi

printf '192.0.2.0/24\n198.51.100.7\n' >"$tmp/good.txt"
v --block-capacity 10 load block "$tmp/good.txt" --replace >/dev/null
want=$(v list block | paste -sd'|')
mkfifo "$tmp/fifo"
mkdir "$tmp/dir"
# 11 lines of 513 bytes: one more line of the longest length than a
# capacity of 10 lets in, whatever the lines say.
for i in $(seq 11); do printf '#%511s\n' x; done >"$tmp/big.txt"
{ printf '203.0.113.1 # '; printf '%600s\n' x; } >"$tmp/long.txt"

# bounded RUN...: at most 20 s and 2 GB of address space.
bounded() { (ulimit -v 2000000; timeout 20 "$@"); }
try() { # NAME WANT_MESSAGE COMMAND...
	local name=$1 msg=$2 rc
	shift 2
	set +e
	err=$(bounded "$@" 2>&1 >/dev/null)
	rc=$?
	set -e
	check "$name: an operational error" 1 "$rc"
	check "$name: says why" 1 "$(grep -c -- "$msg" <<<"$err" || true)"
	check "$name: the list is unchanged" "$want" "$(v list block | paste -sd'|')"
}
for cmd in load sync; do
	args() { if [ "$cmd" = load ]; then echo "load block $1 --replace"; else echo "sync block=$1"; fi; }
	# shellcheck disable=SC2046
	{
	try "$cmd /dev/zero" "/dev/zero: not a regular file (a character device)" \
		"$VOSFP" --pin-root "$pin" $(args /dev/zero)
	try "$cmd a FIFO" "fifo: not a regular file (a FIFO)" "$VOSFP" --pin-root "$pin" $(args "$tmp/fifo")
	try "$cmd a directory" "dir: not a regular file (a directory)" \
		"$VOSFP" --pin-root "$pin" $(args "$tmp/dir")
	try "$cmd an oversized file" "more than the block list can ever hold" \
		"$VOSFP" --pin-root "$pin" $(args "$tmp/big.txt")
	try "$cmd a line too long" "long.txt:1: line longer than 512 bytes" \
		"$VOSFP" --pin-root "$pin" $(args "$tmp/long.txt")
	}
done
# Two files of a list together past the bound: the sum counts too.
head -c 3000 "$tmp/big.txt" >"$tmp/half1.txt"
head -c 3000 "$tmp/big.txt" >"$tmp/half2.txt"
try "sync two files past the bound together" "more than the block list can ever hold" \
	"$VOSFP" --pin-root "$pin" sync block="$tmp/half1.txt" block="$tmp/half2.txt"
# A file that says it is small and is not: /proc/self/maps has a size of 0
# and some kilobytes of content, like a file that grows while it is read.
# On a root of capacity 1 (513 bytes) the read stops at the bound.
one=$pin-one
cleanup_extra() { rm_sync_state "$one"; rm -rf "$one"; }
set +e
err=$(bounded "$VOSFP" --pin-root "$one" --block-capacity 1 load block /proc/self/maps 2>&1)
rc=$?
set -e
check "a file growing past the bound: an operational error" 1 "$rc"
check "the read stops at the bound" 1 "$(grep -c 'maps: grew past 513 bytes' <<<"$err")"
check "a file of exactly the bound still loads" 0 \
	"$(head -c 5130 "$tmp/big.txt" >"$tmp/edge.txt"; v load block "$tmp/edge.txt" >/dev/null; echo $?)"
check "a good file still loads" 2 "$(v load block "$tmp/good.txt" --replace | grep -o '2 entries' | cut -c1)"
finish files
