#!/bin/sh
# bpf/vosfp.bpf.c holds the decision only (the XDP entry point and its order
# of checks); the rest lives in one header per concern. And the split kept
# every global BPF function global: each is verified once on its own, and a
# byte loop that became static inline would be verified once per caller
# (docs/filter.md, "Costs for the verifier"). The decision itself is inlined
# into the entry point (issue 15: one call fewer on every SIP-port packet).
# usage: test_bpf_layout.sh SOURCE_ROOT BPFTOOL VOSFP_BPF_O
set -eu
src=$1 bpftool=$2 obj=$3
main=$src/bpf/vosfp.bpf.c
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# The concerns, each in its header, each included by the program.
for h in maps.h verdict.h bans.h egress.h policy_lookup.h rate_limit.h sip_scan.h sip_hooks.h \
	plain_frames.h; do
	[ -f "$src/bpf/$h" ] || { fail "bpf/$h is missing"; continue; }
	grep -q "^#include \"$h\"" "$main" || fail "vosfp.bpf.c does not include $h"
	guard=$(sed -n 's/^#ifndef \(VOSFP_[A-Z0-9_]*_H\)$/\1/p' "$src/bpf/$h" | head -n 1)
	[ -n "$guard" ] || fail "bpf/$h has no include guard"
done

# The entry file: no maps, and of the functions only the port check, the
# decision and the entry point.
grep -n 'SEC("\.maps")' "$main" && fail "vosfp.bpf.c defines maps (they belong in maps.h)"
funcs=$(sed -n 's/^\(static \)\{0,1\}\(__always_inline \)\{0,1\}\(__attribute__((noinline)) \)\{0,1\}[a-z_0-9]* \**\([a-z_0-9]*\)(.*/\4/p' \
	"$main" | sort | tr '\n' ' ')
[ "$funcs" = "to_sip_port vosfp_decide vosfp_xdp " ] ||
	fail "vosfp.bpf.c defines more than the decision: $funcs"
lines=$(wc -l <"$main")
[ "$lines" -le 160 ] || fail "vosfp.bpf.c has $lines lines: the decision no longer fits a screen or two"

# The global functions of the object, as before the split.
want="vosfp_classify_payload vosfp_eg_completes vosfp_eg_learn vosfp_eg_method
vosfp_egress vosfp_find vosfp_find_line_u vosfp_find_line_u_tail vosfp_find_tail
vosfp_header_value vosfp_net6_find vosfp_ua_match vosfp_user_agent vosfp_xdp"
want=$(echo $want | tr ' ' '\n' | sort | tr '\n' ' ')
got=$("$bpftool" btf dump file "$obj" | sed -n "s/.* FUNC '\([a-z_0-9]*\)' .*linkage=global.*/\1/p" |
	sort | tr '\n' ' ')
[ "$got" = "$want" ] || fail "global BPF functions changed: got '$got', want '$want'"

[ "$fails" -eq 0 ] || exit 1
echo "ok: the decision alone in vosfp.bpf.c ($lines lines), one header per concern, 14 global functions"
