# Sourced by the policy tests: a private pin root and scratch directory,
# both removed on every exit path; check, v, wait_for and finish come from
# tests/lib.sh.
# usage: . lib.sh NAME VOSFP_BINARY
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
require_root "the XDP program and its maps are loaded"
VOSFP=$2
tmp=$(mktemp -d "/tmp/vosfp-$1.XXXXXX")
t_pin_root "t$1"
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
trap 'cleanup_extra; rm_sync_state "$pin"; rm -rf "$tmp"; t_pin_cleanup' EXIT
trap 'exit 130' INT TERM
