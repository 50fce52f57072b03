# Topology of the attack benchmark: three network namespaces made here and
# joined by two veth pairs made here. Nothing outside them is touched, and
# atk_cleanup removes all of it on every exit path.
#
#   legit ns (SIPp)  lc ---- ls  server ns (Kamailio)  sa ---- aa  attack ns (trafgen)
#
# The server holds its SIP addresses on ls; junk arrives on sa addressed to
# the same addresses (Linux accepts a packet for any local address on any
# interface). Replies to junk sources leave through sa towards a static
# neighbour in the attack namespace, which drops them (no forwarding): the
# server pays for answering, as it would on the Internet, and needs no ARP
# or NDP for 130,000 made-up sources.

SRV4=198.51.100.1
TRUNK4=198.51.100.2      # allowed trunk: OPTIONS pings
LEGIT4=198.51.100.3      # legitimate but unknown: REGISTERs and calls
SRV6=2001:db8:5060::1
BLOCK4=172.20.0.0/16     # the blocked networks (junk.py sends from inside them)
BLOCK6=2001:db8:bad::/48
# junk source ranges routed back through the attack link (see junk.py)
JUNK_ROUTES4="10.66.0.0/16 10.77.0.0/24 172.20.0.0/16 203.0.113.0/24"
JUNK_ROUTES6="2001:db8:66::/64 2001:db8:77::/64 2001:db8:88::/64 2001:db8:bad::/48"
# the spoofed flood's IPv4 sources (junk.py --spoof): routed only with ATK_SPOOF
SPOOF_ROUTES4="100.0.0.0/8"
MAC_SA=02:5e:00:00:00:01  # server side of the attack link
MAC_AA=02:5e:00:00:00:02  # attacker side

atk_cleanup() {
	local rc=$? p
	trap - EXIT
	set +e   # clean up everything, whatever fails on the way
	for p in ${ATK_PIDS:-}; do kill "$p" 2>/dev/null; done
	for p in ${ATK_PIDS:-}; do wait "$p" 2>/dev/null; done
	for ns in ${NS_S:-} ${NS_L:-} ${NS_A:-}; do ip netns del "$ns" 2>/dev/null; done
	for p in ${ATK_PINS:-}; do [ -d "$p" ] && rm -rf "$p"; done
	[ -n "${ATK_TMP:-}" ] && [ -z "${ATK_KEEP:-}" ] && rm -rf "$ATK_TMP"
	exit $rc
}

# atk_setup: sets NS_S NS_L NS_A IF_LS IF_LC IF_SA IF_AA ATK_ID ATK_TMP.
# ATK_QUEUES (default 1): queues of the attack veth, one per generator
# process, so that two senders do not queue on one ring. ATK_SPOOF: also
# route the spoofed flood's sources back through the attack link.
atk_setup() {
	ATK_ID=$(printf '%05d%03d' $(( $$ % 100000 )) $(( RANDOM % 1000 )))
	NS_S=vatk-s-$ATK_ID NS_L=vatk-l-$ATK_ID NS_A=vatk-a-$ATK_ID
	IF_LS=vkls$ATK_ID IF_LC=vklc$ATK_ID IF_SA=vksa$ATK_ID IF_AA=vkaa$ATK_ID
	ATK_TMP=$(mktemp -d /tmp/vosfp-attack.XXXXXX)
	ATK_PIDS="" ATK_PINS=""
	trap atk_cleanup EXIT
	trap 'exit 130' INT TERM HUP

	local ns
	for ns in "$NS_S" "$NS_L" "$NS_A"; do
		ip netns add "$ns"
		ip -n "$ns" link set lo up
	done
	ip link add "$IF_LS" netns "$NS_S" type veth peer name "$IF_LC" netns "$NS_L"
	local q=${ATK_QUEUES:-1}
	ip link add "$IF_SA" netns "$NS_S" address $MAC_SA numtxqueues "$q" numrxqueues "$q" \
		type veth peer name "$IF_AA" netns "$NS_A" address $MAC_AA \
		numtxqueues "$q" numrxqueues "$q"
	# no reverse-path filtering: junk sources are routed back via sa anyway
	ip netns exec "$NS_S" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
	ip -n "$NS_S" addr add $SRV4/24 dev "$IF_LS"
	ip -n "$NS_S" addr add $SRV6/64 dev "$IF_LS" nodad
	ip -n "$NS_L" addr add $TRUNK4/24 dev "$IF_LC"
	ip -n "$NS_L" addr add $LEGIT4/24 dev "$IF_LC"
	ip -n "$NS_S" addr add 10.255.0.1/30 dev "$IF_SA"
	ip -n "$NS_S" addr add fd00:255::1/64 dev "$IF_SA" nodad
	ip -n "$NS_A" addr add 10.255.0.2/30 dev "$IF_AA"
	ip -n "$NS_A" addr add fd00:255::2/64 dev "$IF_AA" nodad
	ip -n "$NS_S" neigh add 10.255.0.2 lladdr $MAC_AA dev "$IF_SA" nud permanent
	ip -n "$NS_S" neigh add fd00:255::2 lladdr $MAC_AA dev "$IF_SA" nud permanent
	ip -n "$NS_S" link set "$IF_LS" up
	ip -n "$NS_S" link set "$IF_SA" up
	ip -n "$NS_L" link set "$IF_LC" up
	ip -n "$NS_A" link set "$IF_AA" up
	local r
	for r in $JUNK_ROUTES4 ${ATK_SPOOF:+$SPOOF_ROUTES4}; do
		ip -n "$NS_S" route add "$r" via 10.255.0.2 dev "$IF_SA"
	done
	for r in $JUNK_ROUTES6; do ip -n "$NS_S" -6 route add "$r" via fd00:255::2 dev "$IF_SA"; done
}

