# Shared by the agent tests: a network namespace pair joined by a veth pair
# made here (the program attached to the server's end), a pin root, a group
# and an unprivileged user made per run, the agent on a socket of its own.
# Everything is removed on every exit path by agent_cleanup.

AGENT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$AGENT_DIR/../lib.sh" # check, skip, t_netns_pair
SRV4=198.51.100.1
CLI4_A=198.51.100.2
CLI4_B=198.51.100.3
CLI4_C=198.51.100.4

agent_require() {
	require_root "namespaces, XDP, bpffs, useradd"
	require_tools "" ip nsenter setpriv useradd groupadd python3 "$@"
	[ -d /sys/fs/bpf ] || skip "no /sys/fs/bpf"
}

agent_cleanup() {
	local rc=$?
	set +e # every step runs, whatever the one before returned
	trap - INT TERM
	for pid in ${CLEANUP_PIDS:-}; do
		kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	done
	t_netns_cleanup
	[ -n "${PIN:-}" ] && [ -d "$PIN" ] && rm -rf "$PIN"
	[ -n "${T_USER:-}" ] && userdel "$T_USER" 2>/dev/null
	[ -n "${T_GROUP:-}" ] && groupdel "$T_GROUP" 2>/dev/null
	[ -n "${T_TMP:-}" ] && rm -rf "$T_TMP"
	return $rc
}

# agent_setup: sets ID NS_S NS_C IF_S IF_C PIN T_TMP SOCK T_GROUP T_USER.
agent_setup() {
	ID=$(printf '%05d%03d' $(( $$ % 100000 )) $(( RANDOM % 1000 )))
	PIN=/sys/fs/bpf/vA-$ID
	T_GROUP=vosfp-test-$ID T_USER=vAu$ID
	trap agent_cleanup EXIT
	trap 'exit 130' INT TERM
	T_TMP=$(mktemp -d /tmp/vA-agent.XXXXXX)
	chmod 0755 "$T_TMP" # the unprivileged user reaches the socket in it
	SOCK=$T_TMP/control.sock
	groupadd --system "$T_GROUP"
	useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
		-g "$T_GROUP" "$T_USER"
	t_netns_pair vA
	ip -n "$NS_S" addr add $SRV4/24 dev "$IF_S"
	for a in $CLI4_A $CLI4_B $CLI4_C; do ip -n "$NS_C" addr add $a/24 dev "$IF_C"; done
	# nsenter --net keeps this mount namespace, and so the bpffs pins.
	nsenter --net="/run/netns/$NS_S" "$VOSFP" --pin-root "$PIN" attach "$IF_S" \
		--mode generic >/dev/null
}

# agent_start [ARGS...]: the agent in the background (AGENT_PID), log in
# $T_TMP/agent.log; waits until the socket answers.
agent_start() {
	"$VOSFP" --pin-root "$PIN" agent --control "$SOCK" --control-group "$T_GROUP" "$@" \
		>>"$T_TMP/agent.log" 2>&1 &
	AGENT_PID=$!
	CLEANUP_PIDS="${CLEANUP_PIDS:-} $AGENT_PID"
	for _ in $(seq 1 100); do
		[ -S "$SOCK" ] && python3 "$AGENT_DIR/ctl.py" ask "$SOCK" stats >/dev/null 2>&1 &&
			return 0
		kill -0 "$AGENT_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "FAIL: the agent did not start"; cat "$T_TMP/agent.log"; return 1
}

# as_user CMD...: runs CMD as the run's unprivileged user, in its group,
# with no capabilities.
as_user() {
	setpriv --reuid "$T_USER" --regid "$T_GROUP" --init-groups --inh-caps=-all -- "$@"
}

vosfp_cli() { "$VOSFP" --pin-root "$PIN" "$@"; }

counter() {
	vosfp_cli stats --json | python3 -c 'import json, sys
print(json.load(sys.stdin)["counters"][sys.argv[1]]["packets"])' "$1"
}

# sip_from SRC COUNT: COUNT SIP requests from SRC (client namespace) to the
# server; prints how many the server's socket received.
sip_from() {
	python3 - "$NS_S" "$NS_C" "$1" "$SRV4" "$2" <<'PY'
import ctypes, os, socket, sys
libc = ctypes.CDLL(None, use_errno=True)
ns_s, ns_c, src, dst, count = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
def enter(ns):
    fd = os.open("/run/netns/" + ns, os.O_RDONLY)
    if libc.setns(fd, 0x40000000):  # CLONE_NEWNET; os.setns needs Python 3.12
        sys.exit("setns %s: %s" % (ns, os.strerror(ctypes.get_errno())))
    os.close(fd)
enter(ns_s)
rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
rx.bind((dst, 5060))
rx.settimeout(0.5)
enter(ns_c)
tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
tx.bind((src, 0))
msg = ("REGISTER sip:%s SIP/2.0\r\nVia: SIP/2.0/UDP %s;branch=z9hG4bK1\r\n"
       "From: <sip:a@%s>;tag=1\r\nTo: <sip:a@%s>\r\nCall-ID: 1@%s\r\nCSeq: 1 REGISTER\r\n"
       "Content-Length: 0\r\n\r\n" % (dst, src, dst, dst, src)).encode()
for _ in range(count):
    tx.sendto(msg, (dst, 5060))
got = 0
try:
    while got < count:
        rx.recv(4096)
        got += 1
except socket.timeout:
    pass
print(got)
PY
}
