#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""The fleet end to end: a RabbitMQ of the test's own, three nodes (each a
pin root attached to a veth pair of its own namespaces, each with its
`vosfp agent --amqp`). A ban at A reaches B and C and drops B's traffic
from that source; a broker restart loses nothing; an agent killed with -9
catches up; hostile events and 1,000 malformed messages are refused and
counted while the agents keep serving.

usage: test_fleet.py VOSFP"""

import os
import random
import signal
import socket
import sys
import tempfile
import shutil
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fleetlib  # noqa: E402
import malformed  # noqa: E402
import netlib  # noqa: E402

WAIT = 20       # s: a ban reaching the other nodes (bounded, not timed)
WAIT_BACK = 90  # s: after a broker restart (reconnect backoff is <= 15 s)


def wait_for(pred, timeout, what):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return
        time.sleep(0.1)
    raise AssertionError(f"not within {timeout} s: {what}")


class Agent:
    def __init__(self, name, vosfp, net, tmp, url, cred):
        self.name = name
        self.sock = os.path.join(tmp, f"{name}.sock")
        self.mport = fleetlib.free_port()
        self.argv = [vosfp, "--pin-root", net.pin, "--control", self.sock, "agent",
                     "--control-group", "root", "--amqp", url, "--amqp-credentials", cred,
                     "--node", f"edge-{name}",
                     "--metrics", f"127.0.0.1:{self.mport}"]
        self.vosfp = vosfp
        self.proc = None
        self.start()

    def start(self):
        self.proc = fleetlib.Node(self.name, self.argv)
        wait_for(lambda: os.path.exists(self.sock) or self.proc.proc.poll() is not None,
                 20, f"agent {self.name}'s control socket")
        if self.proc.proc.poll() is not None:
            raise RuntimeError(f"agent {self.name} exited: {self.proc.err}")

    def ask(self, line):
        """One request on the agent's control socket, as a SIP server or
        fail2ban sends it (the tool, run as root, would change the maps
        itself); the answer must be "ok ..."."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(10)
            s.connect(self.sock)
            s.sendall(line.encode() + b"\n")
            buf = b""
            while b"\n" not in buf:
                chunk = s.recv(4096)
                if not chunk:
                    break
                buf += chunk
        answer = buf.decode(errors="replace").split("\n")[0]
        assert answer.startswith("ok "), f"agent {self.name}: {line!r} -> {answer!r}"
        return answer

    def metrics(self):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.mport}/metrics", timeout=10) as r:
            text = r.read().decode()
        out = {}
        for line in text.splitlines():
            if line and not line.startswith("#"):
                k, v = line.rsplit(" ", 1)
                out[k] = float(v)
        return out

    def fleet_connected(self):
        try:
            return self.metrics().get("vosfp_agent_fleet_connected") == 1
        except OSError:
            return False


def publish_raw(url_port, bodies):
    import pika
    conn = pika.BlockingConnection(pika.ConnectionParameters(
        host="127.0.0.1", port=url_port, credentials=pika.PlainCredentials("guest", "guest")))
    try:
        ch = conn.channel()
        ch.confirm_delivery()
        for b in bodies:
            ch.basic_publish(exchange="vosfp", routing_key="", body=b)
    finally:
        conn.close()


def event(op, addr, ttl, uid):
    import json
    return json.dumps({"v": 1, "op": op, "addr": addr, "ttl": ttl, "reason": "scanner",
                       "node": "evil", "id": f"evil-{uid}", "ts": int(time.time() * 1000)})


