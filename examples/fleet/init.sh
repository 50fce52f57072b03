#!/bin/sh
# vosfp-init: what the DaemonSet's init container runs (installed in the
# image as /usr/local/sbin/vosfp-init). It attaches the filter to the node's
# uplink once; a restarted pod finds it attached and leaves it (attaching
# again is refused). vosfp itself refuses, with the fix, when the bpffs it
# would pin in cannot outlive the container (mountPropagation is not
# Bidirectional and the node has no bpffs mounted), so a pod that cannot
# protect the node fails its init instead of reporting an attachment that
# vanishes when the container exits.
#
# Environment: VOSFP_IFACE (default eth0), VOSFP_BLOCK_CAPACITY (optional,
# fixed when the node's pin root is created), VOSFP_PIN_ROOT (optional,
# default /sys/fs/bpf/vosfp), VOSFP (the tool, default vosfp from PATH).
set -eu
vosfp=${VOSFP:-vosfp}
iface=${VOSFP_IFACE:-eth0}
set --
if [ -n "${VOSFP_BLOCK_CAPACITY:-}" ]; then
	set -- "$@" --block-capacity "$VOSFP_BLOCK_CAPACITY"
fi
if [ -n "${VOSFP_PIN_ROOT:-}" ]; then
	set -- "$@" --pin-root "$VOSFP_PIN_ROOT"
fi
# vosfp prints its own reason on stderr; exit 1 fails the pod's init.
status=$("$vosfp" "$@" status) || exit 1
if printf '%s\n' "$status" | grep -q "^attached: $iface "; then
	echo "vosfp-init: already attached to $iface"
	exit 0
fi
exec "$vosfp" "$@" attach "$iface" --mode auto
