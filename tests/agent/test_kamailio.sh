#!/bin/bash
# examples/kamailio/vosfp-ban.cfg with the real Kamailio, running as its
# own unprivileged user (Debian's kamailio, with the run's socket group as
# its group) in a namespace made here, the program attached in front of it
# and the agent serving the socket: wrong passwords N times ban the source
# through `vosfp ban` run by the exec module, and the source's requests
# then get no answer; a pike flood bans its source, but not a source that
# has authenticated (a flood's source can be forged).
# usage: test_kamailio.sh VOSFP
set -euo pipefail
VOSFP=$(realpath "$1")
. "$(dirname "$0")/lib.sh"
agent_require kamailio
if ! id kamailio >/dev/null 2>&1; then
	skip "no kamailio user (Debian's kamailio package)"
fi
EXAMPLES=$(cd "$AGENT_DIR/../../examples/kamailio" && pwd)
agent_setup
agent_start

KAM=$T_TMP/kam
mkdir -p "$KAM/bin"
cp "$AGENT_DIR/kamailio-ban.cfg" "$EXAMPLES/vosfp-ban.cfg" "$KAM/"
# `vosfp` on Kamailio's PATH is the tool under test, named by its path (the
# kamailio user must be able to reach it: a link, not a copy of a build tree).
ln -s "$VOSFP" "$KAM/bin/vosfp"
chown -R kamailio:"$T_GROUP" "$KAM"
env PATH="$KAM/bin:/usr/sbin:/usr/bin:/sbin:/bin" VOSFP_CONTROL="$SOCK" \
	nsenter --net="/run/netns/$NS_S" kamailio -DD -E -f "$KAM/kamailio-ban.cfg" \
	-A "LISTEN4=$SRV4" -A VOSFP_AUTH_FAILS=3 -A VOSFP_PIKE_DENSITY=20 -m 32 -M 4 \
	-u kamailio -g "$T_GROUP" -P "$KAM/kamailio.pid" -Y "$KAM" -w "$KAM" \
	>"$T_TMP/kamailio.log" 2>&1 &
KAM_PID=$!
CLEANUP_PIDS="$KAM_PID $CLEANUP_PIDS"
for _ in $(seq 1 100); do
	nsenter --net="/run/netns/$NS_S" ss -Hlun "sport = :5060" | grep -q "$SRV4" && break
	kill -0 "$KAM_PID" 2>/dev/null || break
	sleep 0.1
done
in_client() { nsenter --net="/run/netns/$NS_C" "$@"; }
SIP="python3 $AGENT_DIR/sip_auth.py"
until_true() {
	local n=$(( $1 * 5 )); shift
	for _ in $(seq 1 "$n"); do "$@" && return 0; sleep 0.2; done
	return 1
}
banned_in_vosfp() { vosfp_cli list bans | grep -q "^$1 "; }

kuid=$(id -u kamailio) kgid=$(getent group "$T_GROUP" | cut -d: -f3)
check "Kamailio runs as kamailio" kamailio \
	"$(ps -o user= --ppid "$KAM_PID" | sort -u | head -n1)"
check "the right password registers" 200 "$(in_client $SIP register $CLI4_B $SRV4 alice secret 1)"
check "two wrong passwords: refused, not banned" "403 403" \
	"$(in_client $SIP register $CLI4_A $SRV4 alice wrong 2)"
check "... not banned yet" 1 "$(banned_in_vosfp $CLI4_A && echo 0 || echo 1)"
check "the third: refused" 403 "$(in_client $SIP register $CLI4_A $SRV4 alice wrong 1)"
check "... and banned in vosfp" 0 "$(until_true 20 banned_in_vosfp $CLI4_A; echo $?)"
check "... for 600 s" 1 \
	"$(vosfp_cli list bans | awk -v a=$CLI4_A '$1 == a' | grep -c ' 600s left\| 599s left')"
check "... by Kamailio's uid and the socket group, through the agent" 1 \
	"$(grep -c "ban $CLI4_A ttl=600 applied (from control uid=$kuid gid=$kgid " \
		"$T_TMP/agent.log")"
banned=$(counter banned)
check "its requests now get no answer" timeout \
	"$(in_client $SIP register $CLI4_A $SRV4 alice secret 1)"
check "... dropped by the program as banned" $((banned + 1)) "$(counter banned)"

# A flood from a source that authenticated is not enough to ban it; one
# from a source that never did is.
in_client $SIP flood $CLI4_B $SRV4 200
check "pike: a flood from an authenticated source is logged" 0 \
	"$(until_true 10 grep -q "flood from $CLI4_B:[0-9]* (pike), not banned" \
		"$T_TMP/kamailio.log"; echo $?)"
check "... and not banned" 1 "$(banned_in_vosfp $CLI4_B && echo 0 || echo 1)"
in_client $SIP flood $CLI4_C $SRV4 200
check "pike: a flood from an unknown source bans it" 0 \
	"$(until_true 20 banned_in_vosfp $CLI4_C; echo $?)"

kill "$KAM_PID"
wait "$KAM_PID" || true
if [ "$fails" -gt 0 ]; then
	echo "--- kamailio log"; tail -n 60 "$T_TMP/kamailio.log"
	echo "--- agent log"; cat "$T_TMP/agent.log"
	exit 1
fi