def main():
    fleetlib.require()
    vosfp = os.path.abspath(sys.argv[1])
    uid = f"{os.getpid() % 100000:05d}{random.randrange(10000):04d}"
    tmp = tempfile.mkdtemp(prefix="vfleet-test.")
    broker = fleetlib.Broker(tmp)
    nets, agents = {}, {}
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(130))
    try:
        broker.start()
        # The agents log in with a user of their own, from a credentials file.
        broker.add_user("vfleet", "fleet-pw")
        cred = os.path.join(tmp, "amqp.credentials")
        with open(cred, "w") as f:
            f.write("vfleet:fleet-pw\n")
        os.chmod(cred, 0o600)
        for n in "abc":
            nets[n] = netlib.Net(uid, n, vosfp)
            # The trusted peer every node allows: no fleet event may ban it.
            nets[n].tool("allow", "203.0.113.5")
        for n in "abc":
            agents[n] = Agent(n, vosfp, nets[n], tmp, broker.url, cred)
        for a in agents.values():
            wait_for(a.fleet_connected, WAIT, f"agent {a.name} on the broker")

        # 1. A ban made at A is enforced at B and C; B drops its frames.
        agents["a"].ask("ban 198.51.100.7 600")
        for n in "bc":
            wait_for(lambda: "198.51.100.7" in nets[n].bans(), WAIT, f"the ban at {n}")
        before = nets["b"].counter("banned")
        nets["b"].send_sip("198.51.100.7", 5)
        wait_for(lambda: nets["b"].counter("banned") - before == 5, WAIT,
                 "5 frames dropped as banned at b")
        print("ok: a ban at A is in B's and C's lists, B drops the source as banned")

        # 2. The broker goes away and comes back: nothing made meanwhile is lost,
        # and the control socket keeps working while it is away.
        broker.stop()
        wait_for(lambda: not agents["a"].fleet_connected(), WAIT_BACK, "A sees the broker go")
        outage = [f"198.51.100.{i}" for i in range(100, 120)]
        for addr in outage:
            agents["a"].ask(f"ban {addr} 600")
        assert all(addr in nets["a"].bans() for addr in outage), "A applies while down"
        broker.start()
        for n in "bc":
            wait_for(lambda: all(x in nets[n].bans() for x in outage), WAIT_BACK,
                     f"the outage's 20 bans at {n}")
        print("ok: 20 bans made while the broker was down reach B and C once it is back")

        # 3. An agent killed with -9 catches up on what it missed.
        agents["c"].proc.kill9()
        os.unlink(agents["c"].sock)
        agents["a"].ask("ban 198.51.100.8 600")
        wait_for(lambda: "198.51.100.8" in nets["b"].bans(), WAIT, "the ban at b")
        assert "198.51.100.8" not in nets["c"].bans()
        agents["c"].start()
        wait_for(lambda: "198.51.100.8" in nets["c"].bans(), WAIT, "C's catch-up")
        print("ok: an agent killed with -9 catches up on a ban made while it was dead")

        # 4. Hostile events and 1,000 malformed messages, straight to the
        # exchange: refused, counted; the agents go on serving.
        hostile = [event("ban", "203.0.113.5", 600, "allowed"),
                   event("block", "10.0.0.0/8", 0, "slash8"),
                   event("ban", "198.51.100.9", 10 * 365 * 86400, "tenyears")]
        bad = malformed.messages(1000)
        publish_raw(broker.port, hostile + bad + [event("ban", "198.51.100.77", 600, "last")])
        for n in "bc":
            wait_for(lambda: "198.51.100.77" in nets[n].bans(), WAIT, f"the last ban at {n}")
            m = agents[n].metrics()
            bans = nets[n].bans()
            assert "203.0.113.5" not in bans and "198.51.100.9" not in bans, bans
            assert "10.0.0.0/8" not in str(nets[n].blocks()), nets[n].blocks()
            refused = sum(v for k, v in m.items()
                          if k.startswith("vosfp_agent_fleet_malformed_total"))
            assert refused == 1000, f"{n}: {refused} malformed counted, want 1000"
            rej = {k: v for k, v in m.items()
                   if k.startswith("vosfp_agent_events_rejected_total") and 'fleet' in k}
            def rejected(*reasons):
                return sum(v for k, v in rej.items() if any(f'"{r}"' in k for r in reasons))
            assert rejected("allow_listed") >= 1, rej
            assert rejected("prefix_too_short") >= 1, rej
            # Ten years is past the library's own bound too: either name will do.
            assert rejected("ttl_too_long", "invalid") >= 1, rej
            assert agents[n].proc.proc.poll() is None, f"agent {n} died"
        agents["b"].ask("ban 198.51.100.9 60")
        wait_for(lambda: "198.51.100.9" in nets["c"].bans(), WAIT, "a ban from B at C")
        print("ok: hostile and 1,000 malformed messages refused and counted; agents serving")
        return 0
    finally:
        for a in agents.values():
            a.proc.close()
        broker.close()
        for n in nets.values():
            n.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
