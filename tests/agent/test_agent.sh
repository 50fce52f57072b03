#!/bin/bash
# vosfp agent and its control socket, against a pin root whose program is
# attached to a veth made here: an unprivileged user (made per run, in the
# socket's group, no capabilities) bans through the unchanged `vosfp ban`;
# the ban is listed and real frames from that source are dropped; its uid
# and gid are logged; the allow list and the non-root limits refuse; bad
# requests, a flood of them, a silent client, an over-long line and too
# many clients are answered and the agent keeps serving; a silent client
# is closed after the idle timeout; systemd's notify
# protocol; --metrics; --sync; SIGTERM stops it and removes the socket.
# usage: test_agent.sh VOSFP
set -euo pipefail
VOSFP=$(realpath "$1")
. "$(dirname "$0")/lib.sh"
agent_require curl
agent_setup
CTL="python3 $AGENT_DIR/ctl.py"

# Bad options are usage errors (2), found before anything is opened.
for bad in "--sync nope=/x" "--min-prefix4 33" "--max-ttl 0" "--metrics" "--frob x"; do
	rc=0
	# shellcheck disable=SC2086 # the words of $bad are the options
	"$VOSFP" --pin-root "$PIN" agent --control "$SOCK" $bad >/dev/null 2>&1 || rc=$?
	check "agent $bad: usage error" 2 "$rc"
done

# A group that does not exist is refused, with nothing left behind.
rc=0
"$VOSFP" --pin-root "$PIN" agent --control "$SOCK" --control-group "nogroup-$ID" \
	>"$T_TMP/nogroup.log" 2>&1 || rc=$?
check "a missing group is an error" 1 "$rc"
check "... that names the group" 1 "$(grep -c "nogroup-$ID: no such group" "$T_TMP/nogroup.log")"
check "... and leaves no socket" no "$([ -e "$SOCK" ] && echo yes || echo no)"

