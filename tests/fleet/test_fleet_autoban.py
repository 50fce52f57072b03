#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""The program's own auto-bans across the fleet (issue 12): a RabbitMQ of
the test's own and three nodes, as in test_fleet.py (whose harness this
reuses). sipvicious' svmap probes node A with a REGISTER: A's program bans
the source and reports it through its ring buffer, A's agent publishes it
once, and within a bounded wait the source is in `vosfp list bans` of B and
C; svmap's next probe to B is dropped there as `banned`, not as a scanner.
A ban made while an agent is down waits in the ring and is published when
the agent is back.

usage: test_fleet_autoban.py VOSFP"""

import json
import os
import random
import shutil
import signal
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fleetlib  # noqa: E402
import netlib  # noqa: E402
from test_fleet import WAIT, Agent, wait_for  # noqa: E402

SCANNER = netlib.CLIENTS4[1]


def svmap(net, src):
    """One svmap REGISTER scan of the node's server from src, in the node's
    client namespace; svmap waits for answers that never come (bounded)."""
    netlib.run("nsenter", f"--net=/run/netns/{net.ns_c}", "timeout", "30", "svmap",
               "-m", "REGISTER", "-b", src, "-t", "0.5", "-q", netlib.SRV4, check=False)


def program_events(agent):
    return agent.metrics().get('vosfp_agent_events_received_total{origin="program"}', 0)


def main():
    fleetlib.require()
    if not shutil.which("svmap"):
        fleetlib.skip("svmap is not installed (apt-get install sipvicious)")
    vosfp = os.path.abspath(sys.argv[1])
    uid = f"{os.getpid() % 100000:05d}{random.randrange(10000):04d}"
    tmp = tempfile.mkdtemp(prefix="vfleet-autoban.")
    broker = fleetlib.Broker(tmp)
    nets, agents = {}, {}
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(130))
    try:
        broker.start()
        broker.add_user("vfleet", "fleet-pw")
        cred = os.path.join(tmp, "amqp.credentials")
        with open(cred, "w") as f:
            f.write("vfleet:fleet-pw\n")
        os.chmod(cred, 0o600)
        for n in "abc":
            nets[n] = netlib.Net(uid, n, vosfp)
        for n in "abc":
            agents[n] = Agent(n, vosfp, nets[n], tmp, broker.url, cred)
        for a in agents.values():
            wait_for(a.fleet_connected, WAIT, f"agent {a.name} on the broker")

        # 1. The scan at A: dropped as a scanner, and the source banned at A
        # by the program itself (no agent, no control socket involved).
        scanned = nets["a"].counter("scanner")
        svmap(nets["a"], SCANNER)
        assert nets["a"].counter("scanner") > scanned, "svmap's REGISTER not seen at A"
        assert SCANNER in nets["a"].bans(), nets["a"].bans()
        start = time.monotonic()

        # 2. Within a bounded wait, B and C have it too.
        for n in "bc":
            wait_for(lambda: SCANNER in nets[n].bans(), WAIT, f"the auto-ban at {n}")
        took = time.monotonic() - start
        print(f"ok: A's auto-ban of {SCANNER} is in B's and C's lists ({took:.2f} s, "
              f"measured, not asserted)")

        # 3. One event for one ban, however many probes: svmap again, then
        # A's agent has still received exactly one from its program.
        svmap(nets["a"], SCANNER)
        wait_for(lambda: program_events(agents["a"]) >= 1, WAIT, "A's event counted")
        assert program_events(agents["a"]) == 1, agents["a"].metrics()
        published = agents["a"].metrics()["vosfp_agent_events_published_total"]
        assert published == 1, f"A published {published} events, want 1"
        stats = json.loads(nets["a"].tool("stats", "--json").stdout)
        assert stats["bans"]["auto"]["events_lost"] == 0, stats["bans"]

        # 4. The next probe to B is dropped there as banned, not as a
        # scanner: B's program makes no ban (and no event) of its own.
        banned, scanned = nets["b"].counter("banned"), nets["b"].counter("scanner")
        svmap(nets["b"], SCANNER)
        assert nets["b"].counter("banned") > banned, "B did not drop the probe as banned"
        assert nets["b"].counter("scanner") == scanned, "B saw a scanner, not a banned source"
        for n in "bc":
            assert program_events(agents[n]) == 0, f"{n}'s program made a ban of its own"
        print("ok: the next probe to B is dropped as banned; one event at A, none at B or C")

        # 5. A ban made while C's agent is down waits in C's ring buffer and
        # is published when the agent is back.
        late = netlib.CLIENTS4[2]
        agents["c"].proc.kill9()
        os.unlink(agents["c"].sock)
        svmap(nets["c"], late)
        assert late in nets["c"].bans(), "C's program did not ban the scanner"
        agents["c"].start()
        for n in "ab":
            wait_for(lambda: late in nets[n].bans(), WAIT, f"C's late auto-ban at {n}")
        print("ok: an auto-ban made while the agent was down is published once it is back")
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
