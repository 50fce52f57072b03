#!/usr/bin/env bash
# The spoofed flood's generators, checked on the wire (meson tests
# spoof-gen-frames and live-gen-frames): spoof_gen or live_gen (--live)
# sends a few thousand frames of junk.py's spoofed templates, paced, into a
# veth made here between two namespaces made here; gen_frames.py, on the
# far end, checks every frame against its template, its checksum, the
# equal shares and the random sources. Both namespaces are removed on every
# exit path. No rate or time asserted.
#
# usage: sudo bench/attack/gen_check.sh GEN [--live] [--one-flooder]
#   --live   GEN is live_gen: its frames are redirected XDP frames, which
#            the receiving veth takes only with NAPI on (GRO, set here);
#            first, without it, live_gen must fail and say the frames
#            never left
set -euo pipefail
ATK_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
GEN=${1:-}
ONE="" LIVE=""
[ -x "$GEN" ] || { echo "gen_check: no generator at '$GEN'" >&2; exit 2; }
shift
for opt in "$@"; do
	case $opt in
	--one-flooder) ONE=$opt ;;
	--live) LIVE=1 ;;
	*) echo "gen_check: unknown option $opt" >&2; exit 2 ;;
	esac
done
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (namespaces, packet sockets, BPF)"; exit 77; }
for tool in ip python3 ${LIVE:+ethtool}; do
	command -v $tool >/dev/null || { echo "SKIP: missing $tool"; exit 77; }
done
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3

. "$ATK_DIR/lib.sh" # atk_pair, atk_cleanup
atk_pair c
TMP=$ATK_TMP
# shellcheck disable=SC2086
"$PY" "$ATK_DIR/junk.py" --spoof $ONE --raw 02:5e:00:00:00:01 02:5e:00:00:00:02 \
	"$TMP/junk.raw" >/dev/null
if [ -n "$LIVE" ]; then
	# Without NAPI on the receiving veth its frames vanish uncounted: live_gen
	# must say so and fail, not report them sent.
	if ip netns exec "$NS_A" "$GEN" -i "$IF_A" -f "$TMP/junk.raw" -n 80 -t 5 -r 4000 \
		>"$TMP/nonapi.out" 2>&1; then
		echo "FAIL live_gen reported success into a veth without NAPI" >&2
		cat "$TMP/nonapi.out" >&2
		exit 1
	fi
	grep -q "80 of the 80 frames made never left $IF_A" "$TMP/nonapi.out" || {
		echo "FAIL live_gen failed without saying that the frames never left" >&2
		cat "$TMP/nonapi.out" >&2
		exit 1
	}
	echo "ok   without NAPI on the far end: live_gen fails, 80 of 80 frames never left"
	atk_napi "$NS_S" "$IF_S"
fi
N=8000
ip netns exec "$NS_S" "$PY" "$ATK_DIR/gen_frames.py" "$IF_S" "$TMP/junk.raw" $N \
	"$TMP/ready" &
rx=$!
ATK_PIDS=$rx
for _ in $(seq 1 100); do [ -e "$TMP/ready" ] && break; sleep 0.1; done
[ -e "$TMP/ready" ] || { echo "gen_check: the receiver did not start" >&2; exit 1; }
# paced (4,000/s) so that a loaded machine's receiver keeps up: no frame lost
ip netns exec "$NS_A" "$GEN" -i "$IF_A" -f "$TMP/junk.raw" -n $N -t 30 -r 4000
rc=0
wait "$rx" || rc=$?
ATK_PIDS=""
exit $rc
