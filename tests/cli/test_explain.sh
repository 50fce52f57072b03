#!/usr/bin/env bash
# vosfp test ADDRESS: each finding the library reports about one source
# (block entry as stored with its TTL, bans by hand and automatic, allow
# entry, verified source, rate-limit state) and the decision, for IPv4,
# IPv6 and v4-mapped addresses, in text and JSON. The automatic bans,
# verified sources and rate state are made by real traffic: a veth pair
# between two network namespaces of the test's own, the filter attached
# (generic mode) on the server's side.
# usage: test_explain.sh VOSFP_BINARY
set -euo pipefail
VOSFP=$1
. "$(dirname "$0")/../lib.sh" # check, finish, require_root, require_tools
require_root "network namespaces, XDP"
require_tools "util-linux" nsenter
id=$$-$RANDOM
nsa=vExA-$id nsb=vExB-$id
pin=/sys/fs/bpf/vosfp-texp-$id
dev=vEx$RANDOM
cleanup() {
	ip netns del "$nsa" 2>/dev/null || true
	ip netns del "$nsb" 2>/dev/null || true
	rm -rf "$pin" 2>/dev/null || true
	[ -z "${tmp:-}" ] || rm -rf "$tmp"
	return 0
}
trap cleanup EXIT
ip netns add "$nsa"
ip netns add "$nsb"
ina() { nsenter --net="/run/netns/$nsa" "$@"; }
inb() { nsenter --net="/run/netns/$nsb" "$@"; }
v() { ina "$VOSFP" --pin-root "$pin" "$@"; }
# One member of `vosfp test ADDR --json`, by a Python path ("ban.table").
# Each address is asked once until the state changes (forget): a run of
# the tool costs a map open, and the TTLs below keep running meanwhile.
tmp=$(mktemp -d /tmp/vEx-XXXXXX)
forget() { rm -f "$tmp"/a-*; }
field() {
	[ -s "$tmp/a-$1" ] || v test "$1" --json >"$tmp/a-$1"
	python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["schema"] == 1
for k in sys.argv[1].split("."):
    d = d[k] if isinstance(d, dict) else None
print(json.dumps(d))' "$2" <"$tmp/a-$1"
}

# The server (A) and the clients (B) on 203.0.113.0/24 and 2001:db8:2::/64.
ina ip link add "$dev" type veth peer name "${dev}b"
ina ip link set "${dev}b" netns "$nsb"
ina ip link set lo up
inb ip link set lo up
ina ip addr add 203.0.113.1/24 dev "$dev"
ina ip addr add 2001:db8:2::1/64 dev "$dev" nodad
for h in 11 12 13; do
	inb ip addr add "203.0.113.$h/24" dev "${dev}b"
	inb ip addr add "2001:db8:2::$h/64" dev "${dev}b" nodad
done
ina ip link set "$dev" up
inb ip link set "${dev}b" up
v attach "$dev" --mode generic >/dev/null

# The lists and a ban by hand, as an operator makes them.
v block 192.0.2.0/24 >/dev/null
v block 192.0.2.7 --ttl 1h >/dev/null
v block 2001:db8:bad::/48 >/dev/null
v allow 198.51.100.0/24 --ttl 2h >/dev/null
v allow 2001:db8:600d::/48 >/dev/null
v ban 198.51.100.99 --ttl 10m >/dev/null
v ban 2001:db8:600d::99 --ttl 20m >/dev/null
v config rate_limit 1 >/dev/null
v config rate_burst 100000 >/dev/null

# Real traffic from B: scanner INVITEs from .11 (banned automatically),
# a thousand INVITEs from .13 (rate state), and the server's 200 to a REGISTER
# from .12 (verified, learnt on the way out of A).
inb python3 - <<'PY'
import socket
def send(src, dst, msg, n=1):
    fam = socket.AF_INET6 if ":" in src else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.bind((src, 0))
    for _ in range(n):
        s.sendto(msg, (dst, 5060))
    s.close()
inv = (b"INVITE sip:100@example.com SIP/2.0\r\nVia: SIP/2.0/UDP h\r\n"
       b"CSeq: 1 INVITE\r\nUser-Agent: %s\r\n\r\n")
for src, dst in (("203.0.113.11", "203.0.113.1"), ("2001:db8:2::11", "2001:db8:2::1")):
    send(src, dst, inv % b"friendly-scanner")
for src, dst in (("203.0.113.13", "203.0.113.1"), ("2001:db8:2::13", "2001:db8:2::1")):
    send(src, dst, inv % b"Linphone", 1000)
PY
ina python3 - <<'PY'
import socket
ok = b"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h\r\nCSeq: 7 REGISTER\r\nContent-Length: 0\r\n\r\n"
for src, dst in (("203.0.113.1", "203.0.113.12"), ("2001:db8:2::1", "2001:db8:2::12")):
    fam = socket.AF_INET6 if ":" in src else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.bind((src, 5060))
    s.sendto(ok, (dst, 5060))
    s.close()
PY

