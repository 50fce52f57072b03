# The five configurations of the attack benchmark, each put in front of the
# same Kamailio in the server namespace, and the counters each one keeps.
# Needs lib.sh's and server.sh's variables; VOSFP names the vosfp CLI.
#
#   none      no filter
#   kamailio  Kamailio's own defences (pike + ipban + scanner User-Agent)
#   nftables  nft.conf in the server namespace
#   generic   vosfp, XDP generic mode, on both server veths
#   native    vosfp, XDP native (veth driver) mode, on both server veths

ATK_RATE_LIMIT=200   # requests/s per source: vosfp, nftables and pike alike
ATK_RATE_BURST=20

# vosfp runs in the server's network namespace but keeps this mount
# namespace (and so /sys/fs/bpf): nsenter, not ip netns exec.
vosfp_s() {
	nsenter --net="/run/netns/$NS_S" "$VOSFP" --pin-root "$PIN" "$@"
}

# filter_on CONFIG: puts the filter in place; sets KAM_DEFINES to the -A
# defines that Kamailio needs for it (none but for "kamailio").
filter_on() {
	KAM_DEFINES=""
	case $1 in
	none) ;;
	kamailio) KAM_DEFINES=WITH_ANTIFLOOD ;;
	nftables) ip netns exec "$NS_S" nft -f "$ATK_DIR/nft.conf" ;;
	generic|native)
		PIN=/sys/fs/bpf/vosfp-attack-$ATK_ID-$1
		ATK_PINS="$ATK_PINS $PIN"
		vosfp_s attach "$IF_LS" --mode "$1" >/dev/null
		vosfp_s attach "$IF_SA" --mode "$1" >/dev/null
		vosfp_s allow "$TRUNK4" >/dev/null
		vosfp_s block "$BLOCK4" >/dev/null
		vosfp_s block "$BLOCK6" >/dev/null
		vosfp_s config rate_limit $ATK_RATE_LIMIT >/dev/null
		vosfp_s config rate_burst $ATK_RATE_BURST >/dev/null
		vosfp_s config autoban on >/dev/null
		;;
	*) echo "attack: unknown configuration $1" >&2; return 2 ;;
	esac
}

filter_off() {
	case $1 in
	nftables) ip netns exec "$NS_S" nft delete table inet vosfp_bench ;;
	generic|native)
		vosfp_s detach "$IF_LS" >/dev/null
		vosfp_s detach "$IF_SA" >/dev/null
		rm -rf "$PIN"
		;;
	esac
}

# filter_counters CONFIG: "reason=packets ..." as the filter counted them
# (vosfp's reasons, or the nftables counters named after them).
filter_counters() {
	case $1 in
	nftables)
		ip netns exec "$NS_S" nft -j list counters table inet vosfp_bench | "$PY" -c '
import json, sys
for o in json.load(sys.stdin)["nftables"]:
    if "counter" in o:
        print("nft_%s=%d" % (o["counter"]["name"], o["counter"]["packets"]), end=" ")'
		;;
	generic|native)
		vosfp_s stats --json | "$PY" -c '
import json, sys
for name, c in json.load(sys.stdin)["counters"].items():
    print("vosfp_%s=%d" % (name, c["packets"]), end=" ")'
		;;
	esac
	echo
}
