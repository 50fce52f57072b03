#!/usr/bin/env bash
# Pin roots that hold: vosfp refuses (exit 1, before mounting or creating
# anything) a bpffs whose pins would die with a private mount namespace
# (ip netns exec, unshare -m with a fresh bpffs or without propagation to
# the host), and works in the host's namespace, through nsenter --net, and
# where the mount propagates to the host. --pin-root must be absolute, below
# a bpffs mount and not the mount itself; bpffs is mounted only on an empty
# directory named with --mount-bpffs (or /sys/fs/bpf), and said so.
# Everything happens in a scratch tmpfs, a netns and pin roots of its own.
# usage: test_pin_roots.sh VOSFP_BINARY
set -euo pipefail
. "$(dirname "$0")/../lib.sh" # check, skip, v, wait_for
VOSFP=$(realpath "$1")
[ "$(id -u)" = 0 ] || skip "needs root (namespaces, mounts, the program)"
for tool in ip nsenter unshare mount; do
	command -v $tool >/dev/null || skip "no $tool"
done
[ "$(stat -f -c %T /sys/fs/bpf 2>/dev/null)" = bpf_fs ] ||
	skip "bpffs is not mounted on /sys/fs/bpf on this host"

id=$$-$RANDOM
NS=vpins-$id
IF=vpr${id##*-}
PIN=/sys/fs/bpf/vpins-$id
T=
cleanup() {
	set +e
	ip netns del "$NS" 2>/dev/null
	rm -rf "$PIN"
	if [ -n "$T" ]; then
		# Lazy: detaches the whole tree below. Looped (bounded): a broken
		# tool may have stacked a mount over $T itself.
		for _ in 1 2 3 4 5 6 7 8; do
			mountpoint -q "$T" || break
			umount -l "$T"
		done
		rmdir "$T" 2>/dev/null
	fi
	return 0
}
trap cleanup EXIT
T=$(mktemp -d /tmp/vpins.XXXXXX)
# A private tmpfs: what is mounted below it reaches no other namespace.
mount -t tmpfs -o mode=0700 vpins "$T"
mount --make-private "$T"
ip netns add "$NS"
ip -n "$NS" link add "$IF" type veth peer name "${IF}p"
ip -n "$NS" link set "$IF" up
ip -n "$NS" link set "${IF}p" up

# exit status, then stderr, of a command
run() {
	local rc=0
	"$@" >"$T/out" 2>"$T/err" || rc=$?
	echo $rc
}
has() { grep -c -- "$1" "$T/err" || true; }
xdp_on() { ip -n "$NS" link show "$IF" | grep -c 'prog/xdp' || true; }
# Mounts in the scratch tmpfs: other tests may mount and unmount elsewhere.
scratch_mounts() { awk -v t="$T" 'index($5, t) == 1' /proc/self/mountinfo | wc -l; }

echo "# the host's own /sys/fs/bpf"
check "status on a pin root in the host's /sys/fs/bpf" 0 "$(run "$VOSFP" --pin-root "$PIN" status)"

echo "# ip netns exec: a private mount namespace and a private /sys"
# The counts are taken inside the namespace, where the old tool mounted a
# bpffs of its own and attached in it.
# Only mounts on the directory in question count: other tests' mounts may
# propagate into the namespace meanwhile.
at() { echo "awk -v d=$1 '\$5 == d' /proc/self/mountinfo | wc -l"; }
out=$(ip netns exec "$NS" sh -c 'before=$(eval "$4")
	"$1" --pin-root "$2" attach "$3" 2>&1; echo "rc=$?"
	echo "mounted=$(($(eval "$4") - before))"' \
	sh "$VOSFP" "$PIN" "$IF" "$(at /sys/fs/bpf)")
check "ip netns exec attach is refused (exit 1)" 1 "$(grep -c '^rc=1$' <<<"$out")"
check "the message names nsenter --net" 1 "$(grep -c 'nsenter --net=/run/netns/NAME' <<<"$out")"
check "no bpffs was mounted inside" 1 "$(grep -c '^mounted=0$' <<<"$out")"
check "nothing is attached afterwards" 0 "$(xdp_on)"

echo "# nsenter --net: the host's mount namespace"
check "nsenter --net attach works" 0 "$(run nsenter --net=/run/netns/"$NS" "$VOSFP" --pin-root "$PIN" attach "$IF" --mode generic)"
check "and says so" 1 "$(grep -c "^$IF: attached in generic mode" "$T/out")"
check "the filter stays after the command" 1 "$(xdp_on)"
check "detach through nsenter" 0 "$(run nsenter --net=/run/netns/"$NS" "$VOSFP" --pin-root "$PIN" detach "$IF")"

echo "# unshare -m --propagation private"
out=$(unshare -m --propagation private sh -c 'mount -t bpf -o mode=0700 bpf /sys/fs/bpf
	"$1" --pin-root /sys/fs/bpf/vosfp status 2>&1; echo "rc=$?"
	[ -e /sys/fs/bpf/vosfp ] && echo created || echo "not created"' sh "$VOSFP")
check "a fresh private bpffs is refused (exit 1)" 1 "$(grep -c '^rc=1$' <<<"$out")"
check "the message says it is this namespace's own" 1 \
	"$(grep -c "mounted only in this process's own mount namespace" <<<"$out")"
check "no pin root was made in it" "not created" "$(tail -n1 <<<"$out")"
# Without a fresh mount, /sys/fs/bpf there is a copy of the host's: the
# same bpffs, whose pins the host keeps.
check "the host's bpffs seen from a private namespace works" 0 \
	"$(run unshare -m --propagation private nsenter --net=/run/netns/"$NS" \
		"$VOSFP" --pin-root "$PIN" attach "$IF" --mode generic)"
check "and its filter outlives the namespace" 1 "$(xdp_on)"
check "the host sees the pinned link" 1 "$(compgen -G "$PIN/link_$IF:*" >/dev/null && echo 1 || echo 0)"
check "detach from the host" 0 "$(run nsenter --net=/run/netns/"$NS" "$VOSFP" --pin-root "$PIN" detach "$IF")"

echo "# unshare -m --propagation shared|slave: a new mount reaches the host or not"
# $T/node is shared, like a node's /sys/fs/bpf hostPath; $T/node/bpf is the
# empty directory bpffs would be mounted on.
mkdir "$T/node"
mount -t tmpfs -o mode=0700 vpins-node "$T/node"
mount --make-shared "$T/node"
mkdir "$T/node/bpf"
for prop in slave private; do
	out=$(unshare -m --propagation $prop sh -c 'before=$(eval "$3")
		"$1" --mount-bpffs --pin-root "$2" status 2>&1; echo "rc=$?"
		echo "mounted=$(($(eval "$3") - before))"' \
		sh "$VOSFP" "$T/node/bpf/vosfp" "$(at "$T/node/bpf")")
	check "--propagation $prop: refused (exit 1)" 1 "$(grep -c '^rc=1$' <<<"$out")"
	check "--propagation $prop: the message names the fix" 1 \
		"$(grep -c 'not the host.s' <<<"$out")"
	check "--propagation $prop: nothing mounted in the namespace" 1 "$(grep -c '^mounted=0$' <<<"$out")"
done
check "nothing reached the host" "tmpfs" "$(stat -f -c %T "$T/node/bpf")"
check "--propagation shared: mounts and works" 0 \
	"$(run unshare -m --propagation shared nsenter --net=/run/netns/"$NS" "$VOSFP" \
		--mount-bpffs --pin-root "$T/node/bpf/vosfp" attach "$IF" --mode generic)"
check "and says it mounted" 1 "$(has "^vosfp: mounted bpffs on $T/node/bpf ")"
check "the bpffs reached the host" bpf_fs "$(stat -f -c %T "$T/node/bpf")"
check "with the pinned link in it" 1 "$(compgen -G "$T/node/bpf/vosfp/link_$IF:*" >/dev/null && echo 1 || echo 0)"
check "the filter outlives the namespace" 1 "$(xdp_on)"
check "detach from the host" 0 \
	"$(run nsenter --net=/run/netns/"$NS" "$VOSFP" --pin-root "$T/node/bpf/vosfp" detach "$IF")"

echo "# --pin-root rules"
mkdir "$T/cwd" "$T/etc" "$T/empty" "$T/full"
echo "127.0.0.1 localhost" >"$T/etc/hosts"
touch "$T/full/keep"
before=$(scratch_mounts)
for bad in vosfp rel/vosfp ./vosfp /vosfp "$T/empty/" "$T/empty/../vosfp" "$T//empty/vosfp"; do
	check "--pin-root '$bad' is a usage error (exit 2)" 2 \
		"$(cd "$T/cwd" && run "$VOSFP" --pin-root "$bad" status)"
done
check "  and nothing was created in the current directory" "" "$(ls -A "$T/cwd")"
mkdir "$T/bpf"
mount -t bpf -o mode=0700 bpf "$T/bpf"
check "the bpffs mount itself as pin root: refused (exit 1)" 1 "$(run "$VOSFP" --pin-root "$T/bpf" status)"
check "  with the reason" 1 "$(has "$T/bpf: a bpffs mount itself")"
# (maps.debug and progs.debug are the kernel's own, in every fresh bpffs)
check "  and nothing pinned at its top" 0 "$(find "$T/bpf" -mindepth 1 -maxdepth 1 ! -name '*.debug' | wc -l)"
umount "$T/bpf"
check "a pin root in a populated non-bpffs directory: refused (exit 1)" 1 \
	"$(run "$VOSFP" --pin-root "$T/etc/vosfp" status)"
check "  the message says vosfp does not mount there" 1 "$(has "$T/etc: not on bpffs")"
check "  with --mount-bpffs: refused too (exit 1)" 1 \
	"$(run "$VOSFP" --mount-bpffs --pin-root "$T/etc/vosfp" status)"
check "  because it is not empty" 1 "$(has "$T/etc: not empty")"
check "  nothing was mounted" "$before" "$(scratch_mounts)"
check "  and what it holds is still there" 1 "$(grep -c localhost "$T/etc/hosts")"
check "a non-empty directory with --mount-bpffs: refused (exit 1)" 1 \
	"$(run "$VOSFP" --mount-bpffs --pin-root "$T/full/vosfp" status)"
check "an empty directory without --mount-bpffs: refused (exit 1)" 1 \
	"$(run "$VOSFP" --pin-root "$T/empty/vosfp" status)"
check "  the message names --mount-bpffs" 1 "$(has "with --mount-bpffs, on an empty directory")"
check "a parent that does not exist: refused (exit 1)" 1 \
	"$(run "$VOSFP" --mount-bpffs --pin-root "$T/none/vosfp" status)"
check "  nothing was created" no "$([ -e "$T/none" ] && echo yes || echo no)"
check "  nothing was mounted" "$before" "$(scratch_mounts)"
check "an empty directory with --mount-bpffs: mounted and opened" 0 \
	"$(run "$VOSFP" --mount-bpffs --pin-root "$T/empty/vosfp" status)"
check "  the mount is announced on stderr" 1 \
	"$(has "^vosfp: mounted bpffs on $T/empty (it was not mounted)$")"
check "  it is bpffs now" bpf_fs "$(stat -f -c %T "$T/empty")"
check "  holding the pin root" 1 "$([ -d "$T/empty/vosfp" ] && echo 1 || echo 0)"
check "  a second run mounts nothing more" 0 \
	"$(run "$VOSFP" --mount-bpffs --pin-root "$T/empty/vosfp" status)"
check "  and says nothing about mounting" 0 "$(has "mounted bpffs")"

echo "pin-roots: $fails failed"
[ $fails -eq 0 ]
