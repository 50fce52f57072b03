#!/usr/bin/env bash
# vosfp attach/detach as an operator meets them: an interface that moved to
# another network namespace while a new one took its name (detach refuses
# and names it; status tells them apart; detach from the namespace it went
# to works), another XDP program named in the error (xdp-filter), and
# --multiprog, which shares the interface through libxdp's dispatcher where
# the kernel runs it and is refused with nothing left where it does not.
# Everything happens in two network namespaces of the test's own.
# usage: test_attach.sh VOSFP_BINARY
set -euo pipefail
. "$(dirname "$0")/../lib.sh" # check, skip, v, wait_for
VOSFP=$1
[ "$(id -u)" = 0 ] || skip "needs root (network namespaces, XDP)"
for tool in nsenter xdp-filter; do
	command -v $tool >/dev/null || skip "no $tool (util-linux, xdp-tools)"
done
id=$$-$RANDOM
ns1=vAc1-$id ns2=vAc2-$id
pin=/sys/fs/bpf/vosfp-tatt-$id
dev=vAc$RANDOM
cleanup() {
	ip netns del "$ns1" 2>/dev/null || true
	ip netns del "$ns2" 2>/dev/null || true
	rm -rf "$pin" "/sys/fs/bpf/xdp-filter/programs/$dev" 2>/dev/null || true
	return 0
}
trap cleanup EXIT
ip netns add "$ns1"
ip netns add "$ns2"
# nsenter, not `ip netns exec`: that remounts /sys and hides the pins.
in1() { nsenter --net="/run/netns/$ns1" "$@"; }
in2() { nsenter --net="/run/netns/$ns2" "$@"; }
v1() { in1 "$VOSFP" --pin-root "$pin" "$@"; }
v2() { in2 "$VOSFP" --pin-root "$pin" "$@"; }
has_xdp() { "$@" 2>/dev/null | grep -cE 'prog/xdp[a-z]* id' || true; }

in1 ip link add "$dev" type veth peer name "${dev}p"
in1 ip link set "$dev" up
check "attach" 0 "$(v1 attach "$dev" >/dev/null 2>&1; echo $?)"
check "an unknown option is a usage error (exit 2)" 2 \
	"$(v1 attach "$dev" --bogus >/dev/null 2>&1; echo $?)"

# The attached interface moves away; a new one takes its name.
in1 ip link set "$dev" netns "$ns2"
in2 ip link set "$dev" up
in1 ip link add "$dev" type veth peer name "${dev}q"
in1 ip link set "$dev" up
err=$(v1 detach "$dev" 2>&1 >/dev/null) && rc=0 || rc=$?
check "detach of the new one, not attached, fails (exit 1)" 1 "$rc"
check "and says where the attachment went" 1 "$(grep -c 'belongs to ifindex' <<<"$err")"
check "the moved one keeps its filter" 1 "$(has_xdp in2 ip link show dev "$dev")"
check "attach works on the new one" 0 "$(v1 attach "$dev" --mode generic >/dev/null 2>&1; echo $?)"
st=$(v1 status)
check "status lists both" 2 "$(grep -c "^attached: $dev " <<<"$st")"
check "one of them in another namespace" 1 \
	"$(grep -c 'interface in another network namespace' <<<"$st")"
check "detach takes the new one" 0 "$(v1 detach "$dev" >/dev/null 2>&1; echo $?)"
check "and only the new one" 0 "$(has_xdp in1 ip link show dev "$dev")"
check "the moved one still filters" 1 "$(has_xdp in2 ip link show dev "$dev")"
check "detach where it went finds it" 0 "$(v2 detach "$dev" >/dev/null 2>&1; echo $?)"
check "and removes its filter" 0 "$(has_xdp in2 ip link show dev "$dev")"
check "nothing is attached any more" 1 "$(v1 status | grep -c '^attached: none')"

# Another program: xdp-filter. Through libxdp's dispatcher where the kernel
# runs it, else alone; the error names it either way.
in1 xdp-filter load -m skb "$dev" >/dev/null 2>&1
err=$(v1 attach "$dev" 2>&1 >/dev/null) && rc=0 || rc=$?
check "attach next to xdp-filter without --multiprog fails (exit 1)" 1 "$rc"
check "naming the program" 1 \
	"$(grep -cE 'program [0-9]+ "(xdp_dispatcher|xdpfilt_[a-z_]+)"' <<<"$err")"
check "and --multiprog as a choice" 1 "$(grep -c -- '--multiprog' <<<"$err")"
if grep -q xdp_dispatcher <<<"$err"; then
	err=$(v1 attach "$dev" --multiprog --mode generic 2>&1 >/dev/null) && rc=0 || rc=$?
	if [ $rc = 0 ]; then
		check "detach leaves xdp-filter" 0 "$(v1 detach "$dev" >/dev/null 2>&1; echo $?)"
	else
		# The dispatcher runs, but this kernel's verifier refuses vosfp in it.
		why='cannot share the interface with other XDP programs here'
		check "--multiprog refused says why" 1 "$(grep -c "$why" <<<"$err")"
	fi
	check "xdp-filter is still there" 1 "$(in1 xdp-loader status "$dev" | grep -c xdpfilt_)"
	check "vosfp is not" 0 "$(in1 xdp-loader status "$dev" | grep -c vosfp_xdp || true)"
	in1 xdp-filter unload "$dev" >/dev/null 2>&1
else
	# Alone: libxdp could not run its dispatcher here (or not with vosfp in it).
	in1 xdp-filter unload "$dev" >/dev/null 2>&1
	err=$(v1 attach "$dev" --multiprog 2>&1 >/dev/null) && rc=0 || rc=$?
	check "--multiprog where the dispatcher cannot run fails (exit 1)" 1 "$rc"
	check "and says why" 1 \
		"$(grep -c 'cannot share the interface with other XDP programs here' <<<"$err")"
	check "leaving nothing attached" 0 "$(has_xdp in1 ip link show dev "$dev")"
	check "and nothing pinned" 1 "$(v1 status | grep -c '^attached: none')"
fi
echo "attach: $fails failed"
[ $fails -eq 0 ]
