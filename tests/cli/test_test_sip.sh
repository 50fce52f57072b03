#!/usr/bin/env bash
# vosfp test --sip and --frame: one SIP message (wrapped by the tool) or one
# raw frame through the program, verdict and reason counter: a scanner's
# OPTIONS, an INVITE from a blocked source, one from an allowed source,
# IPv6; the live counters and bans stay untouched (scratch root); bad files
# are refused with a clear message. Runs in a network namespace of its own.
# usage: test_test_sip.sh VOSFP_BINARY
set -euo pipefail
VOSFP=$1
. "$(dirname "$0")/../lib.sh" # check, finish, require_root, require_tools
require_root "BPF, network namespaces"
require_tools "util-linux" nsenter
id=$$-$RANDOM
ns=vExS-$id
pin=/sys/fs/bpf/vosfp-tsip-$id
tmp=$(mktemp -d /tmp/vExS-XXXXXX)
cleanup() {
	ip netns del "$ns" 2>/dev/null || true
	rm -rf "$pin" "$pin-none" "$tmp" 2>/dev/null || true
	return 0
}
trap cleanup EXIT
ip netns add "$ns"
v() { nsenter --net="/run/netns/$ns" "$VOSFP" --pin-root "$pin" "$@"; }
json() { python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["schema"]==1; print(d[sys.argv[1]])' "$1"; }

printf 'OPTIONS sip:100@example.com SIP/2.0\r\nVia: SIP/2.0/UDP h\r\nCSeq: 1 OPTIONS\r\nUser-Agent: friendly-scanner\r\n\r\n' >"$tmp/options.sip"
printf 'INVITE sip:100@example.com SIP/2.0\r\nVia: SIP/2.0/UDP h\r\nCSeq: 1 INVITE\r\nUser-Agent: friendly-scanner\r\n\r\n' >"$tmp/scan-invite.sip"
printf 'INVITE sip:100@example.com SIP/2.0\r\nVia: SIP/2.0/UDP h\r\nCSeq: 1 INVITE\r\nUser-Agent: Linphone\r\n\r\n' >"$tmp/invite.sip"

v block 192.0.2.0/24 >/dev/null
v allow 198.51.100.0/24 >/dev/null
v ports 5080 >/dev/null

check "scanner OPTIONS: dropped unanswered (stealth)" "verdict: drop
reason: stealth" "$(v test --sip "$tmp/options.sip" --from 203.0.113.5)"
check "scanner INVITE: dropped as a scanner" scanner \
	"$(v test --sip "$tmp/scan-invite.sip" --from 203.0.113.5 --json | json reason)"
check "INVITE from a blocked source" blocked \
	"$(v test --sip "$tmp/invite.sip" --from 192.0.2.9:5062 --json | json reason)"
check "INVITE from an allowed source" "verdict: pass
reason: allowed" "$(v test --sip "$tmp/invite.sip" --from 198.51.100.9)"
check "INVITE from anyone else passes" passed \
	"$(v test --sip "$tmp/invite.sip" --from 203.0.113.6 --json | json reason)"
check "IPv6, from and to given" scanner \
	"$(v test --sip "$tmp/scan-invite.sip" --from '[2001:db8::5]:5070' --to '[2001:db8::1]:5080' --json | json reason)"
check "to a port that is not a SIP port: not the filter's" none \
	"$(v test --sip "$tmp/invite.sip" --from 192.0.2.9 --to 198.51.100.1:5060 --json | json reason)"
check "the dry runs banned nobody for real" "" "$(v list bans)"
check "and moved no live counter" 0 \
	"$(v stats --json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(sum(c["packets"] for c in d["counters"].values() if isinstance(c, dict) and "packets" in c))')"
check "no scratch root is left" 0 "$(ls -d "$pin"-replay-* 2>/dev/null | wc -l)"

# A raw frame: the INVITE from a blocked source, Ethernet/IPv4/UDP.
python3 - "$tmp/frame.bin" <<'PY'
import socket, struct, sys
msg = b"INVITE sip:1@x SIP/2.0\r\nVia: SIP/2.0/UDP h\r\nCSeq: 1 INVITE\r\n\r\n"
udp = struct.pack("!HHHH", 5060, 5080, 8 + len(msg), 0) + msg
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                 socket.inet_aton("192.0.2.9"), socket.inet_aton("198.51.100.1"))
s = sum(struct.unpack("!10H", ip))
s = (s & 0xffff) + (s >> 16); s = (s & 0xffff) + (s >> 16)
ip = ip[:10] + struct.pack("!H", ~s & 0xffff) + ip[12:]
open(sys.argv[1], "wb").write(b"\x02\0\0\0\0\1\x02\0\0\0\0\2\x08\x00" + ip + udp)
PY
check "--frame: a raw frame from a blocked source" "verdict: drop
reason: blocked" "$(v test --frame "$tmp/frame.bin")"

: >"$tmp/empty"
head -c 70000 /dev/zero >"$tmp/big"
printf 'ab' >"$tmp/short"
err() { v test "$@" 2>&1 >/dev/null; }
rc() { v test "$@" >/dev/null 2>&1 && echo 0 || echo $?; }
check "an empty file is refused" 1 "$(rc --sip "$tmp/empty")"
check "and says so" 1 "$(err --sip "$tmp/empty" | grep -c 'empty file')"
check "a file over 64 KiB is refused" 1 "$(err --frame "$tmp/big" | grep -c 'larger than 64 KiB')"
check "a SIP message given as a frame is refused" 1 \
	"$(err --frame "$tmp/invite.sip" | grep -c 'not an Ethernet frame.*--sip')"
check "a frame shorter than its header is refused" 1 \
	"$(err --frame "$tmp/short" | grep -c 'not an Ethernet frame')"
check "a missing file is refused" 1 "$(rc --sip "$tmp/nonexistent")"
check "--from of another family than --to: usage error" 2 \
	"$(rc --sip "$tmp/invite.sip" --from 192.0.2.1 --to 2001:db8::1)"
check "--from without --sip: usage error" 2 "$(rc --frame "$tmp/frame.bin" --from 192.0.2.1)"
check "a bad port: usage error" 2 "$(rc --sip "$tmp/invite.sip" --from 192.0.2.1:99999)"
check "both --frame and --sip: usage error" 2 \
	"$(rc --frame "$tmp/frame.bin" --sip "$tmp/invite.sip")"
check "a SIP message too long for a frame is refused" 1 \
	"$(head -c 5000 /dev/zero | tr '\0' a >"$tmp/long.sip"; rc --sip "$tmp/long.sip")"

# A pin root that is not there: refused, and not made by the dry run.
none=$pin-none
for args in "--sip $tmp/invite.sip" "--frame $tmp/frame.bin" "192.0.2.9"; do
	rc=0
	# shellcheck disable=SC2086 # the words of $args are the arguments
	out=$(nsenter --net="/run/netns/$ns" "$VOSFP" --pin-root "$none" test $args 2>&1) || rc=$?
	check "test $args on a missing pin root: an error" 1 "$rc"
	check "... that says so" 1 "$(grep -c "$none: no such pin root" <<<"$out")"
	check "... and makes none" no "$([ -e "$none" ] && echo yes || echo no)"
done

finish test-sip
