#!/usr/bin/env bash
# Proof under attack: Kamailio in a network namespace, legitimate SIPp load
# at a fixed rate, and a junk flood from trafgen (scanner OPTIONS from 2x65536
# sources, a REGISTER flood from one source, binary garbage, SIP from blocked
# networks; IPv4 and IPv6), once per configuration: no filter, Kamailio's own
# defences, nftables, vosfp generic, vosfp native. Plus a baseline: the same
# legitimate load, no filter, no flood. One CSV row per run.
#
# usage: sudo bench/attack.sh [--build DIR | --vosfp CLI] [--duration S] [--rate PPS]
#            [--legit-rate N] [--configs LIST] [--csv FILE] [--plot FILE] [--check]
#            [--spoof-flood [--one-flooder] [--live-frames] [--gen PATH] [--gen-procs N]
#             [--pin-apps]]
#   --duration S     seconds of legitimate load per configuration (default 25);
#                    the flood runs S+2 seconds around it
#   --rate PPS       junk packets per second offered (default 100000; with
#                    --spoof-flood, default: as fast as the generator goes)
#   --legit-rate N   calls per second of each SIPp client (default 20)
#   --configs LIST   comma-separated, default baseline,none,kamailio,nftables,generic,native
#                    (with --spoof-flood: baseline,none,nftables,generic,native)
#   --spoof-flood    the same junk kinds, every packet from a new random source
#                    (no per-source state helps), sent by attack/spoof_gen.c at
#                    the highest rate it reaches unless --rate paces it; adds
#                    softirq CPU per million junk packets to the report
#   --one-flooder    with --spoof-flood: the REGISTER flood keeps its one source
#                    per family (as without --spoof-flood); every other kind is
#                    spoofed. Without it the REGISTER flood is spoofed too, and
#                    no filter can tell it from new clients.
#   --live-frames    with --spoof-flood: the junk made in the kernel by
#                    attack/live_gen.c and handed to the server veth as XDP
#                    frames into its NAPI poll, as a NIC's driver would (GRO
#                    on that veth in every configuration, which NAPI needs),
#                    instead of sent through the attacker's stack by spoof_gen
#   --gen PATH       the generator (default DIR/bench/spoof_gen, with
#                    --live-frames DIR/bench/live_gen)
#   --gen-procs N    generator processes, one per CPU, and as many queues on the
#                    attack veth (default 1: the server keeps the other CPU)
#   --pin-apps       Kamailio and SIPp on the CPUs no generator process is
#                    pinned to (the generators take CPUs 0..N-1), so that the
#                    flood's sender never preempts them
#   --csv FILE       default bench/results/attack-DATE.csv
#   --plot FILE      also draw the PNG (gnuplot)
#   --check          assert what is functional (the CI smoke): see attack/check.py
# Everything it makes (namespaces, veths, pin roots, processes) is its own,
# named uniquely per run and removed on every exit path. Traffic never
# leaves the namespaces; every sender is bounded in count and time.
set -euo pipefail
ATK_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/attack" && pwd)
ROOT=$(cd "$ATK_DIR/../.." && pwd)

VOSFP="" BUILD=build DURATION=25 RATE="" LEGIT_RATE=20 CHECK="" PLOT=""
CONFIGS="" SPOOF="" ONE_FLOODER="" LIVE="" PIN_APPS="" GEN="" GEN_PROCS=1
CSV=$ROOT/bench/results/attack-$(date -u +%F).csv
while [ $# -gt 0 ]; do
	case $1 in
	--build) BUILD=$2; shift ;;
	--vosfp) VOSFP=$2; shift ;;
	--duration) DURATION=$2; shift ;;
	--rate) RATE=$2; shift ;;
	--legit-rate) LEGIT_RATE=$2; shift ;;
	--configs) CONFIGS=$2; shift ;;
	--csv) CSV=$2; shift ;;
	--plot) PLOT=$2; shift ;;
	--check) CHECK=1 ;;
	--spoof-flood) SPOOF=1 ;;
	--one-flooder) ONE_FLOODER=1 ;;
	--live-frames) LIVE=1 ;;
	--pin-apps) PIN_APPS=1 ;;
	--gen) GEN=$2; shift ;;
	--gen-procs) GEN_PROCS=$2; shift ;;
	-h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "attack: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done
