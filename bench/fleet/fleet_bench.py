#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Fleet benchmark (by hand, as root; no figure is asserted anywhere):

1. propagation latency, ban queued at node A -> applied to node C's pin
   root (fleet_node: agent/fleet.c + libvosfp, as the agent applies),
   over N bans sent one at a time, then over N sent in one burst;
2. the rate at which one node applies a backlog of M events (catch-up
   from the stream), by fleet_node and by the real `vosfp agent`.

A RabbitMQ of its own (tests/fleet/fleetlib.py). Clocks: one machine, so
A's and C's CLOCK_REALTIME are the same clock.

usage: fleet_bench.py VOSFP FLEET_NODE [N] [M]"""

import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tests/fleet"))
import fleetlib  # noqa: E402


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def latencies(a, c, n, paced, prefix):
    queued, lat = {}, []
    for i in range(n):
        a.send(f"ban {prefix}.{i >> 8}.{i & 255} 600")
        if paced:
            line = a.expect(lambda l: l.startswith("queued"), 10, "queued")
            _, id_, t = line.split()
            queued[id_] = int(t)
            line = c.expect(lambda l: l.startswith("recv"), 10, "recv")
            f = line.split()
            lat.append(int(f[6]) - queued[f[5]])
    if not paced:
        for _ in range(n):
            _, id_, t = a.expect(lambda l: l.startswith("queued"), 30, "queued").split()
            queued[id_] = int(t)
        for _ in range(n):
            f = c.expect(lambda l: l.startswith("recv"), 60, "recv").split()
            lat.append(int(f[6]) - queued[f[5]])
    return lat


def show(name, lat):
    ms = [x / 1000 for x in lat]
    print(f"{name}: n={len(ms)} p50={pct(ms, 50):.2f} ms p99={pct(ms, 99):.2f} ms "
          f"max={max(ms):.2f} ms mean={statistics.mean(ms):.2f} ms")


def wait_published(node, n, timeout=300):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if node.metrics().get("vosfp_agent_fleet_published_total", 0) >= n:
            return
        time.sleep(0.2)
    raise RuntimeError("backlog not published")


def agent_applied(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as r:
        for line in r.read().decode().splitlines():
            if line.startswith('vosfp_agent_events_applied_total{origin="fleet"}'):
                return float(line.split()[-1])
    return 0


def main():
    fleetlib.require()
    vosfp, node_bin = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    m = int(sys.argv[4]) if len(sys.argv) > 4 else 50000
    uid = f"{os.getpid()}-{random.randrange(1 << 20):x}"
    tmp = tempfile.mkdtemp(prefix="vfleet-bench.")
    pins = [f"/sys/fs/bpf/vfleet-bench-{uid}-{x}" for x in ("b", "c", "r", "g")]
    broker = fleetlib.Broker(tmp)
    nodes = []
    agent = None

    def node(name, *extra):
        nd = fleetlib.Node(name, [node_bin, "--url", broker.url, "--node", name, *extra])
        nd.expect(lambda l: l == "ready", 10, "ready")
        nodes.append(nd)
        return nd

    try:
        broker.start()
        a = node("edge-a")
        node("edge-b", "--root", pins[0])
        c = node("edge-c", "--root", pins[1])
        time.sleep(2)  # all three consuming
        show("paced (one at a time)", latencies(a, c, n, True, "10.201"))
        show("burst (all queued at once)", latencies(a, c, n, False, "10.202"))

        # The backlog: M bans on an exchange (and stream) of their own.
        ra = node("rate-a", "--exchange", "vosfp-rate")
        # In chunks: the outgoing queue holds 16,384 (what overflows is lost).
        for done in range(0, m, 10000):
            ra.send(f"flood {min(10000, m - done)} 3600 {done}")
            wait_published(ra, min(done + 10000, m))
        t0 = time.monotonic()
        rc = node("rate-c", "--exchange", "vosfp-rate", "--root", pins[2])
        got = 0
        while got < m:
            rc.expect(lambda l: l.startswith("recv"), 60, "recv")
            got += 1
        dt = time.monotonic() - t0
        print(f"catch-up, fleet_node: {m} events applied in {dt:.2f} s = {m / dt:,.0f}/s")

        mport = fleetlib.free_port()
        sock = os.path.join(tmp, "agent.sock")
        t0 = time.monotonic()
        agent = fleetlib.Node("agent", [vosfp, "--pin-root", pins[3], "--control", sock,
                                        "agent", "--control-group", "root", "--amqp",
                                        broker.url, "--exchange", "vosfp-rate", "--node",
                                        "rate-g", "--metrics", f"127.0.0.1:{mport}"])
        end = time.monotonic() + 300
        while time.monotonic() < end:
            try:
                if agent_applied(mport) >= m:
                    break
            except OSError:
                pass
            time.sleep(0.02)
        dt = time.monotonic() - t0
        print(f"catch-up, vosfp agent: {m} events applied in {dt:.2f} s = {m / dt:,.0f}/s "
              "(from the agent's start, its set-up included)")
    finally:
        if agent:
            agent.close()
        for nd in nodes:
            nd.close()
        broker.close()
        for p in pins:
            shutil.rmtree(p, ignore_errors=True)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