# First the rate state, which the passing seconds refill.
for a in 203.0.113.13 ::ffff:203.0.113.13 2001:db8:2::13; do
	check "$a: rate limit" 1 "$(field $a rate.limit)"
	check "$a: tracked" true "$(field $a rate.tracked)"
	tokens=$(field $a rate.tokens)
	# A thousand requests spent; one comes back a second (no time is
	# asserted: only that most of them still show, minutes later).
	check "$a: tokens spent" 1 "$([ "$tokens" -le 99500 ] && [ "$tokens" -ge 99000 ] && echo 1 ||
		echo "$tokens")"
	check "$a: still passed" '"passed"' "$(field $a reason)"
done
check "an untracked source has the whole burst" 100000 "$(field 203.0.113.99 rate.tokens)"
check "and is not tracked" false "$(field 203.0.113.99 rate.tracked)"

# IPv4, and the same address v4-mapped: looked up as IPv4.
for a in 192.0.2.7 ::ffff:192.0.2.7; do
	check "$a: address as looked up" '"192.0.2.7"' "$(field $a address)"
	check "$a: family" 4 "$(field $a family)"
	check "$a: two block entries cover it" 2 "$(field $a block.matches)"
	check "$a: the one holding longest, as stored" '"192.0.2.0/24"' "$(field $a block.prefix)"
	check "$a: permanent" true "$(field $a block.permanent)"
	check "$a: decision" '"dropped: blocked by 192.0.2.0/24 (permanent)"' \
		"$(field $a decision)"
done
check "192.0.2.7: text decision line" \
	"decision for a SIP request: dropped: blocked by 192.0.2.0/24 (permanent)" \
	"$(v test 192.0.2.7 | grep '^decision')"
v unblock 192.0.2.0/24 >/dev/null
forget
ttl=$(field 192.0.2.7 block.ttl_left)
check "a TTL'd block entry: its time left (at most 1h, not permanent)" 1 \
	"$([ "$ttl" -gt 0 ] && [ "$ttl" -le 3600 ] && echo 1 || echo "$ttl")"
check "and the host entry as stored" '"192.0.2.7/32"' "$(field 192.0.2.7 block.prefix)"
check "IPv6 block entry" '"2001:db8:bad::/48"' "$(field 2001:db8:bad::1 block.prefix)"
check "IPv6 address as looked up" '"2001:db8:bad::1"' "$(field 2001:db8:bad::1 address)"
check "IPv6 family" 6 "$(field 2001:db8:bad::1 family)"

for a in 198.51.100.99 ::ffff:198.51.100.99 2001:db8:600d::99; do
	check "$a: ban by hand" '"manual"' "$(field $a ban.table)"
	check "$a: its reason" '"banned"' "$(field $a ban.reason)"
	check "$a: a ban wins over the allow entry" '"drop"' "$(field $a verdict)"
	check "$a: counted as banned" '"banned"' "$(field $a reason)"
	check "$a: and the allow entry is still shown" 1 "$(field $a allow.matches)"
done
ttl=$(field 2001:db8:600d::99 ban.ttl_left)
check "IPv6 ban: its time left" 1 "$([ "$ttl" -gt 0 ] && [ "$ttl" -le 1200 ] && echo 1 || echo "$ttl")"
check "ban decision text" '"dropped: banned by hand (Ns left)"' \
	"$(v ban 198.51.100.99 --ttl 10m >/dev/null; forget; field 198.51.100.99 decision |
	   sed 's/([0-9]*s left)/(Ns left)/')"

for a in 198.51.100.3 ::ffff:198.51.100.3; do
	check "$a: allow entry" '"198.51.100.0/24"' "$(field $a allow.prefix)"
	check "$a: allow entry TTL" false "$(field $a allow.permanent)"
	check "$a: passed as allowed" '"allowed"' "$(field $a reason)"
done
check "IPv6 allow entry" '"2001:db8:600d::/48"' "$(field 2001:db8:600d::3 allow.prefix)"
check "IPv6 allowed decision" \
	'"passed: allowed by 2001:db8:600d::/48 (permanent), not inspected"' \
	"$(field 2001:db8:600d::3 decision)"

for a in 203.0.113.11 ::ffff:203.0.113.11 2001:db8:2::11; do
	check "$a: banned automatically by real traffic" '"automatic"' "$(field $a ban.table)"
	check "$a: for its scanner User-Agent" '"scanner"' "$(field $a ban.reason)"
	check "$a: decision names it" 1 \
		"$(field $a decision | grep -c 'banned automatically (scanner User-Agent')"
done

for a in 203.0.113.12 ::ffff:203.0.113.12 2001:db8:2::12; do
	check "$a: verified by the server's 200" true "$(field $a verified.verified)"
	check "$a: not verified without it" false "$(field 203.0.113.99 verified.verified)"
done

check "a prefix is refused (usage, exit 2)" 2 "$(v test 192.0.2.0/24 >/dev/null 2>&1; echo $?)"
check "bad text is refused (exit 2)" 2 "$(v test 192.0.2.300 >/dev/null 2>&1; echo $?)"
check "and says why" 1 "$(v test nonsense 2>&1 | grep -c 'not an IPv4 or IPv6 address')"

finish explain
