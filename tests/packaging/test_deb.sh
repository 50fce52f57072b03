#!/usr/bin/env bash
# The Debian packages as an operator gets them: dpkg-buildpackage -us -uc -b
# in a copy of the tree, lintian with no errors, each package holding what
# it should, then every .deb unpacked (dpkg -x) into a scratch root, never
# the machine's own /, and the demo path run with the unpacked binaries:
# version, attach to a veth in namespaces made here, block the caller, a
# SIP request from it dropped and counted, stats, detach; the Python
# package and a static link against libvosfp.a from the same root.
# usage: test_deb.sh SOURCE_DIR
set -euo pipefail
src=$(realpath "$1")
[ "$(id -u)" = 0 ] ||
	{ echo "SKIP: needs root (the unpacked tool loads and attaches XDP)"; exit 77; }
for t in dpkg-buildpackage dh fakeroot dpkg-deb git; do
	command -v $t >/dev/null ||
		{ echo "SKIP: no $t (apt-get install dpkg-dev debhelper fakeroot git)"; exit 77; }
done
[ -d "$src/.git" ] || [ -f "$src/.git" ] || { echo "SKIP: $src is not a git checkout"; exit 77; }

tmp=$(mktemp -d /tmp/vosfp-deb.XXXXXX)
tag=$$$RANDOM
ns_s=vPkgS$tag ns_c=vPkgC$tag if_s=vPkS$tag if_c=vPkC$tag
if_s=${if_s:0:15} if_c=${if_c:0:15}
pin=/sys/fs/bpf/vosfp-pkg-deb-$tag
cleanup() {
	ip netns del "$ns_s" 2>/dev/null || true
	ip netns del "$ns_c" 2>/dev/null || true
	rm -rf "$pin" "$tmp"
	return 0
}
trap cleanup EXIT
fails=0
check() {
	if [ "$2" = "$3" ]; then echo "ok   $1"; else echo "FAIL $1: expected '$2', got '$3'"; fails=$((fails + 1)); fi
}

