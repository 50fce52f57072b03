#!/usr/bin/env bash
# A consumer's view: install the build into a scratch prefix, build
# examples/c against it through pkg-config only, and run it on a veth pair
# inside a network namespace of its own (unshare -n: the namespace, and the
# veth in it, vanish with the process on every exit path).
# usage: test_consumer.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$1 build=$2

tmp=$(mktemp -d /tmp/vosfp-consumer.XXXXXX)
pin_root=/sys/fs/bpf/vosfp-consumer-$$-$RANDOM
cleanup() {
	rm -rf "$tmp"
	[ -d "$pin_root" ] && rm -rf "$pin_root"
	return 0
}
trap cleanup EXIT

meson install -C "$build" --destdir "$tmp" --no-rebuild --quiet >/dev/null
pc=$(find "$tmp" -name libvosfp.pc | head -n1)
[ -n "$pc" ] || { echo "FAIL: libvosfp.pc not installed"; exit 1; }
[ -n "$(find "$tmp" -path '*/include/vosfp/vosfp.h')" ] || { echo "FAIL: header not installed"; exit 1; }
[ -n "$(find "$tmp" -name vosfp -path '*/bin/*')" ] || { echo "FAIL: vosfp tool not installed"; exit 1; }

# The .pc file names the final prefix; the sysroot maps it into the scratch dir.
export PKG_CONFIG_PATH=$(dirname "$pc") PKG_CONFIG_SYSROOT_DIR=$tmp
cflags=$(pkg-config --cflags libvosfp)
libs=$(pkg-config --libs libvosfp)
echo "pkg-config: $cflags $libs"
# Build with the example's own Makefile, out of tree.
make -s -C "$tmp" -f "$(realpath "$src")/examples/c/Makefile" VPATH="$(realpath "$src")/examples/c" \
	CFLAGS="-O2 -Wall -Wextra -Werror" embed

libdir=$(dirname "$(find "$tmp" -name 'libvosfp.so.0' | head -n1)")
if [ "$(id -u)" != 0 ]; then
	echo "SKIP run: attaching XDP needs root (CAP_BPF, CAP_NET_ADMIN); build and link checked"
	exit 77
fi

out=$(LD_LIBRARY_PATH=$libdir unshare -n sh -c '
	ip link add vc0 type veth peer name vc1 &&
	ip link set vc0 up && ip link set vc1 up &&
	exec "$0" vc0 "$1"' "$tmp/embed" "$pin_root" 2>&1) || { echo "$out"; echo "FAIL: embed exited $?"; exit 1; }
echo "$out"
grep -q '^attached to vc0 in native mode$' <<<"$out" || { echo "FAIL: no native attach"; exit 1; }
grep -q '^blocked 192.0.2.0/24 (1 prefixes' <<<"$out" || { echo "FAIL: block not applied"; exit 1; }
grep -q '^  blocked ' <<<"$out" || { echo "FAIL: counters not printed"; exit 1; }
grep -q '^detached from vc0$' <<<"$out" || { echo "FAIL: no detach"; exit 1; }
echo "consumer: installed library linked through pkg-config and ran"
