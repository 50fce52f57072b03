#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""What a node takes from the stream, against a RabbitMQ of the test's own
(events published straight to the exchange with pika): a ban made 300 s
ago arrives with what is left of its TTL, one whose TTL has run out is
dropped as expired, a repeated id is applied once, the node's own events
are ignored, and a node started afterwards replays the stream in order (a
ban then its unban: not banned).

usage: test_fleet_replay.py FLEET_NODE VOSFP"""

import json
import os
import random
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fleetlib  # noqa: E402


def ev(op, addr, ttl, node, id_, age_s=0):
    return json.dumps({"v": 1, "op": op, "addr": addr, "ttl": ttl, "node": node, "id": id_,
                       "ts": int((time.time() - age_s) * 1000)}).encode()


def publish(port, bodies):
    import pika
    conn = pika.BlockingConnection(pika.ConnectionParameters(
        host="127.0.0.1", port=port, credentials=pika.PlainCredentials("guest", "guest")))
    try:
        ch = conn.channel()
        ch.confirm_delivery()
        for b in bodies:
            ch.basic_publish(exchange="vosfp", routing_key="", body=b)
    finally:
        conn.close()


def recv_all(node, until_addr, timeout=20):
    got = []
    while True:
        line = node.expect(lambda l: l.startswith("recv "), timeout, f"recv {until_addr}")
        f = line.split()
        got.append((f[1], f[2], int(f[3]), f[5]))
        if f[2] == until_addr:
            return got


def main():
    fleetlib.require()
    node_bin, vosfp = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    uid = f"{os.getpid()}-{random.randrange(1 << 20):x}"
    tmp = tempfile.mkdtemp(prefix="vfleet-replay.")
    pins = [f"/sys/fs/bpf/vfleet-replay-{uid}-{x}" for x in "bc"]
    broker = fleetlib.Broker(tmp)
    nodes = []
    try:
        broker.start()
        b = fleetlib.Node("edge-b", [node_bin, "--url", broker.url, "--node", "edge-b",
                                     "--root", pins[0]])
        nodes.append(b)
        b.expect(lambda l: l == "ready", 10, "ready")
        end = time.monotonic() + 30
        while b.metrics().get("vosfp_agent_fleet_connected") != 1:
            assert time.monotonic() < end, "edge-b never connected"
            time.sleep(0.2)
        publish(broker.port, [
            ev("ban", "198.51.100.10", 600, "edge-a", "a-1", age_s=300),   # half gone
            ev("ban", "198.51.100.11", 600, "edge-a", "a-2", age_s=700),   # run out
            ev("ban", "198.51.100.12", 600, "edge-a", "a-3"),
            ev("ban", "198.51.100.12", 600, "edge-a", "a-3"),              # a repeat
            ev("ban", "198.51.100.13", 600, "edge-b", "b-1"),              # our own
            ev("ban", "198.51.100.14", 600, "edge-a", "a-4"),
            ev("unban", "198.51.100.14", 0, "edge-a", "a-5"),
            ev("ban", "198.51.100.99", 600, "edge-a", "a-last"),
        ])
        got = recv_all(b, "198.51.100.99")
        addrs = [g[1] for g in got]
        assert addrs == ["198.51.100.10", "198.51.100.12", "198.51.100.14", "198.51.100.14",
                         "198.51.100.99"], got
        ttl_left = got[0][2]
        assert 280 <= ttl_left <= 300, f"a ban made 300 s ago for 600 s came with {ttl_left}"
        m = b.metrics()
        for reason, want in (("expired", 1), ("duplicate", 1), ("own", 1)):
            k = f'vosfp_agent_fleet_dropped_total{{reason="{reason}"}}'
            assert m[k] == want, (k, m[k])
        print("ok: TTL left on arrival, expired and repeated and own events dropped, counted")

        # A node started afterwards replays the same stream, in order.
        c = fleetlib.Node("edge-c", [node_bin, "--url", broker.url, "--node", "edge-c",
                                     "--root", pins[1]])
        nodes.append(c)
        c.expect(lambda l: l == "ready", 10, "ready")
        got_c = recv_all(c, "198.51.100.99")
        # edge-b's own event is not edge-c's: C takes it.
        assert [g[1] for g in got_c] == addrs[:2] + ["198.51.100.13"] + addrs[2:], got_c
        bans = fleetlib.subprocess.run([vosfp, "--pin-root", pins[1], "list", "bans", "--json"],
                                       capture_output=True, text=True, timeout=30)
        listed = {x["address"] for x in json.loads(bans.stdout)["bans"]}
        assert listed == {"198.51.100.10", "198.51.100.12", "198.51.100.13",
                          "198.51.100.99"}, listed
        print("ok: a node started later replays the stream in order (ban, then unban)")
        return 0
    finally:
        for n in nodes:
            n.close()
        broker.close()
        for p in pins:
            shutil.rmtree(p, ignore_errors=True)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
