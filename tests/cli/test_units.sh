#!/usr/bin/env bash
# The systemd units as installed: meson installs them (into a scratch
# DESTDIR here) with ExecStart naming the installed tool, and
# `systemd-analyze verify` finds nothing to say about them, a template
# instance included (also one whose interface name needs escaping). verify
# runs with --root on the scratch tree, which gets a copy of the host's own
# system units (sysinit.target and the like) so that only ours are new; it
# needs no systemd running as PID 1. A deliberately broken unit must make
# verify speak, or the check could not fail.
# usage: test_units.sh BUILD_DIR
set -euo pipefail
. "$(dirname "$0")/../lib.sh" # check, skip, v, wait_for
build=$1
command -v systemd-analyze >/dev/null ||
	skip "no systemd-analyze (apt-get install systemd)"
tmp=$(mktemp -d /tmp/vosfp-units.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root

meson install -C "$build" --destdir "$root" --no-rebuild --quiet >/dev/null
units=$(find "$root" -name 'vosfp@.service' -printf '%h\n' | head -n1)
[ -n "$units" ] || { echo "FAIL: no vosfp@.service installed"; exit 1; }
echo "units installed in ${units#"$root"}"
for u in vosfp@.service vosfp-sync.service vosfp-exporter.service vosfp-agent.service; do
	check "$u installed" yes "$([ -f "$units/$u" ] && echo yes || echo no)"
	[ -f "$units/$u" ] || continue
	check "$u: no placeholder left" 0 "$(grep -c '@[a-z]*@' "$units/$u" || true)"
	# Every Exec line names the tool where meson installed it.
	while read -r exe; do
		check "$u: $exe is the installed tool" yes \
			"$([ -x "$root$exe" ] && [ "$(basename "$exe")" = vosfp ] && echo yes || echo no)"
	done < <(sed -n 's/^Exec[A-Za-z]*=\([^ ]*\).*/\1/p' "$units/$u")
done
check "vosfp@ is bound to its interface's device" 1 \
	"$(grep -c '^BindsTo=sys-subsystem-net-devices-%i.device$' "$units/vosfp@.service")"
check "and ordered after it" 1 \
	"$(grep -c '^After=sys-subsystem-net-devices-%i.device$' "$units/vosfp@.service")"

# The host's units, so that verify can resolve what ours depend on.
for d in /lib/systemd/system /usr/lib/systemd/system; do
	real=$(realpath "$d" 2>/dev/null) || continue
	[ -d "$real" ] || continue
	mkdir -p "$root$real"
	cp -a -n "$real/." "$root$real/"
done
if [ -L /lib ] && [ ! -e "$root/lib" ]; then
	ln -s "$(readlink /lib)" "$root/lib"
fi

verify() { systemd-analyze verify --man=no --generators=no --root="$root" "$@" 2>&1; }
out=$(verify vosfp-sync.service vosfp-exporter.service vosfp-agent.service vosfp@vUeth0.service \
	'vosfp@br\x2dlan.service') && rc=0 || rc=$?
check "systemd-analyze verify: exit 0" 0 "$rc"
check "systemd-analyze verify: nothing to say" "" "$out"

sed 's/^Type=simple/Type=simpel/' "$units/vosfp-sync.service" >"$units/vosfp-broken.service"
out=$(verify vosfp-broken.service) || true
check "verify does read our files (a broken copy is reported)" 1 \
	"$(grep -c 'Failed to parse service type' <<<"$out" || true)"
# vosfp@IFACE's own Exec lines, run as systemd would run them (%I is the
# instance) with the installed tool, on a veth in a namespace of this test's
# and a pin root of its own named by the configuration file.
if [ "$(id -u)" = 0 ] && command -v ip >/dev/null; then
	ns=vUunit$$
	pin=/sys/fs/bpf/vosfp-tunit-$$-$RANDOM
	trap 'ip netns del "$ns" 2>/dev/null; rm -rf "$tmp" "$pin"' EXIT
	ip netns add "$ns"
	ip -n "$ns" link add vUu0 type veth peer name vUu1
	ip -n "$ns" link set vUu0 up
	printf 'pin_root=%s\nblock_capacity=5000\n' "$pin" >"$tmp/vosfp.conf"
	lib=$(dirname "$(find "$root" -name 'libvosfp.so.0' | head -n1)")
	# run_exec KEY: runs the unit's line KEY (ExecStart, ExecStop) with %I = vUu0
	run_exec() {
		local line
		line=$(sed -n "s/^$1=//p" "$units/vosfp@.service")
		line=${line//%I/vUu0}
		# shellcheck disable=SC2086 # split into words, as systemd does
		VOSFP_CONFIG=$tmp/vosfp.conf LD_LIBRARY_PATH=$lib \
			nsenter --net=/run/netns/"$ns" "$root"$line
	}
	run_exec ExecStart >/dev/null && rc=0 || rc=$?
	check "vosfp@vUu0: ExecStart succeeds" 0 "$rc"
	st=$(VOSFP_CONFIG=$tmp/vosfp.conf "$build/cli/vosfp" status --json)
	check "and attaches vUu0 on the file's root, with its capacity" 1 \
		"$(grep -c '"interface":"vUu0".*"capacities":{"block":5000' <<<"$st" || true)"
	run_exec ExecStop >/dev/null && rc=0 || rc=$?
	check "vosfp@vUu0: ExecStop succeeds" 0 "$rc"
	st=$(VOSFP_CONFIG=$tmp/vosfp.conf "$build/cli/vosfp" status --json)
	check "and detaches it" 0 "$(grep -c '"interface":"vUu0"' <<<"$st" || true)"
else
	echo "skip vosfp@'s Exec lines: they need root and iproute2"
fi
echo "units: $fails failed"
[ $fails -eq 0 ]
