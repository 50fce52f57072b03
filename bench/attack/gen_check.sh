#!/usr/bin/env bash
# The spoofed flood's generator, checked on the wire (meson test
# spoof-gen-frames): spoof_gen sends a few thousand frames of junk.py's
# spoofed templates, paced, into a veth made here between two namespaces
# made here; gen_frames.py, on the far end, checks every frame against its
# template, its checksum, the equal shares and the random sources. Both
# namespaces are removed on every exit path. No rate or time asserted.
#
# usage: sudo bench/attack/gen_check.sh SPOOF_GEN [--one-flooder]
set -euo pipefail
ATK_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
GEN=${1:-}
ONE=${2:-}
[ -x "$GEN" ] || { echo "gen_check: no spoof_gen at '$GEN'" >&2; exit 2; }
[ -z "$ONE" ] || [ "$ONE" = --one-flooder ] || { echo "gen_check: unknown option $ONE" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (namespaces, packet sockets)"; exit 77; }
for tool in ip python3; do
	command -v $tool >/dev/null || { echo "SKIP: missing $tool"; exit 77; }
done
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3

ID=$(printf '%05d%03d' $(( $$ % 100000 )) $(( RANDOM % 1000 )))
NS_A=vatk-ca-$ID NS_S=vatk-cs-$ID IF_A=vkca$ID IF_S=vkcs$ID
TMP=$(mktemp -d /tmp/vosfp-gencheck.XXXXXX)
RX_PID=""
cleanup() {
	local rc=$?
	trap - EXIT
	set +e
	[ -n "$RX_PID" ] && { kill "$RX_PID"; wait "$RX_PID"; } 2>/dev/null
	ip netns del "$NS_A" 2>/dev/null
	ip netns del "$NS_S" 2>/dev/null
	rm -rf "$TMP"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

ip netns add "$NS_A"
ip netns add "$NS_S"
ip link add "$IF_A" netns "$NS_A" address 02:5e:00:00:00:02 type veth \
	peer name "$IF_S" netns "$NS_S" address 02:5e:00:00:00:01
# no IPv6 of the kernel's own on the link (router solicitations, MLD)
ip netns exec "$NS_A" sysctl -qw "net.ipv6.conf.$IF_A.disable_ipv6=1"
ip -n "$NS_A" link set "$IF_A" up
ip -n "$NS_S" link set "$IF_S" up
# shellcheck disable=SC2086
"$PY" "$ATK_DIR/junk.py" --spoof $ONE --raw 02:5e:00:00:00:01 02:5e:00:00:00:02 \
	"$TMP/junk.raw" >/dev/null
N=8000
ip netns exec "$NS_S" "$PY" "$ATK_DIR/gen_frames.py" "$IF_S" "$TMP/junk.raw" $N \
	"$TMP/ready" &
RX_PID=$!
for _ in $(seq 1 100); do [ -e "$TMP/ready" ] && break; sleep 0.1; done
[ -e "$TMP/ready" ] || { echo "gen_check: the receiver did not start" >&2; exit 1; }
# paced (4,000/s) so that a loaded machine's receiver keeps up: no frame lost
ip netns exec "$NS_A" "$GEN" -i "$IF_A" -f "$TMP/junk.raw" -n $N -t 30 -r 4000
rc=0
wait "$RX_PID" || rc=$?
RX_PID=""
exit $rc
