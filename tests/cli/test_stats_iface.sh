#!/usr/bin/env bash
# Counters per interface through the tool: two veths of a namespace of the
# test's own, both attached, SIP traffic into one only. `stats --interface`
# shows that one's row moved and the other's did not, `stats --json` has a
# row per interface whose sum is the total, `stats --prometheus` and the
# exporter label the series by interface, and a detach removes the row.
# usage: test_stats_iface.sh VOSFP_BINARY
set -euo pipefail
. "$(dirname "$0")/../lib.sh" # check, skip, require_root, require_tools, v
VOSFP=$1
require_root "namespaces, the program"
require_tools "apt-get install curl" curl
tag=$(printf '%x%x' $$ $RANDOM | tail -c 8)
nsa=vic-a-$tag nsb=vic-b-$tag
a0=vica0$tag a1=vica1$tag b0=vicb0$tag b1=vicb1$tag
pin=/sys/fs/bpf/vosfp-vic-$tag
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	ip netns del "$nsa" 2>/dev/null
	ip netns del "$nsb" 2>/dev/null
	rm -rf "$pin"
	return 0
}
trap cleanup EXIT
ip netns add "$nsa"
ip netns add "$nsb"
ip link add "$a0" netns "$nsa" type veth peer name "$b0" netns "$nsb"
ip link add "$a1" netns "$nsa" type veth peer name "$b1" netns "$nsb"
ip -n "$nsa" addr add 10.71.1.1/24 dev "$a0"
ip -n "$nsa" addr add 10.71.2.1/24 dev "$a1"
ip -n "$nsb" addr add 10.71.1.2/24 dev "$b0"
ip -n "$nsb" addr add 10.71.2.2/24 dev "$b1"
for l in "$a0" "$a1"; do ip -n "$nsa" link set "$l" up; done
for l in "$b0" "$b1"; do ip -n "$nsb" link set "$l" up; done

# In the namespace, without `ip netns exec`: it would hide the bpffs pins.
va() { nsenter --net=/run/netns/"$nsa" "$VOSFP" --pin-root "$pin" "$@"; }
stealth_of() { # IFACE: its stealth packets, from the table
	va stats --interface "$1" | awk '$1 == "stealth" { print $2 }'
}

va attach "$a0" --mode generic >/dev/null
va attach "$a1" --mode generic >/dev/null
check "both interfaces start at 0" "0 0" "$(stealth_of "$a0") $(stealth_of "$a1")"
N=6
for _ in $(seq 1 $N); do
	nsenter --net=/run/netns/"$nsb" bash -c \
		'printf "OPTIONS sip:a@10.71.1.1 SIP/2.0\r\nContent-Length: 0\r\n\r\n" >/dev/udp/10.71.1.1/5060'
done
for _ in $(seq 1 100); do # bounded: the first datagrams wait for ARP
	[ "$(stealth_of "$a0")" = $N ] && break
	sleep 0.05
done
check "the receiving interface's row moved" $N "$(stealth_of "$a0")"
check "the other's did not" 0 "$(stealth_of "$a1")"
check "by ifindex too" $N "$(stealth_of "$(ip -n "$nsa" -o link show "$a0" | cut -d: -f1)")"
# From another namespace, by the name the row keeps.
check "read from the host namespace by name" $N \
	"$(v stats --interface "$a0" | awk '$1 == "stealth" { print $2 }')"

json=$(va stats --json)
check "stats --json: totals = sum of the interface rows" ok "$(python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["schema"] == 1
rows = {r["name"]: r for r in d["interfaces"]}
assert set(rows) == {sys.argv[2], sys.argv[3]}, rows.keys()
for reason, c in d["counters"].items():
    assert c["packets"] == sum(r["counters"][reason]["packets"] for r in rows.values()), reason
assert rows[sys.argv[2]]["counters"]["stealth"]["packets"] == int(sys.argv[4])
assert rows[sys.argv[3]]["counters"]["stealth"]["packets"] == 0
assert isinstance(rows[sys.argv[2]]["ifindex"], int)
print("ok")' "$json" "$a0" "$a1" $N)"
check "stats --interface --json" "$N" "$(va stats --interface "$a0" --json |
	python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["schema"] == 1; print(d["counters"]["stealth"]["packets"])')"

prom=$(va stats --prometheus)
check "prometheus: the row, labelled" 1 "$(grep -c "^vosfp_interface_packets_total{interface=\"$a0\",reason=\"stealth\",verdict=\"drop\"} $N\$" <<<"$prom")"
check "prometheus: the other row, labelled" 1 "$(grep -c "^vosfp_interface_packets_total{interface=\"$a1\",reason=\"stealth\",verdict=\"drop\"} 0\$" <<<"$prom")"
check "prometheus: the total as before" 1 "$(grep -c "^vosfp_packets_total{reason=\"stealth\",verdict=\"drop\"} $N\$" <<<"$prom")"

port=$((20000 + RANDOM % 20000))
"$VOSFP" --pin-root "$pin" exporter --listen 127.0.0.1:$port 2>/dev/null &
pid=$!
for _ in $(seq 1 50); do
	curl -sf "http://127.0.0.1:$port/metrics" >/dev/null 2>&1 && break
	sleep 0.1
done
check "exporter: the interface label" 1 "$(curl -sf "http://127.0.0.1:$port/metrics" |
	grep -c "^vosfp_interface_packets_total{interface=\"$a0\",reason=\"stealth\",verdict=\"drop\"} $N\$")"
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=

check "--interface with --prometheus is a usage error (exit 2)" 2 \
	"$(va stats --interface "$a0" --prometheus >/dev/null 2>&1; echo $?)"
check "an interface not attached: exit 1, said why" 1 \
	"$(va stats --interface lo >/dev/null 2>&1; echo $?)"
check "... naming it" 1 "$(va stats --interface lo 2>&1 | grep -c 'lo: no counters of its own')"

va detach "$a0" >/dev/null
check "detached: no row any more" 1 "$(va stats --interface "$a0" >/dev/null 2>&1; echo $?)"
check "detached: gone from --json" "[\"$a1\"]" "$(va stats --json |
	python3 -c 'import json,sys; print(json.dumps([r["name"] for r in json.load(sys.stdin)["interfaces"]]))')"
check "detached: its packets stay in the total" 1 \
	"$(va stats --prometheus | grep -c "^vosfp_packets_total{reason=\"stealth\",verdict=\"drop\"} $N\$")"
va detach "$a1" >/dev/null
finish stats-iface
