#!/usr/bin/env bash
# The DaemonSet's init container (examples/fleet/init.sh), run for real in a
# simulated pod: new mount and PID namespaces (PID 1 is the container's),
# the node's network namespace (here one of the test's own, with a veth),
# and the node's /sys/fs/bpf bind-mounted onto the container's /sys/fs/bpf
# the way the kubelet mounts a hostPath, with each mountPropagation. On a
# node without bpffs it must refuse without Bidirectional and attach, for
# good, with it; a restarted pod finds the attachment and keeps it.
# usage: test_daemonset_init.sh VOSFP_BINARY INIT_SCRIPT
set -euo pipefail
. "$(dirname "$0")/../lib.sh" # check, skip, v, wait_for
VOSFP=$(realpath "$1")
INIT=$(realpath "$2")
[ "$(id -u)" = 0 ] || skip "needs root (namespaces, mounts, the program)"
for tool in ip nsenter unshare mount mountpoint; do
	command -v $tool >/dev/null || skip "no $tool"
done

id=$$-$RANDOM
NS=vpins-ds-$id
IF=vpd${id##*-}
T=
cleanup() {
	set +e
	ip netns del "$NS" 2>/dev/null
	if [ -n "$T" ]; then
		for _ in 1 2 3 4 5 6 7 8; do
			mountpoint -q "$T" || break
			umount -l "$T"
		done
		rmdir "$T" 2>/dev/null
	fi
	return 0
}
trap cleanup EXIT
T=$(mktemp -d /tmp/vpins-ds.XXXXXX)
# A private tmpfs holds the simulated node: nothing below it reaches any
# other namespace. $T/node is shared, as a node's root is under systemd, so
# a Bidirectional mount in the pod reaches it; $T/node/bpf is the node's
# /sys/fs/bpf directory, without bpffs to begin with.
mount -t tmpfs -o mode=0700 vpins-ds "$T"
mount --make-private "$T"
mkdir "$T/node"
mount -t tmpfs -o mode=0700 vpins-node "$T/node"
mount --make-shared "$T/node"
mkdir "$T/node/bpf"
ip netns add "$NS"
ip -n "$NS" link add "$IF" type veth peer name "${IF}p"
ip -n "$NS" link set "$IF" up
ip -n "$NS" link set "${IF}p" up


# pod PROPAGATION: run the init script as the pod's init container would.
# /sys and /proc are made private first, in the pod's namespace only, so
# that replacing /sys/fs/bpf and /proc there cannot reach the machine.
pod() {
	local rc=0
	nsenter --net=/run/netns/"$NS" unshare -m -p -f --propagation unchanged -- sh -c '
		set -e
		mount --make-rprivate /sys
		mount --make-rprivate /proc
		mount -t proc proc /proc
		if mountpoint -q /sys/fs/bpf; then umount -l /sys/fs/bpf; fi
		mount --bind "$1/node/bpf" /sys/fs/bpf
		case $2 in
		Bidirectional) mount --make-rshared /sys/fs/bpf ;;
		HostToContainer) mount --make-rslave /sys/fs/bpf ;;
		None) mount --make-rprivate /sys/fs/bpf ;;
		esac
		export PATH="$3:$PATH" VOSFP_IFACE="$4" VOSFP_BLOCK_CAPACITY=8192
		exec "$5"' sh "$T" "$1" "$(dirname "$VOSFP")" "$IF" "$INIT" \
		>"$T/out" 2>"$T/err" || rc=$?
	echo $rc
}
has() { grep -c -- "$1" "$T/err" "$T/out" | awk -F: '{ n += $2 } END { print n }'; }
xdp_on() { ip -n "$NS" link show "$IF" | grep -c 'prog/xdp' || true; }
node_bpffs() { stat -f -c %T "$T/node/bpf"; }

echo "# a node without bpffs"
for prop in None HostToContainer; do
	check "$prop: the init container fails (exit 1)" 1 "$(pod $prop)"
	check "$prop: vosfp names Bidirectional" 1 "$(has 'mountPropagation: Bidirectional')"
	check "$prop: nothing is attached" 0 "$(xdp_on)"
	check "$prop: no bpffs reached the node" tmpfs "$(node_bpffs)"
done
check "Bidirectional: the init container attaches (exit 0)" 0 "$(pod Bidirectional)"
check "  it said it mounted bpffs" 1 "$(has '^vosfp: mounted bpffs on /sys/fs/bpf ')"
check "  and attached" 1 "$(has "^$IF: attached in ")"
check "  the bpffs is the node's now" bpf_fs "$(node_bpffs)"
check "  with the pinned link" 1 "$(compgen -G "$T/node/bpf/vosfp/link_$IF:*" >/dev/null && echo 1 || echo 0)"
check "  the filter outlives the pod" 1 "$(xdp_on)"
check "a restarted pod finds it attached (exit 0)" 0 "$(pod Bidirectional)"
check "  and says so" 1 "$(has "^vosfp-init: already attached to $IF$")"
check "  still one filter" 1 "$(xdp_on)"

echo "# a node with bpffs mounted (by the pod above)"
check "HostToContainer: the node's bpffs, received from the host: works (exit 0)" 0 \
	"$(pod HostToContainer)"
check "  already attached" 1 "$(has "^vosfp-init: already attached to $IF$")"
# None: a private bind of the node's bpffs looks like a bpffs of the
# container's own; vosfp cannot tell them apart and refuses.
check "None: a private mount is refused even so (exit 1)" 1 "$(pod None)"
check "  naming Bidirectional" 1 "$(has 'mountPropagation: Bidirectional')"
check "the filter is still there" 1 "$(xdp_on)"

echo "daemonset-init: $fails failed"
[ $fails -eq 0 ]
