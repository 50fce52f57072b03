# Legitimate load of the attack benchmark: three SIPp clients in the legit
# namespace at a fixed rate each, bounded in calls (-m) and in time
# (-timeout), without retransmissions (-nr: one lost datagram is one failed
# call, and every request is sent exactly once, so counters reconcile) and
# without SIPp's default BYE on an aborted call (-nd), which no trace counts.
# -recv_timeout bounds every wait; -fd 1 keeps stats.csv current.
#   opt   the allowed trunk's OPTIONS pings
#   reg   REGISTERs from the legitimate but unknown source
#   call  INVITE/ACK/BYE calls from the same unknown source
# Needs lib.sh's variables.

# legit_start DIR RATE SECONDS: starts the three clients in the background,
# each in its own directory under DIR (SIPp writes its traces to its cwd);
# sets LEGIT_PIDS. With ATK_APP_CPUS (a taskset CPU list) they run on those
# CPUs only.
legit_start() {
	local dir=$1 rate=$2 secs=$3 name from port sf
	LEGIT_PIDS=""
	for spec in "opt $TRUNK4 5061 options.xml" "reg $LEGIT4 5062 register.xml" \
		"call $LEGIT4 5063 call.xml"; do
		set -- $spec
		name=$1 from=$2 port=$3 sf=$4
		mkdir -p "$dir/$name"
		(cd "$dir/$name" && exec timeout $((secs + 60)) ip netns exec "$NS_L" \
			${ATK_APP_CPUS:+taskset -c "$ATK_APP_CPUS"} sipp "$SRV4:5060" -i "$from" -p "$port" -sf "$ATK_DIR/$sf" \
			-r "$rate" -m $((rate * secs)) -l 100 -nr -nd -recv_timeout 2000 -fd 1 -timeout $((secs + 30))s -nostdin \
			-trace_stat -stf stats.csv -trace_msg -trace_counts -trace_err \
			>sipp.out 2>&1) &
		LEGIT_PIDS="$LEGIT_PIDS $!"
	done
	ATK_PIDS="$ATK_PIDS $LEGIT_PIDS"
}

# legit_wait: waits for the three clients (their exit status is SIPp's:
# non-zero when a call failed, which the summary reports, not the harness).
legit_wait() {
	local p
	for p in $LEGIT_PIDS; do
		wait "$p" 2>/dev/null || true
		ATK_PIDS=${ATK_PIDS/ $p/}
	done
}
