#!/usr/bin/env bash
# Real scanners against a real server: sipvicious's svmap and svwar find
# Kamailio (and its extensions) without vosfp, and find nothing with it,
# over IPv4 and IPv6; meanwhile SIPp calls and registrations from an
# allowed and from an unknown-but-legitimate source all succeed.
# usage: test_scanners.sh VOSFP_BINARY native|generic
set -euo pipefail
VOSFP=$1 MODE=$2
. "$(dirname "$0")/lib.sh"
e2e_require
for tool in svmap svwar; do
	command -v $tool >/dev/null || skip "no $tool (apt-get install sipvicious)"
done
e2e_setup
e2e_start_kamailio
export HOME=$E2E_TMP # sipvicious keeps its session files under ~/.sipvicious

N=10
in_client() { (cd "$E2E_TMP" && timeout 120 ip netns exec "$NS_C" "$@" 2>&1) || true; }
# svmap prints a table row per device found; svwar one per extension.
found_devices() { grep -c "| .*:5060 *|" <<<"$1" || true; }
found_extensions() { grep -cE "^\| 1[0-9][0-9] +\| reqauth" <<<"$1" || true; }

# svwar picks its source address itself for IPv6 (its -b binds IPv4 only);
# the client namespace's IPv6 addresses at this point are all "scanners".
scan_all() { # scan_all LABEL: prints "v4devices v6devices v4invite v4ext v6ext"
	local m4 m6 mi w4 w6
	m4=$(in_client svmap -b $CLI4_A $SRV4)
	m6=$(in_client svmap -6 $SRV6)
	mi=$(in_client svmap -b $CLI4_A -m INVITE $SRV4)
	w4=$(in_client svwar -b $CLI4_A -e100-109 --force $SRV4)
	w6=$(in_client svwar -6 -e100-109 --force $SRV6)
	echo "$(found_devices "$m4") $(found_devices "$m6") $(found_devices "$mi")" \
		"$(found_extensions "$w4") $(found_extensions "$w6")"
}

check "without vosfp the scanners find the server and its 10 extensions (v4, v6)" \
	"1 1 1 10 10" "$(scan_all)"

out=$(nsenter --net="/run/netns/$NS_S" "$VOSFP" --pin-root "$PIN" attach "$IF_S" --mode "$MODE")
check "attach in $MODE mode" "$IF_S: attached in $MODE mode" "$out"

check "with vosfp the scanners find nothing (v4, v6)" "0 0 0 0 0" "$(scan_all)"
check "scanner User-Agents were dropped" 1 "$([ "$(counter scanner)" -gt 0 ] && echo 1)"
check "OPTIONS probes were dropped by stealth" 1 "$([ "$(counter stealth)" -gt 0 ] && echo 1)"
check "the IPv4 scanner is on the ban list" 1 \
	"$(vosfp_cli list bans | grep -c "^$CLI4_A ")"
check "and its later requests were dropped as banned" 1 \
	"$([ "$(counter banned)" -gt 0 ] && echo 1)"

# Legitimate traffic, from sources the scanners did not use.
vosfp_cli allow $CLI4_B >/dev/null
check "allowed peer: OPTIONS all answered" "$N 0" \
	"$(sipp_run opt $CLI4_B $SRV4 $N -sf "$E2E_DIR/options.xml")"
check "allowed peer: calls all completed" "$N 0" "$(sipp_run callb $CLI4_B $SRV4 $N -sn uac)"
check "unknown source: calls all completed" "$N 0" "$(sipp_run callc $CLI4_C $SRV4 $N -sn uac)"
check "unknown source: REGISTERs all answered" "$N 0" \
	"$(sipp_run regc $CLI4_C $SRV4 $N -sf "$E2E_DIR/register.xml")"
CLI6_D=2001:db8:5060::4
ip -n "$NS_C" addr add $CLI6_D/64 dev "$IF_C" nodad
check "unknown IPv6 source: calls all completed" "$N 0" \
	"$(sipp_run call6 $CLI6_D $SRV6 $N -sn uac)"
check "unknown IPv6 source: REGISTERs all answered" "$N 0" \
	"$(sipp_run reg6 $CLI6_D $SRV6 $N -sf "$E2E_DIR/register.xml")"

vosfp_cli stats
# In the interface's namespace: a detach from elsewhere is refused.
nsenter --net="/run/netns/$NS_S" "$VOSFP" --pin-root "$PIN" detach "$IF_S" >/dev/null
echo "$MODE: $fails failed"
[ $fails -eq 0 ]