if [ -n "${VOSFP_TEST_DEBS:-}" ]; then
	# Packages built before (a directory with the .debs and the .changes):
	# checked and run as if built here, for working on this script.
	echo "note: using the packages in $VOSFP_TEST_DEBS, not building"
	cp "$VOSFP_TEST_DEBS"/*.deb "$VOSFP_TEST_DEBS"/*.changes "$VOSFP_TEST_DEBS"/*.buildinfo "$tmp"/
else
	# The copy: tracked and new files, not the build directories git ignores.
	mkdir "$tmp/src"
	git -C "$src" ls-files -co --exclude-standard -z | (cd "$src" && tar --null -T - -cf -) |
		tar -x -C "$tmp/src"
	echo "building the packages (dpkg-buildpackage -us -uc -b)"
	if ! (cd "$tmp/src" && DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -us -uc -b) \
		>"$tmp/build.log" 2>&1; then
		tail -n 40 "$tmp/build.log"
		echo "FAIL dpkg-buildpackage"
		exit 1
	fi
	# New or missing symbols against debian/libvosfp0.symbols.
	grep -E '^dpkg-gensymbols: warning' "$tmp/build.log" || true
fi
deb() { ls "$tmp"/"$1"_*.deb; }
for p in libvosfp0 libvosfp-dev vosfp python3-vosfp; do
	check "package $p is built" 1 "$(ls "$tmp"/"$p"_*.deb 2>/dev/null | wc -l)"
done
[ $fails -eq 0 ] || exit 1

if command -v lintian >/dev/null; then
	rc=0
	lintian --tag-display-limit 0 "$tmp"/*.changes >"$tmp/lintian.log" 2>&1 || rc=$?
	sed 's/^/lintian: /' "$tmp/lintian.log"
	check "lintian reports no errors" 0 "$(grep -c '^E: ' "$tmp/lintian.log" || true)"
	# 1 is "tags of error level were emitted"; anything above is lintian failing.
	[ $rc -le 1 ] || { echo "FAIL lintian itself failed (exit $rc)"; fails=$((fails + 1)); }
else
	echo "note: no lintian (apt-get install lintian): not run"
fi

has() { # has PACKAGE PATH-PATTERN: 1 if the package holds a matching path
	dpkg-deb -c "$(deb "$1")" | awk '{ print $6 }' | grep -cE "$2" || true
}
check "libvosfp0 holds libvosfp.so.0" 1 "$(has libvosfp0 '/libvosfp\.so\.0$')"
check "and no development link" 0 "$(has libvosfp0 '/libvosfp\.so$')"
dpkg-deb -e "$(deb libvosfp0)" "$tmp/ctrl"
check "libvosfp0 has a symbols file for libvosfp.so.0" 1 \
	"$(grep -c '^libvosfp\.so\.0 libvosfp0 ' "$tmp/ctrl/symbols" 2>/dev/null || true)"
check "that versions vosfp_open" 1 \
	"$(grep -c ' vosfp_open@[A-Z_0-9.]* ' "$tmp/ctrl/symbols" || true)"
check "and has the shlibs ldconfig trigger" 1 "$(grep -c ldconfig "$tmp/ctrl/triggers" || true)"
check "libvosfp-dev holds vosfp/vosfp.h" 1 "$(has libvosfp-dev '/usr/include/vosfp/vosfp\.h$')"
check "libvosfp-dev holds libvosfp.so" 1 "$(has libvosfp-dev '/libvosfp\.so$')"
check "libvosfp-dev holds libvosfp.a" 1 "$(has libvosfp-dev '/libvosfp\.a$')"
check "libvosfp-dev holds libvosfp.pc" 1 "$(has libvosfp-dev '/pkgconfig/libvosfp\.pc$')"
check "vosfp holds the tool" 1 "$(has vosfp '^\./usr/bin/vosfp$')"
check "vosfp holds the systemd units" 4 "$(has vosfp '^\./lib/systemd/system/vosfp.*\.service$')"
check "python3-vosfp holds the module, typed" 2 \
	"$(has python3-vosfp '/usr/lib/python3/dist-packages/vosfp/(__init__\.py|py\.typed)$')"
check "vosfp depends on libvosfp0" 1 \
	"$(dpkg-deb -f "$(deb vosfp)" Depends | grep -c 'libvosfp0 (>= 0\.1\.0)' || true)"
check "vosfp holds vosfp(8)" 1 "$(has vosfp '/usr/share/man/man8/vosfp\.8(\.gz)?$')"
check "vosfp holds the bash completion" 1 \
	"$(has vosfp '/usr/share/bash-completion/completions/vosfp$')"
check "libvosfp-dev holds libvosfp(3)" 1 \
	"$(has libvosfp-dev '/usr/share/man/man3/libvosfp\.3(\.gz)?$')"

root=$tmp/root
for f in "$tmp"/*.deb; do
	dpkg -x "$f" "$root"
done
libdir=$(dirname "$(find "$root" -name libvosfp.so.0 | head -n1)")
export LD_LIBRARY_PATH=$libdir
VOSFP=$root/usr/bin/vosfp
check "the unpacked tool loads the unpacked library" 1 \
	"$(ldd "$VOSFP" | grep -c "libvosfp\.so\.0 => $libdir/libvosfp\.so\.0")"
check "vosfp version" "vosfp 0.1.0" "$("$VOSFP" version | head -n1 | awk '{ print $1, $2 }')"

# The demo path: a server namespace whose veth gets the filter, a caller
# namespace on the other end.
ip netns add "$ns_s"
ip netns add "$ns_c"
ip -n "$ns_s" link add "$if_s" type veth peer name "$if_c" netns "$ns_c"
ip -n "$ns_s" addr add 192.0.2.1/24 dev "$if_s"
ip -n "$ns_c" addr add 192.0.2.2/24 dev "$if_c"
ip -n "$ns_s" link set "$if_s" up
ip -n "$ns_c" link set "$if_c" up
# nsenter, not ip netns exec: that remounts /sys and hides the pins.
v() { nsenter --net="/run/netns/$ns_s" "$VOSFP" --pin-root "$pin" "$@"; }
mode=$(v attach "$if_s" | grep -oE 'native|generic' | head -n1)
check "attach to the veth (native or generic)" 1 "$(grep -cE '^(native|generic)$' <<<"$mode")"
v block 192.0.2.2/32 >/dev/null
check "block lists the prefix" 1 "$(v list block | grep -c '^192\.0\.2\.2/32$')"
# Three SIP requests from the blocked caller, one datagram each.
nsenter --net="/run/netns/$ns_c" /usr/bin/python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(3):
    s.sendto(b"OPTIONS sip:192.0.2.1 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.2:5070\r\n\r\n",
             ("192.0.2.1", 5060))'
blocked_count() {
	v stats --json | /usr/bin/python3 -c \
		'import json, sys; print(json.load(sys.stdin)["counters"]["blocked"]["packets"])' ||
		echo "?"
}
# The first datagram waits for ARP: poll, bounded, for all three.
for _ in $(seq 1 50); do
	blocked=$(blocked_count)
	[ "$blocked" = 3 ] && break
	sleep 0.1
done
check "stats counts the caller's requests as blocked" 3 "$blocked"
check "stats --prometheus names the interface" 1 \
	"$(v stats --prometheus | grep -c "^vosfp_attached{interface=\"$if_s\"")"
v detach "$if_s" >/dev/null
check "detach leaves no attachment" 0 "$(v stats --prometheus | grep -c '^vosfp_attached{' || true)"

check "the unpacked Python package imports the unpacked library" 0.1.0 \
	"$(PYTHONPATH=$root/usr/lib/python3/dist-packages /usr/bin/python3 -c \
		'import vosfp; print(vosfp.version())')"
if command -v cc >/dev/null && command -v pkg-config >/dev/null; then
	cat >"$tmp/static.c" <<'EOF'
#include <stdio.h>
#include <vosfp/vosfp.h>
int main(void) { printf("%s\n", vosfp_version()); return 0; }
EOF
	pc=$(dirname "$(find "$root" -name libvosfp.pc | head -n1)")
	# libvosfp.a itself; its own dependencies (libbpf...) from the system.
	if PKG_CONFIG_PATH=$pc PKG_CONFIG_SYSROOT_DIR=$root cc -o "$tmp/static" "$tmp/static.c" \
		$(PKG_CONFIG_PATH=$pc PKG_CONFIG_SYSROOT_DIR=$root pkg-config --cflags libvosfp) \
		"$libdir/libvosfp.a" $(pkg-config --libs --static libbpf libxdp) -lpthread 2>"$tmp/cc.log"; then
		check "a program linked with libvosfp.a needs no libvosfp.so" 0 \
			"$(env -u LD_LIBRARY_PATH ldd "$tmp/static" | grep -c libvosfp || true)"
		check "and runs" 0.1.0 "$(env -u LD_LIBRARY_PATH "$tmp/static")"
	else
		cat "$tmp/cc.log"
		check "a program links with libvosfp.a" 0 1
	fi
fi
echo "packaging-deb: $fails failed"
[ $fails -eq 0 ]
