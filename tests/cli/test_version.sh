#!/usr/bin/env bash
# vosfp --version and vosfp version: the tool's version, the library's
# (what vosfp_version() says, as status reports it) and the libbpf it runs
# with, the same from both spellings, on stdout, exit 0.
# usage: test_version.sh VOSFP_BINARY PROJECT_VERSION
set -euo pipefail
VOSFP=$1 want=$2
export VOSFP_CONFIG=/dev/null
fails=0
check() {
	if [ "$2" = "$3" ]; then echo "ok   $1"; else echo "FAIL $1: expected '$2', got '$3'"; fails=$((fails + 1)); fi
}
out=$("$VOSFP" --version) && rc=0 || rc=$?
check "--version: exit 0" 0 "$rc"
check "--version: three lines" 3 "$(wc -l <<<"$out")"
check "the tool's version" "vosfp $want" "$(sed -n 1p <<<"$out")"
check "the library's version" "libvosfp $want" "$(sed -n 2p <<<"$out")"
# The libbpf the tool was linked with, as its package names it (1.1.0 -> 1.1).
lib=$(pkg-config --modversion libbpf 2>/dev/null | cut -d. -f1,2)
if [ -n "$lib" ]; then
	check "libbpf's version" "libbpf $lib" "$(sed -n 3p <<<"$out")"
else
	check "libbpf's version" 1 "$(sed -n 3p <<<"$out" | grep -cE '^libbpf [0-9]+\.[0-9]+$')"
fi
check "vosfp version says the same" "$out" "$("$VOSFP" version)"
check "vosfp version --help: exit 0" 0 "$("$VOSFP" version --help >/dev/null; echo $?)"
echo "version: $fails failed"
[ $fails -eq 0 ]