# A broker login that everyone may read is refused (by the fleet, or the
# fleet is not built in), with nothing left behind.
echo guest:guest >"$T_TMP/amqp.cred"
chmod 0644 "$T_TMP/amqp.cred"
rc=0
out=$("$VOSFP" --pin-root "$PIN" agent --control "$SOCK" --control-group "$T_GROUP" \
	--amqp amqp://127.0.0.1:1/ --amqp-credentials "$T_TMP/amqp.cred" 2>&1) || rc=$?
check "a broker login readable by everyone is refused" 1 "$rc"
check "... saying why" 1 \
	"$(grep -c -e 'readable by everyone' -e 'built without the fleet' <<<"$out")"
check "... and leaves no socket" no "$([ -e "$SOCK" ] && echo yes || echo no)"

# systemd's notify protocol, on a socket of our own.
$CTL notify "$T_TMP/notify.sock" "$T_TMP/notify.log" &
NOTIFY_PID=$!
CLEANUP_PIDS="$NOTIFY_PID"
for _ in $(seq 1 50); do [ -S "$T_TMP/notify.sock" ] && break; sleep 0.1; done
PORT=$(( 20000 + RANDOM % 20000 ))
printf '192.0.2.0/24\n' >"$T_TMP/block.txt"
NOTIFY_SOCKET=$T_TMP/notify.sock WATCHDOG_USEC=1000000 \
	agent_start --metrics "127.0.0.1:$PORT" --sync "block=$T_TMP/block.txt"

# A silent client, from now on: it must be closed (after the idle timeout).
$CTL idle "$SOCK" >"$T_TMP/idle.out" &
IDLE_PID=$!
CLEANUP_PIDS="$CLEANUP_PIDS $IDLE_PID"

check "socket mode 0660, group of the run" "660 $T_GROUP" "$(stat -c '%a %G' "$SOCK")"
check "a second agent on the socket is refused" 1 \
	"$("$VOSFP" --pin-root "$PIN" agent --control "$SOCK" --control-group "$T_GROUP" \
		>"$T_TMP/second.log" 2>&1; echo $?)"
check "... saying why" 1 "$(grep -c 'another agent is serving' "$T_TMP/second.log")"

# Before: the source passes.
check "before the ban: a request from $CLI4_A reaches the server" 1 "$(sip_from $CLI4_A 1)"

# The unprivileged user bans with the tool, unchanged, through the socket.
uid=$(id -u "$T_USER") gid=$(getent group "$T_GROUP" | cut -d: -f3)
out=$(VOSFP_CONTROL=$SOCK as_user "$VOSFP" --pin-root "$PIN" ban $CLI4_A --ttl 600 2>&1) || true
check "unprivileged ban through the socket" "$CLI4_A: banned for 600 seconds" "$out"
check "the ban is listed" 1 "$(vosfp_cli list bans | grep -c "^$CLI4_A ")"
check "... also to the user, through the socket" 1 \
	"$(VOSFP_CONTROL=$SOCK as_user "$VOSFP" list bans | grep -c "^$CLI4_A ")"
banned=$(counter banned)
check "after the ban: nothing from $CLI4_A reaches the server" 0 "$(sip_from $CLI4_A 5)"
check "... the program dropped the 5 as banned" $((banned + 5)) "$(counter banned)"
check "the change is logged with the peer's uid and gid" 1 \
	"$(grep -c "ban $CLI4_A ttl=600 applied (from control uid=$uid gid=$gid pid=" \
		"$T_TMP/agent.log")"
check "query names the ban" "ok drop ban $CLI4_A ttl=600 reason=manual" \
	"$($CTL ask "$SOCK" "query $CLI4_A" | sed 's/ttl=[0-9]*/ttl=600/')"

# The allow list is never overridden; non-root clients are held to the limits.
vosfp_cli allow $CLI4_B >/dev/null
rc=0
out=$(VOSFP_CONTROL=$SOCK as_user "$VOSFP" ban $CLI4_B 2>&1) || rc=$?
check "a ban of an allow-listed source is refused" 1 "$rc"
check "... saying which entry" \
	"vosfp: ban: $CLI4_B: covered by the allow list entry $CLI4_B/32 (unallow it first)" "$out"
check "... and nothing is banned" 0 "$(vosfp_cli list bans | grep -c "^$CLI4_B " || true)"
want="error allow_listed 198.51.100.0/24: covered by the allow list entry $CLI4_B/32"
check "a block covering an allowed source is refused" "$want (unallow it first)" \
	"$($CTL ask "$SOCK" "block 198.51.100.0/24")"
check "query names the allow entry" "ok pass allow $CLI4_B/32 ttl=0" \
	"$($CTL ask "$SOCK" "query $CLI4_B")"
out=$(VOSFP_CONTROL=$SOCK as_user "$VOSFP" block 10.0.0.0/8 2>&1) || true
check "a non-root /8 block is refused" \
	"vosfp: block: 10.0.0.0/8: prefix shorter than /16, the minimum for non-root clients" "$out"
check "a non-root 400-day ban is refused" 1 \
	"$(VOSFP_CONTROL=$SOCK as_user "$VOSFP" ban $CLI4_C --ttl 400d 2>&1 |
		grep -c 'above the maximum of 31536000 s')"
check "root may block a /8 through the socket" "ok blocked 10.0.0.0/8 ttl=0" \
	"$($CTL ask "$SOCK" "block 10.0.0.0/8")"
check "query names the block entry" "ok drop block 10.0.0.0/8 ttl=0" \
	"$($CTL ask "$SOCK" "query 10.1.2.3")"
check "unblock" "ok unblocked 10.0.0.0/8" "$($CTL ask "$SOCK" "unblock 10.0.0.0/8")"
check "query of a source with no entry" "ok inspect none (no entry: the SIP checks decide)" \
	"$($CTL ask "$SOCK" "query 203.0.113.9")"
check "unban" "$CLI4_A: ban lifted" "$(VOSFP_CONTROL=$SOCK as_user "$VOSFP" unban $CLI4_A)"
check "after the unban: the source passes again" 1 "$(sip_from $CLI4_A 1)"

# Bad input, in bulk and in every shape, and the agent still serves.
want="error usage unknown request 'frobnicate'"
check "malformed requests" "$want (ban, unban, block, unblock, query, stats, bans)" \
	"$($CTL ask "$SOCK" "frobnicate now")"
check "a bad address" "error invalid 1.2.3: not an IPv4 or IPv6 address" \
	"$($CTL ask "$SOCK" "ban 1.2.3")"
check "1,000 bad requests, 1,000 errors (a silent client held meanwhile)" 1000 \
	"$($CTL flood "$SOCK" 1000)"
check "an over-long line is refused and the connection closed" \
	"error too_long request longer than 511 bytes closed" "$($CTL toolong "$SOCK" | xargs)"
# The silent client of the idle check holds a slot until the agent's idle
# timeout (10 s) closes it: wait for that, so that all 64 are free.
wait "$IDLE_PID" || true
check "a silent client is closed after the idle timeout" closed "$(cat "$T_TMP/idle.out")"
check "beyond 64 clients at once, the others are told busy" 6 "$($CTL clients "$SOCK" 70)"
check "the agent still serves" "ok banned $CLI4_C ttl=60" "$($CTL ask "$SOCK" "ban $CLI4_C 60")"

# Its metrics, on the socket and over HTTP.
stats=$($CTL ask "$SOCK" stats)
check "stats: rejected allow_listed" 1 \
	"$(grep -c 'events_rejected_total{origin="control",reason="allow_listed"}=2' <<<"$stats")"
check "stats: applied from control" 1 \
	"$(grep -c 'vosfp_agent_events_applied_total{origin="control"}=5 ' <<<"$stats")"
metrics=$(curl -sf "http://127.0.0.1:$PORT/metrics")
check "--metrics serves the same counters" 1 \
	"$(grep -c '^vosfp_agent_events_applied_total{origin="control"} 5$' <<<"$metrics")"
check "--metrics: no fleet" 1 "$(grep -c '^vosfp_agent_fleet_enabled 0$' <<<"$metrics")"

# --sync runs the tool's sync --watch.
for _ in $(seq 1 50); do vosfp_cli list block | grep -q '^192.0.2.0/24$' && break; sleep 0.1; done
check "--sync applied the block file" 1 "$(vosfp_cli list block | grep -c '^192.0.2.0/24$')"
sync_pid=$(pgrep -P "$AGENT_PID" -x vosfp || true)
check "--sync runs as a child" 1 "$([ -n "$sync_pid" ] && echo 1 || echo 0)"

# SIGTERM: a clean stop.
sleep 1.2 # one timer tick: the watchdog's ping
kill -TERM "$AGENT_PID"
rc=0
wait "$AGENT_PID" || rc=$?
check "SIGTERM: exit status 0" 0 "$rc"
check "... the socket is removed" no "$([ -e "$SOCK" ] && echo yes || echo no)"
check "... the sync child is gone" no \
	"$([ -n "$sync_pid" ] && kill -0 "$sync_pid" 2>/dev/null && echo yes || echo no)"
check "... and the ban stays in force" 1 "$(vosfp_cli list bans | grep -c "^$CLI4_C ")"
check "log lines carry journald priorities" 1 \
	"$(grep -c '^<6>vosfp-agent: Terminated, stopping$' "$T_TMP/agent.log")"
wait "$NOTIFY_PID" || true
check "sd_notify: READY=1" 1 "$(grep -c '^READY=1' "$T_TMP/notify.log")"
check "sd_notify: WATCHDOG=1" 1 "$(grep -m1 -c '^WATCHDOG=1' "$T_TMP/notify.log")"
check "sd_notify: STOPPING=1 last" STOPPING=1 "$(tail -n1 "$T_TMP/notify.log" | xargs)"

if [ "$fails" -gt 0 ]; then
	echo "--- agent log"; cat "$T_TMP/agent.log"
	exit 1
fi
