# Sourced by the shell tests, for what every one of them needs: a report line
# per check, one skip idiom (exit 77, meson's "skipped", with the reason on
# the output), bounded waits, names unique to the run, and the network
# namespaces and pin roots a test makes and must remove. Nothing here sends
# traffic or touches an interface the test did not make. tests/README.md.
# usage: . "$(dirname "$0")/../lib.sh"

# check DESCRIPTION EXPECTED ACTUAL: one line of the test's report; a
# mismatch counts in $fails.
fails=0
check() {
	if [ "$2" = "$3" ]; then
		echo "ok   $1"
	else
		echo "FAIL $1: expected '$2', got '$3'"
		fails=$((fails + 1))
	fi
}

# finish NAME: the closing line; its status is the test's (0: all passed).
finish() {
	echo "$1: $fails failed"
	[ $fails -eq 0 ]
}

# skip REASON...: the machine cannot run the test; meson counts it skipped.
skip() {
	echo "SKIP: $*"
	exit 77
}

# require_root WHAT-FOR: skip unless root.
require_root() {
	[ "$(id -u)" = 0 ] || skip "needs root ($1)"
}

# require_tools HINT TOOL...: skip, naming the missing ones and HINT (the
# packages), unless every TOOL is on the PATH.
require_tools() {
	local hint=$1 missing=() tool
	shift
	for tool in "$@"; do
		command -v "$tool" >/dev/null || missing+=("$tool")
	done
	[ ${#missing[@]} -eq 0 ] || skip "missing ${missing[*]}${hint:+ ($hint)}"
}

# wait_for SECONDS COMMAND...: until COMMAND succeeds, polling every 0.1 s;
# fails once SECONDS have passed.
wait_for() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.1
	done
}

# t_id: a name part unique to this run (PID and a random number), short
# enough for an interface name with a 5-character prefix.
t_id() {
	printf '%05d%04d' $(($$ % 100000)) $((RANDOM % 10000))
}

# t_pin_root NAME: sets $pin, a pin root under /sys/fs/bpf unique to the run
# (the tool makes it on first use); t_pin_cleanup removes it and the replay
# scratch roots made beside it, for the caller's EXIT trap.
t_pin_root() {
	pin=/sys/fs/bpf/vosfp-$1-$(t_id)
}
t_pin_cleanup() {
	[ -n "${pin:-}" ] && rm -rf "$pin" "$pin"-replay-*
	return 0
}

# v ARGS...: the tool ($VOSFP) against the test's own pin root ($pin).
v() {
	"$VOSFP" --pin-root "$pin" "$@"
}

# t_netns_pair PREFIX: two network namespaces joined by a veth pair, both
# made here, loopback and the pair up; sets NS_S NS_C (names) and IF_S IF_C
# (the server's and the client's end). Addresses are the caller's. PREFIX
# names the area (e.g. vA): at most 5 characters.
t_netns_pair() {
	local id ns
	id=$(t_id)
	NS_S=$1-s-$id NS_C=$1-c-$id IF_S=${1}s$id IF_C=${1}c$id
	ip netns add "$NS_S"
	ip netns add "$NS_C"
	ip link add "$IF_S" netns "$NS_S" type veth peer name "$IF_C" netns "$NS_C"
	for ns in "$NS_S" "$NS_C"; do ip -n "$ns" link set lo up; done
	ip -n "$NS_S" link set "$IF_S" up
	ip -n "$NS_C" link set "$IF_C" up
}

# t_netns_cleanup: removes what t_netns_pair made (the veth pair goes with
# its namespaces); for the caller's EXIT trap.
t_netns_cleanup() {
	[ -n "${NS_S:-}" ] && ip netns del "$NS_S" 2>/dev/null
	[ -n "${NS_C:-}" ] && ip netns del "$NS_C" 2>/dev/null
	return 0
}
