#!/usr/bin/env bash
# A consumer's view: install the build into a scratch prefix, then use it
# through what an embedder gets and nothing else:
#  - C: examples/c built through pkg-config only;
#  - Python: the installed package imported with the installed library;
#  - Go: the binding and examples/go built by cgo through pkg-config only.
# As root, each example then runs on a veth pair inside a network namespace
# of its own (unshare -n: the namespace, and the veth in it, vanish with the
# process on every exit path).
# usage: test_consumer.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
. "$(dirname "$0")/../lib.sh" # skip
src=$(realpath "$1") build=$2

tmp=$(mktemp -d /tmp/vosfp-consumer.XXXXXX)
pin_base=/sys/fs/bpf/vosfp-consumer-$$-$RANDOM
cleanup() {
	rm -rf "$tmp" "$pin_base"-*
	return 0
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

meson install -C "$build" --destdir "$tmp/root" --no-rebuild --quiet >/dev/null
pc=$(find "$tmp/root" -name libvosfp.pc | head -n1)
[ -n "$pc" ] || fail "libvosfp.pc not installed"
[ -n "$(find "$tmp/root" -path '*/include/vosfp/vosfp.h')" ] || fail "header not installed"
# The version is written once (meson.build): the generated header says the same as the .pc.
verh=$(find "$tmp/root" -path '*/include/vosfp/version.h' | head -n1)
[ -n "$verh" ] || fail "vosfp/version.h not installed"
hver=$(sed -n 's/^#define VOSFP_VERSION "\(.*\)"$/\1/p' "$verh")
[ "$hver" = "$(sed -n 's/^Version: //p' "$pc")" ] ||
	fail "vosfp/version.h ($hver) and libvosfp.pc disagree on the version"
[ -n "$(find "$tmp/root" -name vosfp -path '*/bin/*')" ] || fail "vosfp tool not installed"
pkg=$(find "$tmp/root" -path '*-packages/vosfp/__init__.py' | head -n1)
[ -n "$pkg" ] || fail "Python package not installed"
pydir=$(dirname "$(dirname "$pkg")")
libdir=$(dirname "$(find "$tmp/root" -name 'libvosfp.so.0' | head -n1)")

# The .pc file names the final prefix; the sysroot maps it into the scratch dir.
export PKG_CONFIG_PATH=$(dirname "$pc") PKG_CONFIG_SYSROOT_DIR=$tmp/root
cflags=$(pkg-config --cflags libvosfp)
libs=$(pkg-config --libs libvosfp)
echo "pkg-config: $cflags $libs"

# C: the example's own Makefile, out of tree.
make -s -C "$tmp" -f "$src/examples/c/Makefile" VPATH="$src/examples/c" \
	CFLAGS="-O2 -Wall -Wextra -Werror" embed
echo "ok   C example built"

# C against the build tree, uninstalled: meson's libvosfp-uninstalled.pc must
# name include/ as well as the library's directory.
(
	export PKG_CONFIG_PATH="$build/meson-uninstalled"
	unset PKG_CONFIG_SYSROOT_DIR
	mkdir -p "$tmp/uninstalled"
	make -s -C "$tmp/uninstalled" -f "$src/examples/c/Makefile" VPATH="$src/examples/c" \
		CFLAGS="-O2 -Wall -Wextra -Werror" embed
) || fail "examples/c does not build against libvosfp-uninstalled.pc"
echo "ok   C example built against the uninstalled build tree"

# Python: the installed package, with the installed library found by the
# loader (no $VOSFP_LIBRARY); /proc/self/maps shows which one was mapped.
py=$(command -v /usr/bin/python3 || command -v python3)
pyrun() { env -u VOSFP_LIBRARY LD_LIBRARY_PATH="$libdir" PYTHONPATH="$pydir" PYTHONDONTWRITEBYTECODE=1 "$py" "$@"; }
out=$(pyrun -c '
import vosfp
maps = open("/proc/self/maps").read()
lib = [l.split()[-1] for l in maps.splitlines() if "libvosfp.so" in l][0]
print(vosfp.version(), vosfp.__file__, lib)') || fail "cannot import the installed Python package"
read -r pyver pyfile pylib <<<"$out"
[ "$pyver" = "$(sed -n "s/^Version: //p" "$pc")" ] || fail "vosfp.version() is '$pyver'"
[[ $pyfile == "$pydir"/* ]] || fail "imported $pyfile, not the installed package"
[[ $pylib == "$libdir"/* ]] || fail "loaded $pylib, not the installed library"
echo "ok   Python package from $pydir: version $pyver, library $pylib"

# Go: cgo runs pkg-config itself; -x shows the flags it got, which must
# point into the scratch prefix (the sysroot applied), not at any system copy.
have_go=0
if command -v go >/dev/null; then
	have_go=1
	export GOCACHE=$tmp/gocache GOPATH=$tmp/gopath GOPROXY=off GOENV=off GOFLAGS= CGO_ENABLED=1
	# The example first, from an empty cache: its build compiles the binding.
	(cd "$src/examples/go" && go build -x -o "$tmp/embed-go" . 2>"$tmp/go-build.log") ||
		{ cat "$tmp/go-build.log"; fail "Go example did not build"; }
	(cd "$src/bindings/go" && go build ./...)
	grep -q -- "-I$tmp/root/[^ ]*include" "$tmp/go-build.log" || fail "cgo did not get the prefix's -I"
	grep -q -- "-L$libdir" "$tmp/go-build.log" || fail "cgo did not get the prefix's -L"
	deps=$(LD_LIBRARY_PATH=$libdir ldd "$tmp/embed-go" 2>&1) || true
	grep -q "libvosfp.so.0 => $libdir/" <<<"$deps" ||
		{ echo "$deps"; fail "Go example does not load the installed library ($libdir)"; }
	echo "ok   Go binding and example built through pkg-config"
else
	echo "SKIP Go: no Go toolchain (apt-get install golang-go)"
fi

if [ "$(id -u)" != 0 ]; then
	skip "run: attaching XDP needs root (CAP_BPF, CAP_NET_ADMIN); builds and imports checked"
fi

# run_example NAME CMD...: CMD VETH PIN_ROOT in a network namespace of its
# own, with the veth made there; the output must show the whole life cycle.
run_example() {
	local name=$1 ifa=vca$$ ifb=vcb$$ out rc=0
	shift
	out=$(env -u VOSFP_LIBRARY LD_LIBRARY_PATH="$libdir" PYTHONPATH="$pydir" PYTHONDONTWRITEBYTECODE=1 \
		unshare -n sh -c '
		ip link add "$1" type veth peer name "$2" &&
		ip link set "$1" up && ip link set "$2" up && shift 2 && exec "$@"' \
		sh "$ifa" "$ifb" "$@" "$ifa" "$pin_base-$name" 2>&1) || rc=$?
	[ $rc = 0 ] || { echo "$out"; fail "$name example exited $rc"; }
	echo "$out"
	grep -q "^attached to $ifa in native mode$" <<<"$out" || fail "$name: no native attach"
	grep -q '^blocked 192.0.2.0/24 (1 prefixes' <<<"$out" || fail "$name: block not applied"
	for reason in $(pyrun -c 'import vosfp; print(" ".join(vosfp.counter_names()))'); do
		grep -q "^  $reason " <<<"$out" || fail "$name: counter $reason not printed"
	done
	grep -q "^detached from $ifa$" <<<"$out" || fail "$name: no detach"
	echo "ok   $name example ran"
}
run_example c "$tmp/embed"
run_example python "$py" "$src/examples/python/embed.py"
[ $have_go = 0 ] || run_example go "$tmp/embed-go"
echo "consumer: installed library used through pkg-config, Python and Go"
