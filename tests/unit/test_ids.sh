#!/bin/sh
# The ids the XDP program and the library share (counter reasons, lists) have
# one definition, include/vosfp/vosfp_ids.h: it compiles alone, without libc,
# for the BPF target and the host; it holds the ABI values; the public header
# and the program's shared header include it; and no mirror of it is left.
# usage: test_ids.sh SOURCE_ROOT CC CLANG
set -eu
src=$1 cc=$2 clang=$3
ids=$src/include/vosfp/vosfp_ids.h
tmp=$(mktemp -d /tmp/ids-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

[ -f "$ids" ] || { echo "FAIL: $ids is missing"; exit 1; }

# The ABI values, pinned: these must never change (docs/abi.md).
cat >"$tmp/abi.c" <<'EOF'
#include <vosfp/vosfp_ids.h>
#define ID(name, v) _Static_assert(name == v, #name " is " #v " in the ABI")
ID(VOSFP_CTR_PASSED, 0); ID(VOSFP_CTR_ALLOWED, 1); ID(VOSFP_CTR_BLOCKED, 2);
ID(VOSFP_CTR_STEALTH, 3); ID(VOSFP_CTR_MALFORMED, 4); ID(VOSFP_CTR_REDIRECTED, 5);
ID(VOSFP_CTR_KEEPALIVE, 6); ID(VOSFP_CTR_SCANNER, 7); ID(VOSFP_CTR_RATE_LIMITED, 8);
ID(VOSFP_CTR_BANNED, 9);
ID(VOSFP_LIST_BLOCK, 0); ID(VOSFP_LIST_ALLOW, 1);
int vosfp_ids_probe;
EOF
# -nostdinc: any #include of a system header (libc or kernel) fails here.
"$clang" -target bpf -nostdinc -ffreestanding -Wall -Werror -I"$src/include" \
	-c "$tmp/abi.c" -o "$tmp/abi.bpf.o" 2>"$tmp/err" ||
	{ cat "$tmp/err"; fail "vosfp_ids.h does not compile alone for the BPF target"; }
"$cc" -nostdinc -ffreestanding -Wall -Werror -I"$src/include" \
	-c "$tmp/abi.c" -o "$tmp/abi.o" 2>"$tmp/err" ||
	{ cat "$tmp/err"; fail "vosfp_ids.h does not compile alone for the host"; }

grep -q '^#include "vosfp_ids.h"' "$src/include/vosfp/vosfp.h" ||
	fail "vosfp.h does not include vosfp_ids.h"
grep -q '^#include <vosfp/vosfp_ids.h>' "$src/bpf/vosfp_shared.h" ||
	fail "bpf/vosfp_shared.h does not include vosfp/vosfp_ids.h"

# No second definition: no enumerator or #define of these ids elsewhere, no
# mirrored names (the old VOSFP_R_*, VOSFP_L_*), no asserts tying mirrors.
for f in $(find "$src/include" "$src/bpf" "$src/libvosfp" -name '*.[ch]' ! -path "$ids"); do
	rel=${f#"$src"/}
	grep -nE '^[[:space:]]*VOSFP_(CTR|LIST)_[A-Z_]+[[:space:]]*(=|,)|#define[[:space:]]+VOSFP_(CTR|LIST)_[A-Z]' \
		"$f" | grep -v 'VOSFP_CTR_SLOTS' | sed "s|^|$rel:|" >"$tmp/defs" || true
	[ -s "$tmp/defs" ] && { cat "$tmp/defs"; fail "$rel defines a shared id again"; }
	grep -nE '\bVOSFP_(R|L)_[A-Z]|SAME_ID|VOSFP_R__COUNT' "$f" | sed "s|^|$rel:|" >"$tmp/defs" || true
	[ -s "$tmp/defs" ] && { cat "$tmp/defs"; fail "$rel keeps a mirror of a shared id"; }
	grep -nE '_Static_assert\(.*VOSFP_PK_' "$f" | sed "s|^|$rel:|" >"$tmp/defs" || true
	[ -s "$tmp/defs" ] && { cat "$tmp/defs"; fail "$rel asserts a mirror of the table kinds"; }
done

[ "$fails" -eq 0 ] || exit 1
echo "ok: one definition of the shared ids, libc-free, ABI values unchanged"
