#!/usr/bin/env bash
# Runs the tests that load and drive the XDP program under a Debian release's
# stock kernel, booted in QEMU, while the build machine may run another:
# Debian 12's (6.1), the platform this project targets, and Debian 11's
# (5.10), the oldest kernel it aims at. Their verifiers and map code differ
# from newer ones in ways that only loading the real program shows
# (docs/kernels.md).
#
# usage: run_in_vm.sh BUILD_DIR SOURCE_DIR NAME
#
# NAME names the kernel that tools/test.sh fetched into
# BUILD_DIR/guest-kernel/NAME (debian12, debian11). Needs qemu-system-x86_64,
# a static busybox, cpio and xdp-tools (tools/deps.sh); exits 77 (skip) with
# the reason when one of them or the kernel is missing. The guest has no network card;
# it runs each test once and powers off; the staging directory is removed on
# every exit.
set -euo pipefail

build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
name=$3
kdir=$build/guest-kernel/$name

. "$(dirname "$0")/../lib.sh" # skip
command -v qemu-system-x86_64 >/dev/null || skip "no qemu-system-x86_64 (package qemu-system-x86)"
command -v cpio >/dev/null || skip "no cpio"
busybox=/bin/busybox
file -L "$busybox" 2>/dev/null | grep -q 'statically linked' ||
	skip "no static busybox at $busybox (package busybox-static)"
kernel=$(ls "$kdir"/boot/vmlinuz-* 2>/dev/null | head -n1 || true)
[ -n "$kernel" ] || skip "no guest kernel in $kdir (tools/test.sh fetches it)"

# Debian 12's kernel runs libxdp's dispatcher: there vosfp must share an
# interface with xdp-filter, not merely be refused (as on kernels that
# refuse freplace programs). Debian 11's 5.10 verifier refuses vosfp's
# program as the dispatcher's component: there the refusal is tested.
multiprog_args=
[ "$name" = debian12 ] && multiprog_args=--expect-dispatcher

# The tests run in the guest: meson name, then the command line.
tests=(
	"bpf-program	$build/tests/bpf/test_prog"
	"bpf-bans	$build/tests/bpf/test_bans"
	"bpf-ban-events	$build/tests/bpf/test_ban_events"
	"bpf-banfilter	$build/tests/bpf/test_banfilter"
	"corpus	$build/tests/corpus/test_corpus $src/tests/corpus"
	"api-state	$build/tests/unit/test_api_state"
	"api-attach	$build/tests/unit/test_api_attach"
	"api-attach-netns	$build/tests/unit/test_api_netns"
	"api-attach-multiprog	$build/tests/unit/test_api_multiprog $multiprog_args"
	"api-ifcounters	$build/tests/unit/test_ifcounters"
	"policy-lookup	$build/tests/unit/test_policy_lookup"
	"policy-ttl-program	$build/tests/policy/test_ttl_prog"
	"policy-killed-change	$build/tests/policy/test_killed_change $build/tests/policy/libdie_mid_change.so"
)

stage=$(mktemp -d /tmp/vosfp-vm.XXXXXX)
trap 'rm -rf "$stage"' EXIT

# Copies a file (or a directory) to the same path in the guest, with the
# shared libraries an executable needs.
add() {
	local f=$1 lib
	mkdir -p "$stage/root$(dirname "$f")"
	cp -rL "$f" "$stage/root$f"
	if [ -f "$f" ] && file -L "$f" | grep -q 'dynamically linked'; then
		for lib in $(ldd "$f" | grep -o '/[^ ]*'); do
			[ -e "$stage/root$lib" ] || add "$lib"
		done
	fi
}

root=$stage/root
mkdir -p "$root"/{bin,proc,sys,dev,tmp,run,guest-modules}
cp "$busybox" "$root/bin/busybox"
for applet in mount mkdir cat cut echo insmod poweroff sleep timeout uname rm ls grep; do
	ln -s busybox "$root/bin/$applet"
done
# dash as sh: busybox's shell would run its own, smaller "ip" applet
# whatever PATH says, and the tests need iproute2's (veth pairs).
add /bin/dash
ln -s dash "$root/bin/sh"
add "$(command -v ip)"
add "$(command -v bpftool)"
# xdp-filter and xdp-loader share an interface with vosfp through libxdp's
# dispatcher; libxdp loads its own objects (the dispatcher, xdp-filter's
# programs) from its object directory.
for tool in xdp-filter xdp-loader; do
	command -v "$tool" >/dev/null || skip "no $tool (package xdp-tools)"
	add "$(command -v "$tool")"
done
xdp_objects=$(pkg-config --variable=libdir libxdp 2>/dev/null)/bpf
[ -f "$xdp_objects/xdp-dispatcher.o" ] || skip "no libxdp dispatcher in $xdp_objects (libxdp-dev)"
add "$xdp_objects"
cp "$src/tests/kernel/guest_init.sh" "$root/init"
chmod 755 "$root/init"
cp "$kdir"/modules/*.ko "$root/guest-modules/"
printf '%s\n' "${tests[@]}" >"$root/vm-tests"
add "$src/tests/corpus"
for t in "${tests[@]}"; do
	for word in ${t#*	}; do
		[ "${word#"$build"/}" != "$word" ] && add "$word"
	done
done
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$stage/initrd.gz"

echo "guest kernel: $(basename "$kernel"); ${#tests[@]} tests"
# TCG, not KVM: it boots wherever QEMU runs (nested KVM here hung the guest
# at boot), and nothing here measures time.
log=$stage/console.log
timeout 1500 qemu-system-x86_64 -accel tcg -cpu max -smp 2 -m 2048 \
	-kernel "$kernel" -initrd "$stage/initrd.gz" \
	-append "console=ttyS0 quiet panic=-1" \
	-nographic -no-reboot -nic none </dev/null | tr -d '\r' | tee "$log" ||
	echo "vosfp-vm: QEMU ended with an error or ran out of time"

failed=0 passed=0
for t in "${tests[@]}"; do
	test_name=${t%%	*}
	line=$(grep -a "^vosfp-vm: result $test_name " "$log" || true)
	rc=$(echo "$line" | cut -d' ' -f4)
	if [ "$rc" = 0 ]; then
		passed=$((passed + 1))
	else
		echo "FAIL: $test_name under $(basename "$kernel") (${rc:-no result})"
		failed=$((failed + 1))
	fi
done
grep -aq "vosfp-vm: kernel " "$log" || echo "FAIL: the guest did not start"
echo "kernel-$name: $passed passed, $failed failed"
[ "$failed" = 0 ] && grep -aq "^vosfp-vm: done" "$log"
