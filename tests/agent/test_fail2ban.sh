#!/bin/bash
# examples/fail2ban with the real fail2ban-server (Debian's fail2ban),
# started here without systemd on a private configuration directory and a
# log file written by the test: failed authentications that Kamailio logs
# ban the source in the program (seen in `vosfp list bans` and by real
# frames through a veth made here), the ban ends after bantime,
# bantime.increment lengthens the next one, and bantime = -1 bans the
# source for good (a permanent ban) until fail2ban lifts it.
# usage: test_fail2ban.sh VOSFP
set -euo pipefail
VOSFP=$(realpath "$1")
. "$(dirname "$0")/lib.sh"
agent_require fail2ban-server fail2ban-client
EXAMPLES=$(cd "$AGENT_DIR/../../examples/fail2ban" && pwd)
agent_setup

F2B=$T_TMP/f2b
mkdir -p "$F2B/action.d" "$F2B/filter.d"
cp "$EXAMPLES/action.d/vosfp.conf" "$F2B/action.d/"
cp "$EXAMPLES/filter.d/kamailio-vosfp.conf" "$F2B/filter.d/"
cat >"$F2B/fail2ban.conf" <<CONF
[Definition]
loglevel = INFO
logtarget = $F2B/fail2ban.log
socket = $F2B/sock
pidfile = $F2B/pid
dbfile = $F2B/db.sqlite3
CONF
# The example jail's settings, with a short bantime and the test's paths.
cat >"$F2B/jail.conf" <<CONF
[DEFAULT]
backend = polling
usedns = no
ignoreself = false
maxretry = 3
findtime = 10m
action = vosfp[vosfp="$VOSFP --pin-root $PIN"]

[vA-temp]
enabled = true
filter = kamailio-vosfp
logpath = $T_TMP/kamailio.log
bantime = 12
bantime.increment = true
bantime.multipliers = 1 4

[vA-perm]
enabled = true
filter = kamailio-vosfp
logpath = $T_TMP/kamailio-perm.log
bantime = -1
CONF
: >"$T_TMP/kamailio.log"
: >"$T_TMP/kamailio-perm.log"

fail2ban-server -xf -c "$F2B" -s "$F2B/sock" -p "$F2B/pid" start >"$F2B/server.out" 2>&1 &
F2B_PID=$!
CLEANUP_PIDS="$F2B_PID"
f2b() { fail2ban-client -s "$F2B/sock" "$@"; }
for _ in $(seq 1 100); do
	f2b ping >/dev/null 2>&1 && break
	kill -0 "$F2B_PID" 2>/dev/null || break
	sleep 0.2
done
check "fail2ban-server answers" 0 "$(f2b ping >/dev/null 2>&1; echo $?)"

# Kamailio's lines (examples/kamailio/vosfp-ban.cfg), syslog style.
fail_from() { # LOG ADDR COUNT
	for i in $(seq 1 "$3"); do
		echo "$(date '+%b %e %H:%M:%S') edge1 kamailio[4242]: NOTICE: <script>:" \
			"vosfp: auth" \
			"failed for sip:user$i@example.com from $2:5060 ($i)" >>"$1"
	done
}
# until_true SECONDS CMD...: polls CMD every 0.2 s, at most SECONDS.
until_true() {
	local n=$(( $1 * 5 )); shift
	for _ in $(seq 1 "$n"); do "$@" && return 0; sleep 0.2; done
	return 1
}
banned_in_vosfp() { vosfp_cli list bans | grep -q "^$1 "; }
not_banned_in_vosfp() { ! banned_in_vosfp "$1"; }
ttl_of() { vosfp_cli list bans | awk -v a="$1" '$1 == a { sub("s", "", $2); print $2 }'; }

fail_from "$T_TMP/kamailio.log" $CLI4_A 3
check "3 failures: fail2ban bans $CLI4_A in vosfp" 0 \
	"$(until_true 30 banned_in_vosfp $CLI4_A; echo $?)"
ttl=$(ttl_of $CLI4_A)
check "... for bantime (12 s)" 1 "$([ "${ttl:-99}" -le 12 ] && echo 1 || echo 0)"
banned=$(counter banned)
check "the data path drops the source" 0 "$(sip_from $CLI4_A 3)"
check "... counted as banned" $((banned + 3)) "$(counter banned)"
check "after bantime fail2ban unbans it" 0 \
	"$(until_true 30 grep -q "\[vA-temp\] Unban $CLI4_A" "$F2B/fail2ban.log"; echo $?)"
check "... and it is no longer banned in vosfp" 0 \
	"$(until_true 10 not_banned_in_vosfp $CLI4_A; echo $?)"
check "... its frames pass again" 1 "$(sip_from $CLI4_A 1)"

# bantime.increment: the next ban of the same source lasts 4 times longer,
# and the action passes that bantime on.
fail_from "$T_TMP/kamailio.log" $CLI4_A 3
check "a second ban" 0 "$(until_true 30 banned_in_vosfp $CLI4_A; echo $?)"
longer() { t=$(ttl_of $CLI4_A); [ "${t:-0}" -gt 12 ]; }
until_true 10 longer || true # the first action bans for bantime, then it is prolonged
ttl=$(ttl_of $CLI4_A)
check "... lasts the increased bantime (over 12 s, at most 48 s)" 1 \
	"$([ "${ttl:-0}" -gt 12 ] && [ "$ttl" -le 48 ] && echo 1 || echo 0)"

# bantime = -1: a permanent ban, lifted only when fail2ban unbans.
fail_from "$T_TMP/kamailio-perm.log" $CLI4_C 3
check "bantime -1: $CLI4_C is banned" 0 "$(until_true 30 banned_in_vosfp $CLI4_C; echo $?)"
check "... permanently" permanent "$(ttl_of $CLI4_C)"
check "... not by a block entry" 0 "$(vosfp_cli list block | grep -cx "$CLI4_C/32" || true)"
banned=$(counter banned)
check "... the data path drops it" 0 "$(sip_from $CLI4_C 2)"
check "... counted as banned" $((banned + 2)) "$(counter banned)"
f2b set vA-perm unbanip $CLI4_C >/dev/null
check "fail2ban's unban lifts the ban" 0 \
	"$(until_true 10 not_banned_in_vosfp $CLI4_C; echo $?)"

check "no action failed" 0 "$(grep -c -E 'ERROR|returned [1-9]' "$F2B/fail2ban.log" || true)"
kill "$F2B_PID"
wait "$F2B_PID" || true
CLEANUP_PIDS=
if [ "$fails" -gt 0 ]; then
	echo "--- fail2ban log"; cat "$F2B/fail2ban.log"; cat "$F2B/server.out"
	exit 1
fi
