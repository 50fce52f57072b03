#!/usr/bin/env bash
# vosfp replay stopped by SIGTERM, SIGINT or SIGHUP mid-way removes its
# scratch pin root (about 37 MB of kernel memory each, kept by bpffs until
# reboot) and exits with 128 + the signal; the root a replay killed with
# SIGKILL leaves is swept by the next replay, and a live replay's is not.
# usage: test_replay_signal.sh VOSFP_BINARY
set -euo pipefail
. "$(dirname "$0")/../lib.sh" # check, skip, v, wait_for
VOSFP=$1
[ "$(id -u)" = 0 ] || skip "needs root (the program is loaded for the dry run)"
dir=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d /tmp/vosfp-rsig.XXXXXX)
pin=/sys/fs/bpf/vosfp-trsig-$$-$RANDOM
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
	for r in "$pin"-replay-*; do
		[ -d "$r" ] && { rm -f "$r"/* 2>/dev/null; rmdir "$r"/owner "$r"; } 2>/dev/null || true
	done
	rm -rf "$tmp" "$pin"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# In the background without a subshell between: $! is vosfp's own PID,
# the one its scratch root is named after and the signals go to.
bg_replay() { # OUT
	"$VOSFP" --pin-root "$pin" replay "$tmp/big.pcap" --verbose >"$1" 2>"$1.err" &
}
lines_over() { [ "$(wc -l <"$1")" -gt "$2" ]; }

# 20,000 times the 15 frames: far more than a replay gets through before
# the signal, which is sent once it is visibly running.
python3 "$dir/make_capture.py" "$tmp/big.pcap" pcap 20000
v block 192.0.2.0/25 >/dev/null
sig_no() { kill -l "$1"; }
for sig in TERM INT HUP; do
	bg_replay "$tmp/out.$sig"
	pid=$!
	pids+=("$pid")
	check "$sig: the replay is running with its scratch root" ok \
		"$(wait_for 30 lines_over "$tmp/out.$sig" 1000 && [ -d "$pin-replay-$pid" ] && echo ok)"
	kill -s "$sig" "$pid"
	set +e
	wait "$pid"
	rc=$?
	set -e
	check "$sig: exit status 128 + the signal" $((128 + $(sig_no "$sig"))) "$rc"
	check "$sig: stopped mid-way" 1 "$(($(wc -l <"$tmp/out.$sig") < 300000))"
	check "$sig: the scratch root is gone" no "$([ -e "$pin-replay-$pid" ] && echo yes || echo no)"
	check "$sig: and says so" 1 "$(grep -c 'stopped; scratch root removed' "$tmp/out.$sig.err")"
done

# A live replay's root must survive the sweep: it starts first, so that
# the dead one's root is there for the last replay to sweep.
bg_replay "$tmp/out.live"
live=$!
pids+=("$live")
check "a replay runs" ok "$(wait_for 30 lines_over "$tmp/out.live" 1000 && echo ok)"
# SIGKILL cannot be caught: the root stays, until the next replay.
bg_replay "$tmp/out.kill"
dead=$!
pids+=("$dead")
check "KILL: a second replay is running" ok "$(wait_for 30 lines_over "$tmp/out.kill" 1000 && echo ok)"
kill -9 "$dead"
wait "$dead" 2>/dev/null || true
check "KILL: the stale scratch root is left" yes "$([ -d "$pin-replay-$dead" ] && echo yes || echo no)"
python3 "$dir/make_capture.py" "$tmp/small.pcap" pcap
out=$(v replay "$tmp/small.pcap" --json 2>"$tmp/err.sweep")
check "the next replay sweeps the dead one's root" no \
	"$([ -e "$pin-replay-$dead" ] && echo yes || echo no)"
check "and names it" 1 "$(grep -c "removed the stale scratch root $pin-replay-$dead (process $dead is gone)" "$tmp/err.sweep")"
check "the live replay's root is kept" yes "$([ -d "$pin-replay-$live" ] && echo yes || echo no)"
check "the sweeping replay's own result" 15 \
	"$(python3 -c 'import json,sys; print(json.load(sys.stdin)["packets"])' <<<"$out")"
# A PID from another PID namespace looks dead: a root whose owner lock is
# held (here by flock(1) on its owner directory) is kept all the same.
true &
gone=$!
wait "$gone"
planted=$pin-replay-$gone
mkdir -p "$planted/owner"
# One process holds it (flock on an inherited descriptor, then exec), so
# that killing it drops the lock at once.
bash -c 'exec 9<"$1" && flock 9 && exec sleep 120' _ "$planted/owner" &
holder=$!
pids+=("$holder")
wait_for 10 bash -c "! flock -n '$planted/owner' true" || true
v replay "$tmp/small.pcap" >/dev/null 2>&1
check "a root whose owner lock is held is kept" yes "$([ -d "$planted" ] && echo yes || echo no)"
kill "$holder"
wait "$holder" 2>/dev/null || true
v replay "$tmp/small.pcap" >/dev/null 2>&1
check "once the lock is gone, it is swept" no "$([ -e "$planted" ] && echo yes || echo no)"
kill -TERM "$live"
wait "$live" 2>/dev/null || true
check "no scratch root is left at the end" "" "$(ls -d "$pin"-replay-* 2>/dev/null || true)"
echo "replay-signal: $fails failed"
[ $fails -eq 0 ]