[ -n "$VOSFP" ] || VOSFP=$BUILD/cli/vosfp
[ -n "$GEN" ] || GEN=$BUILD/bench/$([ -n "$LIVE" ] && echo live_gen || echo spoof_gen)
for v in DURATION LEGIT_RATE GEN_PROCS ${RATE:+RATE}; do
	case ${!v} in
	''|*[!0-9]*|0) echo "attack: --$(tr 'A-Z_' 'a-z-' <<<"$v") wants a positive integer" >&2; exit 2 ;;
	esac
done
[ "$GEN_PROCS" -le "$(nproc)" ] ||
	{ echo "attack: --gen-procs $GEN_PROCS: this machine has $(nproc) CPUs" >&2; exit 2; }
if [ -n "$SPOOF" ]; then
	CONFIGS=${CONFIGS:-baseline,none,nftables,generic,native}
	[ -x "$GEN" ] || { echo "attack: no generator at $GEN (--build DIR or --gen PATH)" >&2; exit 2; }
	if [ -n "$PIN_APPS" ]; then
		[ "$GEN_PROCS" -lt "$(nproc)" ] ||
			{ echo "attack: --pin-apps needs a CPU that no generator process takes" >&2; exit 2; }
		# read by kam_start (server.sh) and legit_start (legit.sh)
		# shellcheck disable=SC2034
		ATK_APP_CPUS=$GEN_PROCS-$(( $(nproc) - 1 ))
	fi
	GEN=$(realpath "$GEN")
	# the generator paces only when asked: its maximum is the point
	RATE=${RATE:-0}
else
	CONFIGS=${CONFIGS:-baseline,none,kamailio,nftables,generic,native}
	RATE=${RATE:-100000}
	[ "$GEN_PROCS" = 1 ] || { echo "attack: --gen-procs needs --spoof-flood" >&2; exit 2; }
	for o in ONE_FLOODER:one-flooder LIVE:live-frames PIN_APPS:pin-apps; do
		v=${o%%:*}
		[ -z "${!v}" ] || { echo "attack: --${o#*:} needs --spoof-flood" >&2; exit 2; }
	done
fi
# Debian's interpreter when there is one: a version manager's shim in PATH
# can take seconds per start, and the harness starts dozens
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
VOSFP=$(realpath "$VOSFP")

# Meson's "skipped" when the machine cannot run us.
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (namespaces, XDP, bpffs)"; exit 77; }
for tool in ip nsenter kamailio kamcmd sipp nft python3 $([ -n "$SPOOF" ] || echo trafgen) \
	${LIVE:+ethtool} ${PIN_APPS:+taskset}; do
	command -v $tool >/dev/null || { echo "SKIP: missing $tool (see tools/deps.sh)"; exit 77; }
done
[ -x "$VOSFP" ] || { echo "attack: no vosfp CLI at $VOSFP (--build DIR or --vosfp PATH)" >&2; exit 2; }

. "$ATK_DIR/lib.sh"
. "$ATK_DIR/server.sh"
. "$ATK_DIR/filters.sh"
. "$ATK_DIR/legit.sh"

# read by atk_setup (lib.sh)
# shellcheck disable=SC2034
ATK_SPOOF=$SPOOF ATK_QUEUES=$GEN_PROCS
atk_setup
# live_gen's frames are taken only into the veth's NAPI poll: GRO on, in
# every configuration, so that all of them receive the flood the same way
[ -z "$LIVE" ] || atk_napi "$NS_S" "$IF_SA"
if [ -n "$SPOOF" ]; then
	KINDS=$("$PY" "$ATK_DIR/junk.py" --spoof ${ONE_FLOODER:+--one-flooder} --raw \
		$MAC_SA $MAC_AA "$ATK_TMP/junk.raw")
else
	KINDS=$("$PY" "$ATK_DIR/junk.py" $MAC_SA $MAC_AA "$ATK_TMP/junk.cfg")
