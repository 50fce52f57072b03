#!/usr/bin/env bash
# The Python package as pip installs it: pip install --no-index
# --no-build-isolation (offline, no compiler) of a copy of bindings/python
# into a fresh venv; from there, __version__ is meson's project version and
# the library's, py.typed ships, and a few calls run against the built
# library (the kernel ones as root). With no library to load, import fails
# with an ImportError that says how to get one.
# usage: test_install.sh SOURCE_DIR LIBRARY PROJECT_VERSION
set -euo pipefail
src=$1 lib=$(realpath "$2") want=$3
py=/usr/bin/python3
[ -x $py ] || { echo "SKIP: no Debian python3"; exit 77; }
$py -c 'import venv, ensurepip' 2>/dev/null ||
	{ echo "SKIP: no venv/ensurepip (apt-get install python3-venv)"; exit 77; }
# Offline, the build backend comes from the system: Debian's setuptools and
# wheel, seen through --system-site-packages.
$py -c 'import setuptools, wheel' 2>/dev/null ||
	{ echo "SKIP: no setuptools/wheel (apt-get install python3-setuptools python3-wheel)"; exit 77; }

tmp=$(mktemp -d /tmp/vosfp-pyinst.XXXXXX)
pin=/sys/fs/bpf/vosfp-pyinst-$$-$RANDOM
cleanup() {
	rm -rf "$tmp" "$pin"
	return 0
}
trap cleanup EXIT
fails=0
check() {
	if [ "$2" = "$3" ]; then echo "ok   $1"; else echo "FAIL $1: expected '$2', got '$3'"; fails=$((fails + 1)); fi
}

# A copy: setuptools writes build/ and vosfp.egg-info/ next to the sources.
cp -r "$src/bindings/python" "$tmp/src"
rm -rf "$tmp/src/build" "$tmp/src"/*.egg-info
$py -m venv --system-site-packages "$tmp/venv"
"$tmp/venv/bin/pip" install -q --no-index --no-build-isolation "$tmp/src"
vpy=$tmp/venv/bin/python
cd "$tmp"   # away from any source tree, so only the installed copy imports

site=$("$vpy" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
check "the package is installed in the venv" "$site/vosfp/__init__.py" \
	"$(VOSFP_LIBRARY=$lib "$vpy" -c 'import vosfp; print(vosfp.__file__)')"
check "py.typed ships with it" yes "$([ -f "$site/vosfp/py.typed" ] && echo yes)"
check "__version__ is meson's project version" "$want" \
	"$(VOSFP_LIBRARY=$lib "$vpy" -c 'import vosfp; print(vosfp.__version__)')"
check "and the library's" "$want" \
	"$(VOSFP_LIBRARY=$lib "$vpy" -c 'import vosfp; print(vosfp.version())')"
check "pip's metadata says the same" "$want" \
	"$("$vpy" -c 'import importlib.metadata as m; print(m.version("vosfp"))')"
check "an IPv6Network is a prefix" 2001:db8::/32 \
	"$(VOSFP_LIBRARY=$lib "$vpy" -c 'import ipaddress, vosfp
print(vosfp.check_prefix(ipaddress.ip_network("2001:db8::/32")))')"
check "the library is found through LD_LIBRARY_PATH too" 1 \
	"$(LD_LIBRARY_PATH=$(dirname "$lib") "$vpy" -c 'import vosfp
print(int("scanner" in vosfp.counter_names()))')"
if [ "$(id -u)" = 0 ]; then
	check "as root: block, list, unpin through the installed package" \
		"['192.0.2.0/24', '198.51.100.7/32']" \
		"$(VOSFP_LIBRARY=$lib "$vpy" -c 'import ipaddress, sys, vosfp
with vosfp.Vosfp(pin_root=sys.argv[1]) as h:
    h.block(ipaddress.ip_network("192.0.2.0/24"))
    h.block(ipaddress.ip_address("198.51.100.7"))
    print(h.policy("block"))
    h.unpin()' "$pin")"
else
	echo "note: not root: the pin-root calls are left out"
fi

# The hints as a client sees them: through py.typed, mypy checks a caller
# of the installed package (a wrong one is caught), and the package itself
# is clean under --strict.
if /usr/bin/python3 -m mypy --version >/dev/null 2>&1; then
	mypy=(/usr/bin/python3 -m mypy --cache-dir "$tmp/mypy" --python-executable "$vpy"
		--no-error-summary)
	printf 'import ipaddress\nimport vosfp\nv: str = vosfp.version()\n%s\n' \
		'p: str = vosfp.check_prefix(ipaddress.ip_network("192.0.2.0/24"))' >"$tmp/good.py"
	printf 'import vosfp\nn: int = vosfp.version()\n' >"$tmp/bad.py"
	check "mypy accepts a correct caller of the installed package" 0 \
		"$("${mypy[@]}" "$tmp/good.py" >"$tmp/mypy.log" 2>&1; echo $?)"
	cat "$tmp/mypy.log"
	check "and catches a wrong one (the hints are exported)" 1 \
		"$("${mypy[@]}" "$tmp/bad.py" 2>&1 | grep -c 'Incompatible types in assignment')"
	check "the package passes mypy --strict" 0 \
		"$("${mypy[@]}" --strict -p vosfp >"$tmp/mypy.log" 2>&1; echo $?)"
	cat "$tmp/mypy.log"
else
	echo "note: no mypy (apt-get install python3-mypy): the hints are not checked"
fi

# The library hidden: a named file that is not there, and none on the path.
err=$(VOSFP_LIBRARY=$tmp/none/libvosfp.so.0 "$vpy" -c 'import vosfp' 2>&1 || true)
check "a missing VOSFP_LIBRARY is an ImportError" 1 \
	"$(grep -c '^ImportError: vosfp: cannot load' <<<"$err")"
check "that names the file" 1 "$(grep -c "$tmp/none/libvosfp.so.0" <<<"$err")"
check "and says how to install it" 1 \
	"$(grep -c 'apt-get install libvosfp0.*LD_LIBRARY_PATH.*VOSFP_LIBRARY' <<<"$err")"
if ldconfig -p | grep -q 'libvosfp\.so\.0 '; then
	echo "note: a libvosfp.so.0 is in ld.so.cache: the no-library case is left out"
else
	err=$(env -u VOSFP_LIBRARY -u LD_LIBRARY_PATH "$vpy" -c 'import vosfp' 2>&1 || true)
	check "none on the loader's path is an ImportError naming libvosfp0" 1 \
		"$(grep -c '^ImportError: vosfp: cannot load libvosfp (looked for libvosfp.so.0.*libvosfp0' \
			<<<"$err")"
fi
echo "python-install: $fails failed"
[ $fails -eq 0 ]
