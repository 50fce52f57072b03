# The server side of the attack benchmark: Kamailio in the server namespace
# and what is read from it (its own statistics through kamcmd, its CPU
# time, and the namespace's UDP counters). Needs lib.sh's variables.

# kam_start DIR [DEFINE...]: starts Kamailio with the given extra -A defines,
# its ctl socket and pid file in DIR; waits until it listens on IPv6 too.
# With ATK_APP_CPUS (a taskset CPU list) it runs on those CPUs only.
kam_start() {
	local dir=$1 d defs=(); shift
	for d in "$@"; do defs+=(-A "$d"); done
	mkdir -p "$dir"
	KAM_CTL="unix:$dir/ctl.sock"
	ip netns exec "$NS_S" ${ATK_APP_CPUS:+taskset -c "$ATK_APP_CPUS"} kamailio -DD -E -f "$ATK_DIR/kamailio.cfg" \
		-A "LISTEN4=$SRV4" -A "LISTEN6=[$SRV6]" -A "LEGIT_A=$TRUNK4" -A "LEGIT_B=$LEGIT4" \
		-A "CTLSOCK=\"$KAM_CTL\"" "${defs[@]}" -m 64 -M 8 \
		-P "$dir/kamailio.pid" -Y "$dir" -w "$dir" >"$dir/kamailio.log" 2>&1 &
	KAM_PID=$!
	ATK_PIDS="$ATK_PIDS $KAM_PID"
	local _
	for _ in $(seq 1 100); do
		if ip netns exec "$NS_S" ss -Hlun "sport = :5060" | grep -q "$SRV6" &&
			[ -S "$dir/ctl.sock" ]; then
			return 0
		fi
		kill -0 "$KAM_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "attack: kamailio did not start" >&2
	cat "$dir/kamailio.log" >&2
	return 1
}

kam_stop() {
	kill "$KAM_PID" 2>/dev/null || true
	wait "$KAM_PID" 2>/dev/null || true
	ATK_PIDS=${ATK_PIDS/ $KAM_PID/}
}

# kam_stat NAME: one of Kamailio's statistics ("core:rcv_requests",
# "script:junk_rcv"), read with its own tool.
kam_stat() {
	kamcmd -s "$KAM_CTL" stats.get_statistics all |
		awk -v n="$1" '$1 == n { print $3; found = 1 } END { if (!found) print 0 }'
}

# kam_cpu_ticks: user + system clock ticks of Kamailio and of its children
# (its workers, timers, ctl), summed from /proc/PID/stat.
kam_cpu_ticks() {
	# one awk for all of /proc (a fork per process would take seconds);
	# getline, because a process may exit between the glob and the read;
	# fields are counted after "(comm) ", which may itself hold spaces
	awk -v kam="$KAM_PID" '
		BEGIN {
			for (i = 1; i < ARGC; i++) {
				if ((getline line < ARGV[i]) <= 0) continue
				close(ARGV[i])
				pid = ARGV[i]; sub("^/proc/", "", pid); sub("/stat$", "", pid)
				split(substr(line, index(line, ") ") + 2), f, " ")
				# f[2] ppid, f[12] utime, f[13] stime
				if (pid == kam || f[2] == kam) total += f[12] + f[13]
			}
			print total + 0
		}' /proc/[0-9]*/stat
}

# softirq_ticks: softirq time of the whole machine (all CPUs), /proc/stat.
softirq_ticks() {
	awk '$1 == "cpu" { print $8 }' /proc/stat
}

# udp_counters: "in rcvbuf" = datagrams that UDP delivered to sockets and
# datagrams it dropped for a full socket buffer, IPv4 + IPv6, in the server
# namespace: everything that got as far as Kamailio's socket.
udp_counters() {
	ip netns exec "$NS_S" cat /proc/net/snmp /proc/net/snmp6 | awk '
		$1 == "Udp:" && $2 == "InDatagrams" { for (i = 2; i <= NF; i++) h[i] = $i; next }
		$1 == "Udp:" { for (i = 2; i <= NF; i++) v[h[i]] = $i; next }
		$1 == "Udp6InDatagrams" { in6 = $2 } $1 == "Udp6RcvbufErrors" { rb6 = $2 }
		END { print v["InDatagrams"] + in6, v["RcvbufErrors"] + rb6 }'
}
