#!/usr/bin/env bash
# vosfp status: what an operator checks first, in text and JSON (schema 1,
# numbers as numbers, arrays for lists): the pin root, each interface with
# its mode, program and whether through libxdp's dispatcher, list sizes and
# capacities, the active bans (by hand and automatic), the settings and
# the drop totals, after real traffic over a veth pair between two network
# namespaces of the test's own.
# usage: test_status.sh VOSFP_BINARY
set -euo pipefail
VOSFP=$1
. "$(dirname "$0")/../lib.sh" # check, finish, require_root, require_tools
require_root "network namespaces, XDP"
require_tools "util-linux" nsenter
id=$$-$RANDOM
nsa=vExT-$id nsb=vExU-$id
pin=/sys/fs/bpf/vosfp-tstat-$id
dev=vEx$RANDOM
cleanup() {
	ip netns del "$nsa" 2>/dev/null || true
	ip netns del "$nsb" 2>/dev/null || true
	rm -rf "$pin" 2>/dev/null || true
	return 0
}
trap cleanup EXIT
ip netns add "$nsa"
ip netns add "$nsb"
ina() { nsenter --net="/run/netns/$nsa" "$@"; }
inb() { nsenter --net="/run/netns/$nsb" "$@"; }
v() { ina "$VOSFP" --pin-root "$pin" "$@"; }

ina ip link add "$dev" type veth peer name "${dev}b"
ina ip link set "${dev}b" netns "$nsb"
ina ip addr add 203.0.113.1/24 dev "$dev"
inb ip addr add 203.0.113.11/24 dev "${dev}b"
inb ip addr add 203.0.113.12/24 dev "${dev}b"
ina ip link set "$dev" up
inb ip link set "${dev}b" up
v attach "$dev" --mode generic >/dev/null
v block 192.0.2.0/24 >/dev/null
v block 203.0.113.12 >/dev/null
v allow 198.51.100.0/24 >/dev/null
v ban 198.51.100.99 --ttl 10m >/dev/null
v ban 2001:db8::99 --ttl 10m >/dev/null
v config stealth_methods OPTIONS,REGISTER >/dev/null
v config rate_limit 50 >/dev/null
v config trusted_only off >/dev/null

# Real traffic: a scanner's INVITE (dropped, banned automatically), three
# packets from a blocked source (dropped), one ordinary INVITE (passed).
inb python3 - <<'PY'
import socket
def send(src, msg, n=1):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((src, 0))
    for _ in range(n):
        s.sendto(msg, ("203.0.113.1", 5060))
    s.close()
inv = b"INVITE sip:1@x SIP/2.0\r\nVia: SIP/2.0/UDP h\r\nCSeq: 1 INVITE\r\nUser-Agent: %s\r\n\r\n"
send("203.0.113.11", inv % b"sipvicious")
send("203.0.113.12", inv % b"Linphone", 3)
PY

text=$(v status)
check "text: the pin root" "pin root: $pin" "$(grep '^pin root:' <<<"$text")"
check "text: the interface, its mode and program" 1 \
	"$(grep -cE "^attached: $dev mode generic program [1-9][0-9]*\$" <<<"$text")"
check "text: the block list's size and capacity" "block list: 2 prefixes (capacity 65536)" \
	"$(grep '^block list:' <<<"$text")"
check "text: bans by hand" "bans by hand: 2 (capacity 65536)" "$(grep '^bans by hand:' <<<"$text")"
check "text: automatic bans" 1 "$(grep -c '^automatic bans: 1 ' <<<"$text")"
check "text: the settings" "config: stealth_methods REGISTER,OPTIONS, trusted_only off, malformed_drop on, rate_limit 50, rate_burst 20, autoban on, ban_ttl 3600, xsk_redirect all-passed, xsk_allowed on" \
	"$(grep "^config:" <<<"$text")"
check "text: the drop totals" 1 "$(grep -cE '^drops: 4 packets, [1-9][0-9]* bytes$' <<<"$text")"
check "text: what status printed before stays" 1 "$(grep -c '^ports: 5060$' <<<"$text")"

v status --json >"/tmp/vExT-$id.json"
py() { python3 - "/tmp/vExT-$id.json" "$dev" "$pin"; }
check "json: every field, with its type" ok "$(py <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
dev, pin = sys.argv[2], sys.argv[3]
bad = []
def want(what, got, exp):
    if got != exp or type(got) is not type(exp):
        bad.append("%s: %r (want %r)" % (what, got, exp))
want("schema", d.get("schema"), 1)
want("pin_root", d.get("pin_root"), pin)
a = d["attachments"]
want("attachments", [x["interface"] for x in a], [dev])
want("mode", a[0]["mode"], "generic")
want("program_id is a number", isinstance(a[0]["program_id"], int) and a[0]["program_id"] > 0, True)
want("multiprog", a[0]["multiprog"], False)
want("lists", d["lists"], {"block": 2, "allow": 1})
want("capacities.block", d["capacities"]["block"], 65536)
want("ports", d["ports"], [5060])
want("bans.manual.used", d["bans"]["manual"]["used"], 2)
want("bans.auto.used", d["bans"]["auto"]["used"], 1)
c = d["config"]
want("config.stealth_methods", sorted(c["stealth_methods"]), ["OPTIONS", "REGISTER"])
want("config.trusted_only", c["trusted_only"], False)
want("config.malformed_drop", c["malformed_drop"], True)
want("config.rate_limit", c["rate_limit"], 50)
want("config.rate_burst", c["rate_burst"], 20)
want("config.autoban", c["autoban"], True)
want("config.ban_ttl", c["ban_ttl"], 3600)
want("drops.packets", d["drops"]["packets"], 4)
want("drops.bytes is a number", isinstance(d["drops"]["bytes"], int) and d["drops"]["bytes"] > 0, True)
print("; ".join(bad) or "ok")
PY
)"
rm -f "/tmp/vExT-$id.json"
v config stealth_methods none >/dev/null
check "json: no stealth method is an empty array" "[]" \
	"$(v status --json | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["config"]["stealth_methods"]))')"

# Through libxdp's dispatcher, where this kernel runs it.
ina ip link add "${dev}m" type veth peer name "${dev}n"
ina ip link set "${dev}m" up
if v attach "${dev}m" --multiprog >/dev/null 2>&1; then
	check "text: an attachment through the dispatcher says so" 1 \
		"$(v status | grep -c "^attached: ${dev}m mode .* through libxdp's dispatcher")"
	check "json: multiprog true for it" True \
		"$(v status --json | python3 -c 'import json,sys; print([a["multiprog"] for a in json.load(sys.stdin)["attachments"] if a["interface"].endswith("m")][0])')"
	v detach "${dev}m" >/dev/null
else
	echo "note: libxdp's dispatcher does not run on this kernel; multiprog not shown"
fi
v detach "$dev" >/dev/null

finish status
