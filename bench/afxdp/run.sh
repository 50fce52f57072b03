#!/usr/bin/env bash
# bench/afxdp/run.sh: SIP messages per second delivered to the AF_XDP consumer
# (examples/afxdp, --quiet) against a plain UDP socket read with recvmmsg
# (udp_sink), the same traffic in the same run: rounds alternate the two.
# Both receivers sit behind the vosfp filter, which inspects every message (a
# 600-byte INVITE from an unknown source) and then redirects it to the socket
# or passes it to the stack. A bounded generator (sip_gen, sendmmsg) sends
# COUNT messages per round over a veth pair between two namespaces this
# script makes, and removes on every exit. Prints one line per round and the
# medians. Nothing here asserts a time.
# --cpus G,R pins the generator to CPU G and the receiver to CPU R (taskset).
# usage: bench/afxdp/run.sh [--build DIR] [--count N] [--rounds R] [--mode native|generic]
#                           [--cpus G,R]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$here/../../build count=200000 rounds=3 mode=native gen_pin=() recv_pin=()
while [ $# -gt 0 ]; do
	case $1 in
	--build) build=$2; shift 2 ;;
	--count) count=$2; shift 2 ;;
	--rounds) rounds=$2; shift 2 ;;
	--mode) mode=$2; shift 2 ;;
	--cpus)
		[[ $2 =~ ^([0-9]+),([0-9]+)$ ]] || { echo "$0: --cpus G,R" >&2; exit 2; }
		gen_pin=(taskset -c "${BASH_REMATCH[1]}") recv_pin=(taskset -c "${BASH_REMATCH[2]}")
		shift 2 ;;
	*) echo "usage: $0 [--build DIR] [--count N] [--rounds R] [--mode native|generic]" >&2
	   exit 2 ;;
	esac
done
case $mode in native | generic) ;; *) echo "$0: --mode native or generic" >&2; exit 2 ;; esac
[[ $count =~ ^[0-9]+$ && $count -ge 1000 && $count -le 10000000 ]] ||
	{ echo "$0: --count from 1000 to 10000000" >&2; exit 2; }
[[ $rounds =~ ^[0-9]+$ && $rounds -ge 1 && $rounds -le 20 ]] ||
	{ echo "$0: --rounds from 1 to 20" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "$0: needs root" >&2; exit 2; }
VOSFP=$build/cli/vosfp CONSUMER=$build/examples/afxdp/vosfp-afxdp
GEN=$build/bench/afxdp/afxdp_sip_gen SINK=$build/bench/afxdp/afxdp_udp_sink
for b in "$VOSFP" "$CONSUMER" "$GEN" "$SINK"; do
	[ -x "$b" ] || { echo "$0: $b missing: ninja -C $build" >&2; exit 2; }
done

id=$(printf '%05d%04d' $(($$ % 100000)) $((RANDOM % 10000)))
ns_s=vAb-s-$id ns_c=vAb-c-$id if_s=vAbs$id if_c=vAbc$id pin=/sys/fs/bpf/vosfp-afxbench-$id
tmp=$(mktemp -d /tmp/vosfp-afxbench.XXXXXX)
rpid=""
cleanup() {
	[ -n "$rpid" ] && kill -9 "$rpid" 2>/dev/null
	wait 2>/dev/null
	ip netns del "$ns_s" 2>/dev/null
	ip netns del "$ns_c" 2>/dev/null
	rm -rf "$pin" "$tmp"
	return 0
}
trap cleanup EXIT
ip netns add "$ns_s"
ip netns add "$ns_c"
ip link add "$if_s" netns "$ns_s" type veth peer name "$if_c" netns "$ns_c"
ip -n "$ns_s" addr add 10.98.0.1/24 dev "$if_s"
ip -n "$ns_c" addr add 10.98.0.2/24 dev "$if_c"
ip -n "$ns_s" link set "$if_s" up
ip -n "$ns_c" link set "$if_c" up
mac_s=$(ip -n "$ns_s" -br link show "$if_s" | awk '{print $3}')
ip -n "$ns_c" neigh replace 10.98.0.1 lladdr "$mac_s" dev "$if_c" nud permanent
S() { nsenter --net=/run/netns/"$ns_s" "$@"; }
S "$VOSFP" --pin-root "$pin" attach "$if_s" --mode "$mode" >/dev/null

