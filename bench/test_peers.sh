#!/usr/bin/env bash
# The smoke test of bench/peers.sh: a run of one round of 1,000 runs
# completes, prints every class of both families with vosfp's verdict the
# expected one and xdp-filter's a verdict (drop for the sources it was told
# to block), and leaves nothing behind: its network namespace, its pin root,
# xdp-filter's program and any pin of xdp-filter's in the machine's bpffs.
# Bad usage is refused before anything is made. Never a time.
# usage: test_peers.sh PEERS_SH BUILD_DIR
set -euo pipefail
. "$(dirname "$0")/../tests/lib.sh" # check, finish, skip, require_*, wait_for
peers=$1 build=$2
require_root "network namespaces, XDP, BPF_PROG_TEST_RUN"
require_tools "iproute2, util-linux, xdp-tools, bpftool" ip nsenter unshare xdp-filter bpftool

out=$(mktemp -d)
# shellcheck disable=SC2317 # called by the trap
cleanup() { rm -rf "$out"; }
trap cleanup EXIT

netns_now() { ip netns list | grep -c '^vpeers-' || true; }

# Refused before anything is made, with the reason.
before=$(netns_now)
rc=0
"$peers" "$build" --rounds x >/dev/null 2>"$out/err" || rc=$?
check "a bad --rounds is a usage error (exit 2)" 2 "$rc"
check "naming the option" 1 "$(grep -c -- "--rounds: a number" "$out/err")"
rc=0
"$peers" "$build" --compare "$out/none.o" >/dev/null 2>"$out/err" || rc=$?
check "a missing --compare object is refused (exit 1)" 1 "$rc"
check "naming it" 1 "$(grep -c "none.o: no such readable file" "$out/err")"
rc=0
"$peers" "$build" --runs 0 >/dev/null 2>"$out/err" || rc=$?
check "--runs 0 is a usage error (exit 2)" 2 "$rc"
check "naming the range" 1 "$(grep -c -- "--runs: 1 to 51" "$out/err")"
check "no network namespace was made" "$before" "$(netns_now)"

# A real run, the old object the same as the new: both columns filled.
rc=0
"$peers" "$build" --rounds 1 --repeat 1000 --csv --compare "$build/bpf/vosfp.bpf.o" \
	>"$out/csv" 2>"$out/err" || rc=$?
check "peers.sh completes (exit 0)" 0 "$rc"
[ $rc = 0 ] || cat "$out/err"
grep -v '^#' "$out/csv" | tail -n +2 >"$out/rows" || true
check "18 classes, 9 of each family" "9 9" \
	"$(grep -c ',v4,' "$out/rows" || true) $(grep -c ',v6,' "$out/rows" || true)"
for class in "non-SIP UDP (port 53)" "blocked prefix" "blocked host" "stealth OPTIONS" \
	"malformed (binary)" "keep-alive CRLFCRLF" "scanner REGISTER (UA 7th)" \
	"600 B INVITE (allowed)" "600 B INVITE (unknown)"; do
	check "class '$class' in both families" 2 "$(grep -cF "$class" "$out/rows" || true)"
done
check "every row has the 20 fields of the header" "" \
	"$(awk -F, 'NF != 20 { print $1 }' "$out/rows")"
# expected (16), vosfp (17), xdp-filter (18), old (19) verdicts.
check "vosfp's verdict is the expected one on every class" "" \
	"$(awk -F, '$16 != $17 { print $1 }' "$out/rows")"
check "the old object's too" "" "$(awk -F, '$16 != $19 { print $1 }' "$out/rows")"
check "xdp-filter drops the 4 blocked classes" 4 \
	"$(awk -F, '$1 ~ /^blocked/ && $18 == "drop"' "$out/rows" | wc -l)"
check "and passes the 14 others" 14 \
	"$(awk -F, '$1 !~ /^blocked/ && $18 == "pass"' "$out/rows" | wc -l)"
check "the verifier's count is printed" 1 "$(grep -cE '^# verified_insns vosfp [0-9]+' "$out/csv")"

# Two loads: the paired difference on every row, the verdicts the expected
# ones in both.
rc=0
"$peers" "$build" --runs 2 --rounds 1 --repeat 1000 --csv --compare "$build/bpf/vosfp.bpf.o" \
	>"$out/runs" 2>"$out/err" || rc=$?
check "peers.sh --runs 2 completes (exit 0)" 0 "$rc"
[ $rc = 0 ] || cat "$out/err"
check "it says it made 2 loads" 1 "$(grep -c '^# 2 load(s) of 1 rounds' "$out/runs")"
check "the verifier's count is printed once" 1 "$(grep -c '^# verified_insns' "$out/runs")"
grep -v '^#' "$out/runs" | tail -n +2 >"$out/rows2" || true
check "18 rows, each with its paired difference" 18 \
	"$(awk -F, '$20 ~ /^-?[0-9]+\.[0-9]$/' "$out/rows2" | wc -l)"
check "vosfp's verdict is the expected one on every class" "" \
	"$(awk -F, '$16 != $17 { print $1 }' "$out/rows2")"

# Nothing left behind.
ns=$(sed -n 's/^# netns \([^,]*\), pin root \(.*\)$/\1/p' "$out/csv")
pin=$(sed -n 's/^# netns \([^,]*\), pin root \(.*\)$/\2/p' "$out/csv")
prog=$(sed -n 's/^# xdp-filter .*(id \([0-9]*\)).*$/\1/p' "$out/csv")
dev=vpr${ns#vpeers-}a
check "the run named its netns, pin root and xdp-filter's program" 1 \
	"$([ -n "$ns" ] && [ -n "$pin" ] && [ -n "$prog" ] && echo 1)"
check "its netns is gone" 0 "$(ip netns list | grep -c "^${ns:-none}\b" || true)"
check "its pin root is gone" 0 "$([ -e "$pin" ] && echo 1 || echo 0)"
gone() { ! bpftool prog show id "$prog" >/dev/null 2>&1; }
# The kernel frees a detached program a moment later (RCU): wait for it.
check "xdp-filter's program is gone" 0 "$(wait_for 10 gone && echo 0 || echo 1)"
check "xdp-filter pinned nothing in the machine's bpffs" 0 \
	"$([ -e "/sys/fs/bpf/xdp-filter/programs/$dev" ] && echo 1 || echo 0)"

# A TERM in the middle of a run: exit 130, and still nothing left behind.
"$peers" "$build" --rounds 2 --repeat 1000000 >"$out/term" 2>&1 &
run=$!
started() { grep -q '^# netns ' "$out/term"; }
if wait_for 60 started; then
	kill -TERM "$run"
fi
rc=0
wait "$run" || rc=$?
check "a TERM mid-run ends it with exit 130" 130 "$rc"
ns=$(sed -n 's/^# netns \([^,]*\), pin root \(.*\)$/\1/p' "$out/term")
pin=$(sed -n 's/^# netns \([^,]*\), pin root \(.*\)$/\2/p' "$out/term")
check "and removes its netns" 0 "$(ip netns list | grep -c "^${ns:-none}\b" || true)"
check "and its pin root" 0 "$([ -e "${pin:-/none}" ] && echo 1 || echo 0)"
finish test_peers