# atk_pair TAG: the generator checks' topology (gen_check.sh, genrate.sh):
# two namespaces made here, NS_A (the sender's) and NS_S (the receiver's),
# joined by one veth, IF_A to IF_S, with the attack link's MACs and
# ATK_QUEUES queues (default 1). TAG, one letter, tells the scripts' names
# apart. Sets ATK_ID ATK_TMP and the exit trap, as atk_setup does; a child
# to end on exit goes in ATK_PIDS, and out of it once reaped.
atk_pair() {
	ATK_ID=$(printf '%05d%03d' $(( $$ % 100000 )) $(( RANDOM % 1000 )))
	NS_A=vatk-${1}a-$ATK_ID NS_S=vatk-${1}s-$ATK_ID IF_A=vk${1}a$ATK_ID IF_S=vk${1}s$ATK_ID
	ATK_TMP=$(mktemp -d "/tmp/vosfp-atk$1.XXXXXX")
	ATK_PIDS="" ATK_PINS=""
	trap atk_cleanup EXIT
	trap 'exit 130' INT TERM HUP

	local q=${ATK_QUEUES:-1}
	ip netns add "$NS_A"
	ip netns add "$NS_S"
	ip link add "$IF_A" netns "$NS_A" address $MAC_AA numtxqueues "$q" numrxqueues "$q" \
		type veth peer name "$IF_S" netns "$NS_S" address $MAC_SA \
		numtxqueues "$q" numrxqueues "$q"
	# No IPv6 of the kernels' own on the link (router solicitations, MLD):
	# only the generator's frames cross it. Before the link is up.
	ip netns exec "$NS_A" sysctl -qw "net.ipv6.conf.$IF_A.disable_ipv6=1"
	ip netns exec "$NS_S" sysctl -qw "net.ipv6.conf.$IF_S.disable_ipv6=1"
	ip -n "$NS_A" link set "$IF_A" up
	ip -n "$NS_S" link set "$IF_S" up
}

# veth_tx_dropped: frames that the attack veth could not hand to the server
# side (its backlog or XDP ring full): the generator sent them, no filter
# ever saw them.
veth_tx_dropped() {
	ip -n "$NS_A" -s -j link show "$IF_AA" |
		"$PY" -c 'import json, sys; print(json.load(sys.stdin)[0]["stats64"]["tx"]["dropped"])'
}

# atk_napi NS IF: NAPI on veth IF in namespace NS, by turning GRO on. A veth
# takes frames redirected to its peer by XDP (live_gen's) only into a NAPI
# poll, which it runs when it has an XDP program or GRO; without either it
# drops them all. With GRO on, every frame takes that path, as it would from
# a NIC's receive ring, whichever filter is loaded.
atk_napi() {
	ip netns exec "$1" ethtool -K "$2" gro on >/dev/null
}
