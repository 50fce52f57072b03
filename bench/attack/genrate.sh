#!/usr/bin/env bash
# How fast the attack benchmark's generators can send the junk flood on this
# machine, with one and with two generator processes: trafgen (the default
# flood's) and spoof_gen (the spoofed flood's, bench/attack/spoof_gen.c):
# the ceiling of attack.sh --spoof-flood. Two namespaces made here, joined by a
# veth pair made here; the receiving end drops everything at once with
# xdp-filter (policy deny, native mode), so what is measured is the sender
# and the veth, not a receiver's stack. Removed on every exit path.
#
# usage: sudo bench/attack/genrate.sh [--build DIR | --gen PATH] [--secs S] [--cpus LIST] [--plain]
#   --gen PATH   the C generator: spoof_gen or live_gen (default
#                DIR/bench/spoof_gen, DIR default build)
#   --secs S     seconds per measurement, bounded by count and by time (default 5)
#   --cpus LIST  generator process counts to measure (default 1,2)
#   --plain      attack.sh's default templates instead of the spoofed ones
# Prints one line per measurement: processes, packets, wall seconds, pps.
set -euo pipefail
ATK_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SECS=5 CPUS=1,2 SPOOF=--spoof BUILD=build GEN="" QUEUES=1
while [ $# -gt 0 ]; do
	case $1 in
	--build) BUILD=$2; shift ;;
	--gen) GEN=$2; shift ;;
	--queues) QUEUES=$2; shift ;;
	--secs) SECS=$2; shift ;;
	--cpus) CPUS=$2; shift ;;
	--plain) SPOOF="" ;;
	-h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "genrate: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done
case $SECS in ''|*[!0-9]*|0) echo "genrate: --secs wants a positive integer" >&2; exit 2 ;; esac
[ -n "$GEN" ] || GEN=$BUILD/bench/spoof_gen
[ -x "$GEN" ] || { echo "genrate: no generator at $GEN (--build DIR or --gen PATH)" >&2; exit 2; }
GEN=$(realpath "$GEN")
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (namespaces, XDP)"; exit 77; }
for tool in ip nsenter unshare trafgen xdp-filter python3; do
	command -v $tool >/dev/null || { echo "SKIP: missing $tool (see tools/deps.sh)"; exit 77; }
done

. "$ATK_DIR/lib.sh" # atk_pair, atk_cleanup
# one queue per sender: two senders on one veth ring contend for its lock
ATK_QUEUES=$QUEUES atk_pair g
TMP=$ATK_TMP
# xdp-filter pins its maps and program under the machine's bpffs (whatever
# LIBXDP_BPFFS says) and left them there when the netns went: loaded in a
# mount namespace of its own with a private bpffs (as bench/peers.sh does),
# its pins vanish with that namespace and the program with the veth.
# shellcheck disable=SC2016 # expanded by the inner shell
unshare --mount --propagation private nsenter --net="/run/netns/$NS_S" bash -c '
	set -e
	mount -t bpf bpf /sys/fs/bpf
	mount -t tmpfs tmpfs /run
	xdp-filter load -p deny -m native "$1"
' genrate "$IF_S" >"$TMP/xf.out" 2>&1 || { cat "$TMP/xf.out" >&2; exit 1; }
# shellcheck disable=SC2086
python3 "$ATK_DIR/junk.py" $SPOOF 02:5e:00:00:00:01 02:5e:00:00:00:02 "$TMP/junk.cfg" >/dev/null
# shellcheck disable=SC2086
python3 "$ATK_DIR/junk.py" $SPOOF --raw 02:5e:00:00:00:01 02:5e:00:00:00:02 "$TMP/junk.raw" \
	>/dev/null

echo "# generator: trafgen $(trafgen -v | awk 'NR == 1 { print $2 }'), $(uname -r), $(nproc) CPUs," \
	"templates ${SPOOF:-plain}, ${SECS} s each; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for p in ${CPUS//,/ }; do
	# a count that the generator cannot reach in SECS at 3 Mpps per process,
	# and a timeout that ends it at SECS: bounded both ways
	n=$(( 3000000 * SECS * p ))
	t0=$EPOCHREALTIME
	timeout --signal=INT "$SECS" ip netns exec "$NS_A" trafgen -i "$TMP/junk.cfg" -o "$IF_A" \
		-n $n -P "$p" -q >"$TMP/tg.out" 2>&1 &
	ATK_PIDS=$!
	wait "$ATK_PIDS" || true
	ATK_PIDS=""
	t1=$EPOCHREALTIME
	# every process prints its own summary after a progress line
	[ -n "${GENRATE_DEBUG:-}" ] && cat "$TMP/tg.out" >&2
	sent=$(tr '\r' '\n' <"$TMP/tg.out" | awk '/packets outgoing/ { s += $1 } END { print s + 0 }')
	# trafgen stops with "Flushing TX_RING failed" when the veth pushes back
	err=$(tr '\r' '\n' <"$TMP/tg.out" | grep -m1 -i 'failed' || true)
	awk -v p="$p" -v s="$sent" -v t0="$t0" -v t1="$t1" -v e="$err" 'BEGIN {
		printf "trafgen    processes %d  packets %9d  wall %5.2f s  %8.0f pps%s\n",
			p, s, t1 - t0, s / (t1 - t0), e == "" ? "" : "  (" e ")" }'
	# spoof_gen: the count a multiple of templates x processes, SECS the bound
	out=$(ip netns exec "$NS_A" "$GEN" -i "$IF_A" -f "$TMP/junk.raw" -n $(( n / 8 / p * 8 * p )) \
		-t "$SECS" -P "$p")
	gsent=$(sed -n 's/.*gen_sent=\([0-9]*\).*/\1/p' <<<"$out")
	gsecs=$(sed -n 's/.*gen_secs=\([0-9.]*\).*/\1/p' <<<"$out")
	gretr=$(sed -n 's/.*gen_retries=\([0-9]*\).*/\1/p' <<<"$out")
	awk -v g="$(basename "$GEN")" -v p="$p" -v s="$gsent" -v t="$gsecs" -v r="$gretr" 'BEGIN {
		printf "%-10s processes %d  packets %9d  wall %5.2f s  %8.0f pps  (%d retries)\n",
			g, p, s, t, s / t, r }'
done
