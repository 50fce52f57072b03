# Sourced by the policy tests: a private pin root and scratch directory,
# both removed on every exit path, and check/wait helpers.
# usage: . lib.sh NAME VOSFP_BINARY
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (the XDP program and its maps are loaded)"; exit 77; }
VOSFP=$2
tmp=$(mktemp -d "/tmp/vosfp-$1.XXXXXX")
pin=/sys/fs/bpf/vosfp-t$1-$$-$RANDOM
cleanup_extra() { :; }
# What vosfp sync keeps for a root in /run/vosfp (lock and state, keyed by
# the root's device and inode: cli/sync_state.h).
rm_sync_state() {
	local r
	for r in "$@"; do
		[ -d "$r" ] && rm -f "/run/vosfp/sync-$(stat -c %D "$r")-$(stat -c %i "$r")".{lock,state}
	done
	return 0
}
trap 'cleanup_extra; rm_sync_state "$pin"; rm -rf "$tmp" "$pin"' EXIT
trap 'exit 130' INT TERM
v() { "$VOSFP" --pin-root "$pin" "$@"; }
fails=0
check() {
	if [ "$2" = "$3" ]; then echo "ok   $1"; else echo "FAIL $1: expected '$2', got '$3'"; fails=$((fails + 1)); fi
}
# wait_for SECONDS COMMAND...: until COMMAND succeeds, polling every 0.1 s.
wait_for() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.1
	done
}
finish() {
	echo "$1: $fails failed"
	[ $fails -eq 0 ]
}