fi
NKINDS=$(wc -w <<<"$KINDS")
TICK=$(getconf CLK_TCK)

# run_one CONFIG: one measured run; appends a key=value line to $ATK_TMP/rows.
run_one() {
	local cfg=$1 flood=1 dir=$ATK_TMP/$1 n=0 t0 t1 tg_pid=""
	[ "$cfg" = baseline ] && flood=0
	mkdir -p "$dir"
	filter_on "${cfg/baseline/none}"
	# shellcheck disable=SC2086
	kam_start "$dir/kam" $KAM_DEFINES
	sleep 0.3   # let Kamailio's children settle before the window opens

	local cpu0 sirq0 udp0 vd0
	cpu0=$(kam_cpu_ticks) sirq0=$(softirq_ticks) udp0=$(udp_counters) vd0=$(veth_tx_dropped)
	t0=$EPOCHREALTIME
	if [ $flood = 1 ] && [ -n "$SPOOF" ]; then
		# bounded by time (the window) and by a count it cannot reach at
		# 5 Mpps; it stops on a whole round of templates: equal shares
		local per=$((NKINDS * GEN_PROCS))
		if [ "$RATE" = 0 ]; then
			n=$(( 5000000 * (DURATION + 2) / per * per ))
		else
			n=$(( (RATE * (DURATION + 2) + per - 1) / per * per ))
		fi
		timeout $((DURATION + 60)) ip netns exec "$NS_A" "$GEN" -i "$IF_AA" \
			-f "$ATK_TMP/junk.raw" -n $n -t $((DURATION + 2)) -r "$RATE" -P "$GEN_PROCS" \
			>"$dir/gen.out" 2>&1 &
		tg_pid=$!
		ATK_PIDS="$ATK_PIDS $tg_pid"
		sleep 1
	elif [ $flood = 1 ]; then
		# an exact multiple of the templates: every kind gets the same count
		n=$(( (RATE * (DURATION + 2) + NKINDS - 1) / NKINDS * NKINDS ))
		# one CPU for the attacker; the server keeps the other (-P 1). In a
		# namespace trafgen cannot retune socket memory (it says so, harmless).
		timeout $((DURATION + 60)) ip netns exec "$NS_A" trafgen -i "$ATK_TMP/junk.cfg" \
			-o "$IF_AA" -n $n -b "${RATE}pps" -P 1 -q >"$dir/trafgen.out" 2>&1 &
		tg_pid=$!
		ATK_PIDS="$ATK_PIDS $tg_pid"
		sleep 1
	fi
	legit_start "$dir/legit" "$LEGIT_RATE" "$DURATION"
	legit_wait
	if [ -n "$tg_pid" ]; then
		wait "$tg_pid" || { echo "attack: the generator failed" >&2; cat "$dir"/*.out >&2; return 1; }
		ATK_PIDS=${ATK_PIDS/ $tg_pid/}
	fi
	t1=$EPOCHREALTIME
	sleep 0.5   # the last datagrams reach the socket, Kamailio reads them
	local cpu1 sirq1 udp1 vd1 offered tg_secs
	cpu1=$(kam_cpu_ticks) sirq1=$(softirq_ticks) udp1=$(udp_counters) vd1=$(veth_tx_dropped)
	offered=0
	if [ $flood = 1 ] && [ -n "$SPOOF" ]; then
		offered=$(sed -n 's/.*gen_sent=\([0-9]*\).*/\1/p' "$dir/gen.out")
		tg_secs=$(sed -n 's/.*gen_secs=\([0-9.]*\).*/\1/p' "$dir/gen.out")
	elif [ $flood = 1 ]; then
		# its summary, after a progress line redrawn with carriage returns
		offered=$(tr '\r' '\n' <"$dir/trafgen.out" | awk '/packets outgoing/ { print $1 }')
		tg_secs=$(tr '\r' '\n' <"$dir/trafgen.out" | awk '/sec,.*usec on CPU/ { print $1 + $3 / 1e6 }')
	fi
	set -- $udp0; local in0=$1 rb0=$2
	set -- $udp1; local in1=$1 rb1=$2
	{
		echo -n "config=$cfg flood=$flood spoof=${SPOOF:-0} gen_procs=$GEN_PROCS"
		echo -n " live_frames=${LIVE:-0} apps_pinned=${PIN_APPS:-0}"
		echo -n " regflood_sources=$([ -n "$SPOOF" ] && [ -z "$ONE_FLOODER" ] && echo random || echo one)"
		echo -n " rate_target=$([ $flood = 1 ] && echo $RATE || echo 0)"
		echo -n " duration_s=$DURATION legit_rate=$LEGIT_RATE"
		echo -n " junk_offered=$offered junk_per_kind=$((offered / NKINDS))"
		echo -n " junk_offered_pps=$([ $flood = 1 ] && awk "BEGIN { printf \"%d\", $offered / $tg_secs + 0.5 }" || echo 0)"
		echo -n " kam_rcv_requests=$(kam_stat core:rcv_requests)"
		echo -n " kam_legit_rcv=$(kam_stat script:legit_rcv) kam_junk_rcv=$(kam_stat script:junk_rcv)"
		echo -n " udp_in=$((in1 - in0)) udp_rcvbuf_errors=$((rb1 - rb0))"
		echo -n " kam_cpu_s=$(awk "BEGIN { printf \"%.2f\", ($cpu1 - $cpu0) / $TICK }")"
		echo -n " softirq_s=$(awk "BEGIN { printf \"%.2f\", ($sirq1 - $sirq0) / $TICK }")"
		echo -n " window_s=$(awk "BEGIN { printf \"%.2f\", $t1 - $t0 }")"
		# junk the attack veth could not hand over (the server's backlog or
		# ring was full): sent by the generator, never seen by any filter
		echo -n " junk_veth_dropped=$((vd1 - vd0)) "
		"$PY" "$ATK_DIR/summarize.py" "$dir/legit" | tr '\n' ' '
		filter_counters "${cfg/baseline/none}"
	} >>"$ATK_TMP/rows"
	kam_stop
	filter_off "${cfg/baseline/none}"
	tail -1 "$ATK_TMP/rows" | "$PY" "$ATK_DIR/brief.py"
}

if [ -n "$SPOOF" ]; then
	echo "# attack benchmark, spoofed flood: $(uname -r), $(nproc) CPUs," \
		"junk $([ "$RATE" = 0 ] && echo "at the generator's maximum" || echo "$RATE pps")" \
		"x $((DURATION + 2)) s from $GEN_PROCS $(basename "$GEN") process(es)" \
		"($([ -n "$LIVE" ] && echo "XDP frames into the veth's NAPI" || echo "AF_PACKET, skb path"))," \
		"Kamailio and SIPp $([ -n "$PIN_APPS" ] && echo "on CPUs $ATK_APP_CPUS" || echo "unpinned")," \
		"REGISTER flood from $([ -n "$ONE_FLOODER" ] && echo "one source" || echo "random sources")," \
		"legit $LEGIT_RATE/s per client;" \
		"load average $(cut -d' ' -f1-3 /proc/loadavg)"
else
	echo "# attack benchmark: $(uname -r), $(nproc) CPUs, junk $RATE pps x $((DURATION + 2)) s, legit $LEGIT_RATE/s per client"
fi
for cfg in ${CONFIGS//,/ }; do
	run_one "$cfg"
done

mkdir -p "$(dirname "$CSV")"
"$PY" "$ATK_DIR/tocsv.py" "$ATK_TMP/rows" >"$CSV"
echo "# wrote $CSV"
if [ -n "$PLOT" ]; then
	gnuplot -e "csv='$CSV'; out='$PLOT'; title='Kamailio under $RATE pps of junk, $(nproc) CPUs, $(uname -r)'" \
		"$ATK_DIR/plot.gp"
	echo "# wrote $PLOT"
fi
if [ -n "$CHECK" ]; then
	"$PY" "$ATK_DIR/check.py" "$CSV" $ATK_RATE_BURST $ATK_RATE_LIMIT
fi
if [ -n "$SPOOF" ]; then
	"$PY" "$ATK_DIR/spoof_table.py" "$CSV"
fi
