# Shared by the end-to-end tests and the demo: two network namespaces made
# here, joined by a veth pair made here, with a SIP server (Kamailio) in one
# and SIP clients (SIPp) in the other. Nothing outside them is touched.
# Names are unique per run; e2e_cleanup removes everything on every exit.

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$E2E_DIR/../lib.sh" # check, skip, t_netns_pair

SRV4=198.51.100.1
CLI4_A=198.51.100.2   # a legitimate but unknown source
CLI4_B=198.51.100.3   # a second source (scanner, trusted peer...)
CLI4_C=198.51.100.4
SRV6=2001:db8:5060::1
CLI6_A=2001:db8:5060::2
CLI6_B=2001:db8:5060::3

# Exit 77 (meson's "skipped") with a reason when the machine cannot run us.
e2e_require() {
	require_root "network namespaces, XDP, bpffs"
	require_tools "apt-get install iproute2 kamailio sip-tester python3" \
		ip kamailio sipp python3
	[ -d /sys/fs/bpf ] || skip "no /sys/fs/bpf (kernel without bpffs)"
}

e2e_cleanup() {
	local rc=$?
	[ -n "${KAM_PID:-}" ] && kill "$KAM_PID" 2>/dev/null && wait "$KAM_PID" 2>/dev/null
	t_netns_cleanup
	[ -n "${PIN:-}" ] && [ -d "$PIN" ] && rm -rf "$PIN"
	[ -n "${E2E_TMP:-}" ] && rm -rf "$E2E_TMP"
	return $rc
}

# e2e_setup: namespaces, veth, addresses; sets NS_S NS_C IF_S IF_C PIN E2E_TMP.
e2e_setup() {
	PIN=/sys/fs/bpf/vosfp-e2e-$(t_id)
	E2E_TMP=$(mktemp -d /tmp/vosfp-e2e.XXXXXX)
	trap e2e_cleanup EXIT
	trap 'exit 130' INT TERM

	t_netns_pair vosfp
	ip -n "$NS_S" addr add $SRV4/24 dev "$IF_S"
	ip -n "$NS_S" addr add $SRV6/64 dev "$IF_S" nodad
	for a in $CLI4_A $CLI4_B $CLI4_C; do ip -n "$NS_C" addr add $a/24 dev "$IF_C"; done
	for a in $CLI6_A $CLI6_B; do ip -n "$NS_C" addr add $a/64 dev "$IF_C" nodad; done
}

# e2e_start_kamailio: Kamailio in the server namespace, waits until it listens.
e2e_start_kamailio() {
	mkdir -p "$E2E_TMP/kam"
	ip netns exec "$NS_S" kamailio -DD -E -f "$E2E_DIR/kamailio.cfg" \
		-A "LISTEN4=$SRV4" -A "LISTEN6=[$SRV6]" -m 32 -M 4 \
		-P "$E2E_TMP/kam/kamailio.pid" -Y "$E2E_TMP/kam" -w "$E2E_TMP/kam" \
		>"$E2E_TMP/kamailio.log" 2>&1 &
	KAM_PID=$!
	for _ in $(seq 1 100); do
		if ip netns exec "$NS_S" ss -Hlun "sport = :5060" | grep -q "$SRV6"; then
			return 0
		fi
		kill -0 "$KAM_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "FAIL: kamailio did not start"; cat "$E2E_TMP/kamailio.log"; return 1
}

# sipp_run NAME FROM_IP TO_IP COUNT SCENARIO...: runs SIPp in the client
# namespace, bounded in calls and time, without retransmissions (so that
# every request is sent exactly once); a call with no answer within 1.5 s
# fails. Prints "successful failed".
sipp_run() {
	local name=$1 from=$2 to=$3 count=$4; shift 4
	local dir="$E2E_TMP/sipp-$name" target=$to
	mkdir -p "$dir"
	[[ $to == *:* ]] && target="[$to]"
	(cd "$dir" && timeout 60 ip netns exec "$NS_C" sipp "$target:5060" -i "$from" -p 5070 \
		-m "$count" -r 20 -l 10 -nr -recv_timeout 1500 -timeout 30s -nostdin \
		-trace_stat -stf stats.csv -trace_err "$@" >sipp.out 2>&1)
	python3 - "$dir/stats.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1]), delimiter=';'))
head, last = rows[0], rows[-1]
print(last[head.index("SuccessfulCall(C)")], last[head.index("FailedCall(C)")])
PY
}

# vosfp CLI against this run's pin root; VOSFP must name the binary.
vosfp_cli() {
	"$VOSFP" --pin-root "$PIN" "$@"
}

# counter NAME: packets counted under a reason so far.
counter() {
	vosfp_cli stats --json | python3 -c \
		'import json,sys; print(json.load(sys.stdin)["counters"][sys.argv[1]]["packets"])' "$1"
}
