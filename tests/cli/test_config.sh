#!/usr/bin/env bash
# The configuration file (--config FILE, $VOSFP_CONFIG): a root made by
# attach with the file's pin root and capacities, then sync with the same
# file agrees with it; options on the command line override the file; a bad
# file is refused with FILE:LINE, exit 1, and opens (creates) nothing.
# The attach is on a veth inside a network namespace this test creates.
# usage: test_config.sh VOSFP_BINARY
set -euo pipefail
. "$(dirname "$0")/../lib.sh" # check, skip, v, wait_for
VOSFP=$1
[ "$(id -u)" = 0 ] || skip "needs root (the program is loaded)"
command -v ip >/dev/null || skip "no ip (apt-get install iproute2)"
id=$$-$RANDOM
pin=/sys/fs/bpf/vosfp-tcfg-$id
ns=vUcfg$$
tmp=$(mktemp -d /tmp/vosfp-tcfg.XXXXXX)
cleanup() {
	ip netns del "$ns" 2>/dev/null || true
	rm -rf "$pin" "$pin"-* "$tmp"
	return 0
}
trap cleanup EXIT
rc_of() { "$@" >/dev/null 2>&1 && echo 0 || echo $?; }
# Nothing of the machine's own /etc/vosfp/vosfp.conf: every command names
# its file, or none (/dev/null).
unset VOSFP_CONFIG

ip netns add "$ns"
ip -n "$ns" link add vUa type veth peer name vUb
ip -n "$ns" link set vUa up
ip -n "$ns" link set vUb up
# nsenter, not ip netns exec, which would hide bpffs (docs/operating.md).
inns() { nsenter --net=/run/netns/"$ns" "$@"; }

conf=$tmp/vosfp.conf
cat >"$conf" <<EOF
# settings every vosfp command reads
pin_root = $pin
block_capacity=1000
	allow_capacity=100
EOF
printf '192.0.2.0/24\n198.51.100.7\n' >"$tmp/block.txt"

check "attach with --config" 0 "$(rc_of inns "$VOSFP" --config "$conf" attach vUa --mode generic)"
st=$("$VOSFP" --config "$conf" status --json)
check "the root is the file's pin_root, attached" 1 \
	"$(grep -c '"interface":"vUa"' <<<"$st" || true)"
check "the root has the file's capacities" 1 \
	"$(grep -c '"capacities":{"block":1000,"allow":100}' <<<"$st" || true)"
check "sync with the same file (\$VOSFP_CONFIG) agrees with the root" 0 \
	"$(VOSFP_CONFIG=$conf rc_of "$VOSFP" sync "block=$tmp/block.txt")"
check "and changed its block list" 2 "$("$VOSFP" --config="$conf" list block | wc -l)"
check "a command with a smaller capacity than the root's is refused" 1 \
	"$(rc_of "$VOSFP" --config /dev/null --pin-root "$pin" --block-capacity 500 status)"

check "--pin-root and --block-capacity override the file's" 0 \
	"$(rc_of "$VOSFP" --config "$conf" --pin-root "$pin-b" --block-capacity 3000 status)"
check "the root made so: block from the option, allow_capacity still from the file" 1 \
	"$("$VOSFP" --pin-root "$pin-b" --block-capacity 3000 --config "$conf" status --json |
		grep -c '"capacities":{"block":3000,"allow":100}' || true)"
check "and the file's block_capacity, not overridden, disagrees with that root" 1 \
	"$(rc_of "$VOSFP" --pin-root "$pin-b" --config "$conf" status)"
check "--config after the command" 0 "$(rc_of "$VOSFP" status --config "$conf")"
check "--config overrides \$VOSFP_CONFIG" 0 \
	"$(VOSFP_CONFIG=$tmp/absent rc_of "$VOSFP" --config "$conf" status)"
check "detach with --config" 0 "$(rc_of inns "$VOSFP" --config "$conf" detach vUa)"

# Bad files: exit 1, FILE:LINE and why, and the pin root they name is never
# created (the file is read before anything is opened).
bad() {
	local name=$1 want=$2 text=$3 out rc=0
	printf 'pin_root=%s-bad\n%b' "$pin" "$text" >"$tmp/bad.conf"
	out=$("$VOSFP" --config "$tmp/bad.conf" status 2>&1) || rc=$?
	check "$name: exit 1" 1 "$rc"
	check "$name: names FILE:LINE and why" 1 "$(grep -c -- "$want" <<<"$out" || true)"
	check "$name: creates no root" no "$([ -e "$pin-bad" ] && echo yes || echo no)"
}
bad "unknown key" "$tmp/bad.conf:3: unknown key 'block_capacty'" '\nblock_capacty=5\n'
bad "capacity not a number" "$tmp/bad.conf:2: block_capacity must be a number" \
	'block_capacity=1000 # big\n'
bad "capacity zero" "$tmp/bad.conf:2: allow_capacity must be a number" 'allow_capacity=0\n'
bad "capacity above 2^32-1" "$tmp/bad.conf:2: block_capacity must be a number" \
	'block_capacity=4294967296\n'
bad "no =" "$tmp/bad.conf:2: expected KEY=VALUE" 'block_capacity 1000\n'
bad "empty value" "$tmp/bad.conf:2: allow_capacity has no value" 'allow_capacity=\n'
bad "key set twice" "$tmp/bad.conf:3: pin_root set again (first on line 1)" \
	'# again\npin_root=/sys/fs/bpf/other\n'
printf 'pin_root=vosfp\n' >"$tmp/rel.conf"
check "a relative pin_root is refused" 1 \
	"$("$VOSFP" --config "$tmp/rel.conf" status 2>&1 |
		grep -c "rel.conf:1: pin_root must be an absolute path" || true)"
printf 'block_capacity=1000\0\n' >"$tmp/nul.conf"
check "a NUL byte is refused" 1 \
	"$(rc_of "$VOSFP" --config "$tmp/nul.conf" --pin-root "$pin-bad" status)"

check "a named file that is missing is an error" 1 \
	"$(rc_of "$VOSFP" --config "$tmp/absent" --pin-root "$pin-bad" status)"
check "so is a directory" 1 "$(rc_of "$VOSFP" --config "$tmp" --pin-root "$pin-bad" status)"
check "\$VOSFP_CONFIG naming a missing file is an error" 1 \
	"$(VOSFP_CONFIG=$tmp/absent rc_of "$VOSFP" --pin-root "$pin-bad" status)"
check "an empty \$VOSFP_CONFIG is an error" 1 \
	"$(VOSFP_CONFIG='' rc_of "$VOSFP" --pin-root "$pin-bad" status)"
cp "$conf" "$tmp/open.conf"
chmod 0666 "$tmp/open.conf"
check "a world-writable file is refused" 1 "$(rc_of "$VOSFP" --config "$tmp/open.conf" status)"
check "--config twice is a usage error" 2 \
	"$(rc_of "$VOSFP" --config "$conf" --config "$conf" status)"
check "--config without a file is a usage error" 2 "$(rc_of "$VOSFP" status --config)"
check "--config= empty is a usage error" 2 "$(rc_of "$VOSFP" --config= status)"
check "no bad case created a root" no "$([ -e "$pin-bad" ] && echo yes || echo no)"
echo "config: $fails failed"
[ $fails -eq 0 ]