# wait_line FILE PATTERN SECONDS
wait_line() {
	local end=$((SECONDS + $3))
	until grep -qs "$2" "$1"; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.1
	done
}
redirected() {
	S "$VOSFP" --pin-root "$pin" stats --json |
		python3 -c "import json,sys; print(json.load(sys.stdin)['counters']['redirected']['packets'])"
}
# rate FILE: frames and frames per second from a receiver's total line.
rate() {
	awk '/^total:/ { f = $2; for (i = 1; i <= NF; i++) if ($i == "frame") s = $(i + 1);
		printf "%d %.0f\n", f, (s > 0 ? (f - 1) / s : 0) }' "$1"
}

echo "# $(uname -r), $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "# srso: $(cat /sys/devices/system/cpu/vulnerabilities/spec_rstack_overflow 2>/dev/null || echo n/a)"
echo "# vosfp $mode on veth, $count INVITEs per round, $rounds rounds of each, alternated;" \
	"CPUs: ${gen_pin[2]:-any} generator, ${recv_pin[2]:-any} receiver"
printf '%-8s %5s %10s %10s %10s %10s %8s %s\n' receiver round sent "sent/s" received \
	"msgs/s" lost "socket drops (ring full)"
results=()
for r in $(seq 1 "$rounds"); do
	for kind in afxdp socket; do
		out=$tmp/$kind.$r
		if [ $kind = afxdp ]; then
			nsenter --net=/run/netns/"$ns_s" "${recv_pin[@]}" "$CONSUMER" "$if_s" --pin-root "$pin" --copy \
				--quiet >"$out" 2>&1 &
		else
			nsenter --net=/run/netns/"$ns_s" "${recv_pin[@]}" "$SINK" 5060 1500 >"$out" 2>&1 &
		fi
		rpid=$!
		wait_line "$out" "ready$" 30 || { echo "$kind did not start:"; cat "$out"; exit 1; }
		before=$(redirected)
		read -r sent gen_mps < <(nsenter --net=/run/netns/"$ns_c" "${gen_pin[@]}" "$GEN" 10.98.0.1 5060 \
			"$count" | awk '{ printf "%d %.0f\n", $2, $2 / $8 }')
		if [ $kind = afxdp ]; then
			# Until the counter stops moving (bounded), then a clean stop.
			last=-1
			for _ in $(seq 1 50); do
				now=$(redirected)
				[ "$now" = "$last" ] && break
				last=$now
				sleep 0.3
			done
			kill -INT "$rpid"
		fi
		wait "$rpid" || true
		rpid=""
		read -r got mps < <(rate "$out")
		[ $kind = afxdp ] && [ "$(($(redirected) - before))" != "$got" ] &&
			echo "# note: redirected moved by $(($(redirected) - before)), consumer got $got"
		drops=$(sed -n 's/.*socket drops \([0-9]*\), ring full \([0-9]*\).*/\1 (\2)/p' "$out")
		printf '%-8s %5d %10d %10d %10d %10d %8d %s\n' "$kind" "$r" "$sent" "$gen_mps" "$got" \
			"$mps" $((sent - got)) "${drops:--}"
		results+=("$kind $mps")
	done
done
for kind in afxdp socket; do
	printf '%s\n' "${results[@]}" | awk -v k=$kind '$1 == k { print $2 }' | sort -n |
		awk -v k=$kind '{ v[NR] = $1 } END { printf "median %-8s %d msgs/s\n", k, v[int((NR + 1) / 2)] }'
done
