#!/usr/bin/env bash
# vosfp against the floor and xdp-filter, side by side in one run (issue 15).
# Makes a network namespace with a veth pair of its own, loads xdp-filter
# there (-f ipv4,ipv6, generic mode, the blocked classes' sources on its
# list) in a private mount namespace with a private bpffs, so that its pins
# are nobody else's and vanish with it, then hands the program's id to
# bench/peer_cost, which runs every frame class on the floor, vosfp, xdp-filter
# (and OLD_OBJECT) through BPF_PROG_TEST_RUN, --runs times over, each time on
# maps and programs loaded anew (the figures: medians of the runs'; "new-old":
# the median of vosfp's delta minus OLD_OBJECT's, paired within each run).
# Nothing here asserts a time:
# the exit status is non-zero only for a setup error (1), bad usage (2) or a
# verdict of vosfp other than the expected one (3). bench/README.md.
# usage: sudo bench/peers.sh [BUILD_DIR] [--compare OLD_OBJECT] [--rounds N]
#                            [--repeat N] [--runs N] [--csv]
set -euo pipefail

usage() {
	echo "usage: $0 [BUILD_DIR] [--compare OLD_OBJECT] [--rounds N (1-101, default 15)]" >&2
	echo "          [--repeat N (default 1000000)] [--runs N (1-51, default 1)] [--csv]" >&2
	exit 2
}
die() {
	echo "peers: $*" >&2
	exit 1
}

build=build build_set=0
args=()
while [ $# -gt 0 ]; do
	case $1 in
	--csv) args+=(--csv) ;;
	--compare | --rounds | --repeat | --runs)
		[ $# -ge 2 ] || { echo "peers: $1 needs a value" >&2; usage; }
		case $1 in
		--compare) [ -r "$2" ] || die "--compare $2: no such readable file" ;;
		*) [[ $2 =~ ^[0-9]+$ ]] || { echo "peers: $1: a number, not '$2'" >&2; usage; } ;;
		esac
		if [ "$1" = --runs ] && { [ "$((10#$2))" -lt 1 ] || [ "$((10#$2))" -gt 51 ]; }; then
			echo "peers: --runs: 1 to 51, not '$2'" >&2
			usage
		fi
		args+=("$1" "$2")
		shift
		;;
	-h | --help) usage ;;
	-*) echo "peers: unknown option $1" >&2; usage ;;
	*)
		[ $build_set = 0 ] || usage
		build=$1 build_set=1
		;;
	esac
	shift
done

[ "$(id -u)" = 0 ] || die "needs root (network namespaces, XDP, BPF_PROG_TEST_RUN)"
for tool in ip nsenter unshare xdp-filter; do
	command -v $tool >/dev/null || die "no $tool (packages: iproute2, util-linux, xdp-tools)"
done
bin=$build/bench/peer_cost obj=$build/bpf/vosfp.bpf.o
{ [ -x "$bin" ] && [ -r "$obj" ]; } ||
	die "$build: no bench/peer_cost or bpf/vosfp.bpf.o (build it first)"

# Names unique to the run; an interface name has at most 15 characters.
id=$(printf '%05d%04d' $(($$ % 100000)) $((RANDOM % 10000)))
ns=vpeers-$id dev=vpr${id}a peer=vpr${id}b pin=/sys/fs/bpf/vosfp-peers-$id
child=
# shellcheck disable=SC2317 # called by the trap
cleanup() {
	# peer_cost first, so that it pins nothing after its root is removed.
	if [ -n "$child" ]; then
		kill "$child" 2>/dev/null || true
		wait "$child" 2>/dev/null || true
	fi
	# The veth goes with the namespace, and xdp-filter's program with it.
	ip netns del "$ns" 2>/dev/null || true
	rm -rf "$pin"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ip netns add "$ns"
ip -n "$ns" link add "$dev" type veth peer name "$peer"
ip -n "$ns" link set "$dev" up
ip -n "$ns" link set "$peer" up

# xdp-filter pins under the first bpffs it finds (/sys/fs/bpf, whatever
# LIBXDP_BPFFS says) and locks /run/xdp-filter.lck: in a mount namespace of
# its own, both are private to this run and disappear when it ends; the
# program stays, held by the interface it is attached to.
mapfile -t blocked < <("$bin" --blocked-sources)
# shellcheck disable=SC2016 # expanded by the inner shell
unshare --mount --propagation private nsenter --net="/run/netns/$ns" bash -c '
	set -e
	mount -t bpf bpf /sys/fs/bpf
	mount -t tmpfs tmpfs /run
	export LIBXDP_BPFFS=/sys/fs/bpf
	dev=$1
	shift
	xdp-filter load -f ipv4,ipv6 -m skb "$dev"
	for a; do xdp-filter ip -m src "$a"; done
' peers "$dev" "${blocked[@]}" >/dev/null || die "xdp-filter failed to load on $dev"
prog=$(nsenter --net="/run/netns/$ns" ip -o link show dev "$dev" |
	sed -n 's|.*prog/xdp id \([0-9]*\) name \([A-Za-z0-9_]*\).*|\1 \2|p')
[ -n "$prog" ] || die "xdp-filter is not attached to $dev"

srso=$(cat /sys/devices/system/cpu/vulnerabilities/spec_rstack_overflow 2>/dev/null || echo '?')
echo "# $(uname -srm), $(nproc) CPUs, SRSO: $srso, load: $(cut -d' ' -f1-3 /proc/loadavg)"
commit=$(git -C "$(dirname "$0")" rev-parse --short HEAD 2>/dev/null || echo '?')
version=$(xdp-filter load --version 2>&1 | awk 'NR == 1 { print $3 }' || true)
echo "# $(date -u '+%F %T') UTC, commit $commit"
echo "# xdp-filter $version: program ${prog#* } (id ${prog%% *}), -f ipv4,ipv6 -m skb," \
	"blocks ${blocked[*]}"
echo "# netns $ns, pin root $pin"
# In the background, so that a signal to the script is handled at once.
"$bin" "$obj" --xdp-filter-id "${prog%% *}" --pin-root "$pin" "${args[@]}" &
child=$!
rc=0
wait "$child" || rc=$?
child=
exit $rc
