#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Kamailio bans a source for the whole fleet (issue 12): a RabbitMQ of the
test's own, three nodes (pin roots on veth pairs in namespaces of their
own, each with its `vosfp agent --amqp`), and the real Kamailio running as
its unprivileged `kamailio` user in node A's server namespace.

1. examples/kamailio/vosfp-rabbitmq.cfg: wrong passwords N times from a
   client in A's client namespace, and a pike flood from another, are
   published by Kamailio's rabbitmq module in the fleet's wire format; A, B
   and C list the source, B and C drop its frames as banned, A no longer
   answers it. The broker's password is not on Kamailio's command line.
2. examples/kamailio/vosfp-ban.cfg: the same through A's control socket
   (`vosfp ban` run by Kamailio); A's agent publishes it and B and C drop it.

Kamailio reaches the broker (on the host's loopback) through nsrelay.py,
which listens on the loopback of A's server namespace: no address or route
is added outside the test's own namespaces.

usage: test_fleet_kamailio.py VOSFP"""

import grp
import json
import os
import pwd
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import fleetlib  # noqa: E402
import netlib  # noqa: E402

EXAMPLES = os.path.join(HERE, "..", "..", "examples", "kamailio")
SIP_AUTH = os.path.join(HERE, "..", "agent", "sip_auth.py")
KAM_MODULES = "/usr/lib/x86_64-linux-gnu/kamailio/modules"
WAIT = 20  # s: a ban reaching every node (bounded, not timed)
FAILS = 3

AUTH_SRC = netlib.CLIENTS4[1]   # wrong passwords, through RabbitMQ
PIKE_SRC = netlib.CLIENTS4[2]   # a flood, through RabbitMQ
CTL_SRC = netlib.CLIENTS4[3]    # wrong passwords, through A's control socket
GOOD_SRC = netlib.CLIENTS4[0]   # authenticates, then floods: never banned


def wait_for(pred, timeout, what):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return
        time.sleep(0.2)
    raise AssertionError(f"not within {timeout} s: {what}")


def require():
    fleetlib.require()
    if not shutil.which("kamailio"):
        fleetlib.skip("kamailio is not installed (apt-get install kamailio)")
    if not os.path.exists(os.path.join(KAM_MODULES, "rabbitmq.so")):
        fleetlib.skip("Kamailio's rabbitmq module is not installed "
                      "(apt-get install kamailio-rabbitmq-modules)")
    try:
        pwd.getpwnam("kamailio")
    except KeyError:
        fleetlib.skip("no kamailio user (Debian's kamailio package)")
    for tool in ("groupadd", "groupdel", "nsenter", "ss"):
        if not shutil.which(tool):
            fleetlib.skip(f"{tool} is not installed")


class Agent:
    """`vosfp agent --amqp` on a node, its socket open to the run's group."""

    def __init__(self, name, vosfp, net, tmp, url, cred, group):
        self.name = name
        self.sock = os.path.join(tmp, f"{name}.sock")
        self.mport = fleetlib.free_port()
        self.proc = fleetlib.Node(name, [
            vosfp, "--pin-root", net.pin, "--control", self.sock, "agent",
            "--control-group", group, "--amqp", url, "--amqp-credentials", cred,
            "--node", f"edge-{name}", "--metrics", f"127.0.0.1:{self.mport}"])
        wait_for(lambda: os.path.exists(self.sock) or self.proc.proc.poll() is not None,
                 20, f"agent {name}'s control socket")
        if self.proc.proc.poll() is not None:
            raise RuntimeError(f"agent {name} exited: {self.proc.err}")

    def connected(self):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.mport}/metrics",
                                        timeout=5) as r:
                return "vosfp_agent_fleet_connected 1" in r.read().decode()
        except OSError:
            return False

    def logged(self, text):
        return any(text in line for line in list(self.proc.err))


class Kamailio:
    """Kamailio as the kamailio user (group: the run's), in A's server
    namespace, with the registrar and one snippet."""

    def __init__(self, tmp, label, snippet, amqp_cfg, net, vosfp, sock, group):
        self.dir = os.path.join(tmp, f"kam-{label}")
        os.makedirs(os.path.join(self.dir, "bin"))
        shutil.copy(os.path.join(HERE, "kamailio-fleet.cfg"), self.dir)
        shutil.copy(os.path.join(EXAMPLES, snippet),
                    os.path.join(self.dir, "vosfp-snippet.cfg"))
        if amqp_cfg is not None:
            path = os.path.join(self.dir, "vosfp-amqp.cfg")
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(amqp_cfg)
        # `vosfp` on Kamailio's PATH is the tool under test (vosfp-ban.cfg).
        os.symlink(vosfp, os.path.join(self.dir, "bin", "vosfp"))
        subprocess.run(["chown", "-R", f"kamailio:{group}", self.dir], check=True)
        self.log_path = os.path.join(tmp, f"kamailio-{label}.log")
        log = open(self.log_path, "wb")
        env = dict(PATH=os.path.join(self.dir, "bin") + ":/usr/sbin:/usr/bin:/sbin:/bin",
                   VOSFP_CONTROL=sock)
        self.proc = subprocess.Popen(
            ["nsenter", f"--net=/run/netns/{net.ns_s}", "kamailio", "-DD", "-E",
             "-f", os.path.join(self.dir, "kamailio-fleet.cfg"),
             "-A", f"LISTEN4={netlib.SRV4}", "-A", f"VOSFP_AUTH_FAILS={FAILS}",
             "-A", "VOSFP_PIKE_DENSITY=20", "-m", "32", "-M", "4",
             "-u", "kamailio", "-g", group, "-P", os.path.join(self.dir, "kamailio.pid"),
             "-Y", self.dir, "-w", self.dir],
            env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log.close()
        wait_for(lambda: self.listening(net) or self.proc.poll() is not None, 20,
                 "Kamailio listening")
        if self.proc.poll() is not None:
            raise RuntimeError("Kamailio exited:\n" + self.log())

    @staticmethod
    def listening(net):
        r = netlib.run("nsenter", f"--net=/run/netns/{net.ns_s}", "ss", "-Hlun",
                       "sport = :5060", check=False)
        return netlib.SRV4 in r.stdout

    def log(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def pids(self):
        return [self.proc.pid] + fleetlib.descendants(self.proc.pid)

    def close(self):
        fleetlib.stop_pid(self.proc, timeout=15)


def sip(net, *args):
    r = netlib.run("nsenter", f"--net=/run/netns/{net.ns_c}", "python3", SIP_AUTH, *args)
    return r.stdout.strip()


def check_everywhere(nets, agents, src, via):
    """src in every node's list; B and C drop its frames as banned."""
    for n in "abc":
        wait_for(lambda: src in nets[n].bans(), WAIT, f"{src} banned at {n} ({via})")
        left = nets[n].bans()[src]
        assert 0 < left <= 600, f"{n}: {src} banned for {left} s, want <= 600"
    for n in "bc":
        before = nets[n].counter("banned")
        nets[n].send_sip(src, 5)
        wait_for(lambda: nets[n].counter("banned") - before == 5, WAIT,
                 f"5 frames from {src} dropped as banned at {n}")


class Tap:
    """A queue of the test's own on the fleet's exchange: what was published."""

    def __init__(self, port):
        import pika
        self.conn = pika.BlockingConnection(pika.ConnectionParameters(
            host="127.0.0.1", port=port, credentials=pika.PlainCredentials("guest", "guest")))
        self.ch = self.conn.channel()
        self.queue = self.ch.queue_declare("", exclusive=True).method.queue
        self.ch.queue_bind(self.queue, "vosfp")

    def event(self, addr, timeout):
        """The first ban of addr published, with its AMQP properties."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            method, props, body = self.ch.basic_get(self.queue, auto_ack=True)
            if method is None:
                time.sleep(0.2)
                continue
            ev = json.loads(body)
            if ev.get("addr") == addr:
                return props, ev
        raise AssertionError(f"no event for {addr} within {timeout} s")

    def close(self):
        try:
            self.conn.close()
        except Exception:
            pass


def check_wire(tap, addr, reason, made_s):
    """Exactly the fleet's format (docs/fleet.md), as Kamailio wrote it."""
    props, ev = tap.event(addr, WAIT)
    assert props.content_type == "application/json", props
    assert set(ev) == {"v", "op", "addr", "ttl", "reason", "node", "id", "ts"}, ev
    assert (ev["v"], ev["op"], ev["addr"], ev["ttl"], ev["reason"], ev["node"]) == \
        (1, "ban", addr, 600, reason, "edge-a-kamailio"), ev
    assert isinstance(ev["id"], str) and ev["id"].startswith("edge-a-kamailio-"), ev
    assert re.fullmatch(r"[!-~]{1,79}", ev["id"]), ev
    # Milliseconds on the host's clock (Kamailio's is the same clock here):
    # made after the test's mark, not in the future. A unit slip (seconds,
    # a lost digit) lands orders of magnitude away.
    assert isinstance(ev["ts"], int) and made_s * 1000 - 1000 <= ev["ts"] <= \
        time.time() * 1000 + 1000, (ev, made_s)
    return ev


def main():
    require()
    vosfp = os.path.abspath(sys.argv[1])
    uid = f"{os.getpid() % 100000:05d}{random.randrange(10000):04d}"
    group = f"vfk-{uid}"
    tmp = tempfile.mkdtemp(prefix="vfleet-kam.")
    broker = fleetlib.Broker(tmp)
    nets, agents, kams = {}, {}, []
    relay = None
    tap = None
    group_made = False
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(130))
    try:
        subprocess.run(["groupadd", "--system", group], check=True)
        group_made = True
        broker.start()
        broker.add_user("vfleet", "fleet-pw")
        kam_pw = "kam-%x" % random.randrange(1 << 64)
        broker.add_user("vkam", kam_pw)
        # What docs/kamailio.md tells operators to give Kamailio: write on the
        # exchange, nothing else.
        r = broker.ctl("set_permissions", "-p", "/", "vkam", "^$", "^vosfp$", "^$")
        assert r.returncode == 0, r.stdout + r.stderr
        cred = os.path.join(tmp, "amqp.credentials")
        with open(cred, "w") as f:
            f.write("vfleet:fleet-pw\n")
        os.chmod(cred, 0o600)
        for n in "abc":
            nets[n] = netlib.Net(uid, n, vosfp)
        for n in "abc":
            agents[n] = Agent(n, vosfp, nets[n], tmp, broker.url, cred, group)
        for a in agents.values():
            wait_for(a.connected, WAIT, f"agent {a.name} on the broker")

        relay_port = 5672
        relay = subprocess.Popen([sys.executable, os.path.join(HERE, "nsrelay.py"),
                                  f"/run/netns/{nets['a'].ns_s}", str(relay_port),
                                  str(broker.port)], stdout=subprocess.PIPE, text=True)
        assert relay.stdout.readline().strip() == "ready", "the relay did not start"

        # 1. Through RabbitMQ: Kamailio's rabbitmq module publishes the ban.
        amqp_cfg = (f'#!define VOSFP_AMQP_URL "amqp://vkam:{kam_pw}@127.0.0.1:{relay_port}/%2F"\n'
                    '#!define VOSFP_NODE "edge-a-kamailio"\n')
        kam = Kamailio(tmp, "rabbitmq", "vosfp-rabbitmq.cfg", amqp_cfg, nets["a"], vosfp,
                       agents["a"].sock, group)
        kams.append(kam)
        # Kamailio binds before it forks its workers: wait for them.
        wait_for(lambda: len(fleetlib.descendants(kam.proc.pid)) >= 2, WAIT,
                 "Kamailio's worker processes")
        users = {subprocess.run(["ps", "-o", "user=", "-p", str(p)], capture_output=True,
                                text=True).stdout.strip() for p in kam.pids()}
        users.discard("")
        assert users == {"kamailio"}, f"Kamailio's processes run as {users}"
        for p in kam.pids():
            try:
                with open(f"/proc/{p}/cmdline", "rb") as f:
                    assert kam_pw.encode() not in f.read(), "the password is on a command line"
            except FileNotFoundError:
                pass
        # The module logs the URL it parsed: up to the user name, not the password.
        assert kam_pw not in kam.log(), "the broker's password is in Kamailio's log"
        print("ok: Kamailio runs as kamailio, the broker's password on no command line "
              "and not in its log")

        tap = Tap(broker.port)
        a = nets["a"]
        assert sip(a, "register", GOOD_SRC, netlib.SRV4, "alice", "secret", "1") == "200"
        got = sip(a, "register", AUTH_SRC, netlib.SRV4, "alice", "wrong", str(FAILS - 1))
        assert got == " ".join(["403"] * (FAILS - 1)), got
        time.sleep(1)  # what would have been published by now has reached B
        assert AUTH_SRC not in nets["b"].bans(), "banned before the N-th failure"
        made = time.time()
        assert sip(a, "register", AUTH_SRC, netlib.SRV4, "alice", "wrong", "1") == "403"
        auth_ev = check_wire(tap, AUTH_SRC, "kamailio-auth", made)
        check_everywhere(nets, agents, AUTH_SRC, "rabbitmq, auth")
        for n in "abc":
            wait_for(lambda: agents[n].logged(f"ban {AUTH_SRC} ttl=") and
                     agents[n].logged("node=edge-a-kamailio id=edge-a-kamailio-"), WAIT,
                     f"agent {n} applied Kamailio's event from the fleet")
        assert sip(a, "register", AUTH_SRC, netlib.SRV4, "alice", "secret", "1") == "timeout"
        print(f"ok: {FAILS} wrong passwords at A: Kamailio's RabbitMQ event bans the "
              "source at A, B and C; B and C drop it as banned")

        sip(a, "flood", GOOD_SRC, netlib.SRV4, "200")
        made = time.time()
        sip(a, "flood", PIKE_SRC, netlib.SRV4, "200")
        pike_ev = check_wire(tap, PIKE_SRC, "kamailio-pike", made)
        assert pike_ev["id"] != auth_ev["id"], (pike_ev, auth_ev)
        check_everywhere(nets, agents, PIKE_SRC, "rabbitmq, pike")
        assert "flood from %s" % GOOD_SRC in kam.log(), "pike did not see the second flood"
        assert all(GOOD_SRC not in nets[n].bans() for n in "abc"), "an authenticated source"
        print("ok: a pike flood bans its source at A, B and C; one that authenticated, not")
        kam.close()

        # 2. Through A's control socket: A's agent publishes what Kamailio banned.
        kam = Kamailio(tmp, "control", "vosfp-ban.cfg", None, nets["a"], vosfp,
                       agents["a"].sock, group)
        kams.append(kam)
        got = sip(a, "register", CTL_SRC, netlib.SRV4, "alice", "wrong", str(FAILS))
        assert got == " ".join(["403"] * FAILS), got
        check_everywhere(nets, agents, CTL_SRC, "control socket")
        kuid = pwd.getpwnam("kamailio").pw_uid
        kgid = grp.getgrnam(group).gr_gid
        assert agents["a"].logged(f"ban {CTL_SRC} ttl=600 applied (from control uid={kuid} "
                                  f"gid={kgid} "), "A's agent: not from Kamailio's uid"
        for n in "bc":
            assert agents[n].logged("node=edge-a id=edge-a-"), f"{n}: not from A's agent"
        print("ok: a Kamailio ban through A's control socket reaches B and C; they drop it")
        return 0
    except AssertionError:
        for k in kams:
            print(f"--- {k.log_path}\n" + "\n".join(k.log().splitlines()[-40:]))
        for ag in agents.values():
            print(f"--- agent {ag.name}\n" + "\n".join(ag.proc.err[-20:]))
        raise
    finally:
        for k in kams:
            k.close()
        if tap:
            tap.close()
        fleetlib.stop_pid(relay, timeout=10)
        for ag in agents.values():
            ag.proc.close()
        broker.close()
        for n in nets.values():
            n.close()
        if group_made:
            subprocess.run(["groupdel", group], check=False)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
