#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""The fleet's options and its broker link: bad options are refused before
anything starts (credentials in the URL, a credentials file others can
read, a CA file without amqps://, ...); with no broker at all, the node
queues events up to its bound and counts the overflow; against a RabbitMQ of the test's
own with a TLS listener (a CA and a certificate made here with openssl):
amqps:// with the right CA carries a ban from node to node, a wrong CA and
a wrong password are refused and counted, and the node keeps retrying.

usage: test_fleet_tls.py FLEET_NODE"""

import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fleetlib  # noqa: E402


def refused(node_bin, args, want):
    r = subprocess.run([node_bin] + args, capture_output=True, text=True, timeout=30,
                       stdin=subprocess.DEVNULL)
    assert r.returncode == 1 and want in r.stderr and "ready" not in r.stdout, \
        f"{args}: rc={r.returncode} {r.stdout!r} {r.stderr!r}, want {want!r}"


def openssl(*args):
    subprocess.run(["openssl"] + list(args), check=True, capture_output=True, timeout=60)


def make_ca(d, name):
    key, crt = os.path.join(d, name + ".key"), os.path.join(d, name + ".pem")
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", crt,
            "-days", "2", "-subj", f"/CN={name}")
    return key, crt


def make_server(d, ca_key, ca_crt):
    key, csr, crt = (os.path.join(d, "server." + x) for x in ("key", "csr", "pem"))
    ext = os.path.join(d, "san.ext")
    with open(ext, "w") as f:
        f.write("subjectAltName=DNS:localhost\n")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr,
            "-subj", "/CN=localhost")
    openssl("x509", "-req", "-in", csr, "-CA", ca_crt, "-CAkey", ca_key, "-CAcreateserial",
            "-out", crt, "-days", "2", "-extfile", ext)
    return key, crt


def wait_metric(node, key, pred, timeout, what):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        m = node.metrics()
        if pred(m.get(key, 0)):
            return m
        time.sleep(0.2)
    raise AssertionError(f"{node.name}: not within {timeout} s: {what}; {node.err[-3:]}")


def main():
    node_bin = os.path.abspath(sys.argv[1])
    tmp = tempfile.mkdtemp(prefix="vfleet-tls.")
    try:
        # Refusals: nothing needs a broker, nothing may start.
        cred_ok = os.path.join(tmp, "cred")
        with open(cred_ok, "w") as f:
            f.write("vfleet:s3cret\n")
        os.chmod(cred_ok, 0o600)
        cred_world = os.path.join(tmp, "cred-world")
        shutil.copy(cred_ok, cred_world)
        os.chmod(cred_world, 0o644)
        cred_bad = os.path.join(tmp, "cred-bad")
        with open(cred_bad, "w") as f:
            f.write("no colon here\n")
        os.chmod(cred_bad, 0o600)
        url = "amqp://127.0.0.1:1/"
        refused(node_bin, ["--url", "amqp://u:p@127.0.0.1/"], "no user or password in it")
        refused(node_bin, ["--url", "http://127.0.0.1/"], "want amqp://")
        refused(node_bin, ["--url", url, "--ca", cred_ok], "for amqps:// only")
        refused(node_bin, ["--url", "amqps://localhost/", "--ca", tmp + "/none"],
                "No such file")
        refused(node_bin, ["--url", url, "--credentials", cred_world], "readable by everyone")
        refused(node_bin, ["--url", url, "--credentials", cred_bad], "user:password")
        refused(node_bin, ["--url", url, "--credentials", tmp + "/none"], "No such file")
        refused(node_bin, ["--url", url, "--node", "bad node"], "node name")
        refused(node_bin, ["--url", url, "--exchange", "amq.fanout"], "exchange name")
        print("ok: bad options refused before anything starts")

        # No broker at all: the node starts, queues what it is given up to its
        # bound, refuses and counts the rest, and keeps retrying.
        lone = fleetlib.Node("lone", [node_bin, "--url", url, "--node", "lone"])
        try:
            lone.expect(lambda l: l == "ready", 10, "ready")
            lone.send("flood 17000 600")
            refusals = 0
            for _ in range(17000):
                line = lone.expect(lambda l: l.startswith(("queued", "error")), 30, "answer")
                refusals += line.startswith("error publish")
            m = lone.metrics()
            assert refusals == 17000 - 16384, refusals
            assert m["vosfp_agent_fleet_publish_queue"] == 16384, m
            assert m["vosfp_agent_fleet_publish_overflow_total"] == 17000 - 16384, m
            assert m["vosfp_agent_fleet_connected"] == 0, m
            wait_metric(lone, "vosfp_agent_fleet_connect_failures_total", lambda v: v >= 2, 30,
                        "retrying")
        finally:
            lone.close()
        print("ok: without a broker, 16,384 events wait, the overflow is refused and counted")

        if os.geteuid() != 0 or not os.path.exists(fleetlib.RMQ_SERVER) \
                or not shutil.which("openssl"):
            fleetlib.skip("the TLS half needs root, rabbitmq-server and openssl")
        pki = os.path.join(tmp, "pki")
        os.makedirs(pki)
        ca_key, ca_crt = make_ca(pki, "vfleet-ca")
        _, other_ca = make_ca(pki, "vfleet-other-ca")
        srv_key, srv_crt = make_server(pki, ca_key, ca_crt)
        subprocess.run(["chown", "-R", "rabbitmq", pki], check=True)
        broker = fleetlib.Broker(tmp, ssl_conf={
            "cacertfile": ca_crt, "certfile": srv_crt, "keyfile": srv_key,
            "verify": "verify_none", "fail_if_no_peer_cert": "false"})
        nodes = []
        try:
            broker.start()
            broker.add_user("vfleet", "s3cret")
            tls = f"amqps://localhost:{broker.ssl_port}/"

            def node(name, *args):
                n = fleetlib.Node(name, [node_bin, "--node", name, *args])
                n.expect(lambda l: l == "ready", 10, "ready")
                nodes.append(n)
                return n

            a = node("tls-a", "--url", tls, "--ca", ca_crt, "--credentials", cred_ok)
            b = node("tls-b", "--url", tls, "--ca", ca_crt, "--credentials", cred_ok)
            wrong_ca = node("tls-x", "--url", tls, "--ca", other_ca, "--credentials", cred_ok)
            with open(cred_bad, "w") as f:
                f.write("vfleet:wrong\n")
            wrong_pw = node("pw-x", "--url", broker.url, "--credentials", cred_bad)
            for n in (a, b):
                wait_metric(n, "vosfp_agent_fleet_connected", lambda v: v == 1, 30,
                            "connected over TLS")
            a.send("ban 198.51.100.7 600")
            b.expect(lambda l: l.startswith("recv ban 198.51.100.7 "), 20, "the ban over TLS")
            print("ok: amqps:// with the right CA carries a ban")
            for n in (wrong_ca, wrong_pw):
                m = wait_metric(n, "vosfp_agent_fleet_connect_failures_total",
                                lambda v: v >= 2, 30, "refused twice (and retrying)")
                assert m["vosfp_agent_fleet_connected"] == 0
                assert m["vosfp_agent_fleet_connects_total"] == 0
                assert n.proc.poll() is None
            assert any("login as vfleet" in e for e in wrong_pw.err), wrong_pw.err
            print("ok: a wrong CA and a wrong password are refused, counted, retried")
        finally:
            for n in nodes:
                n.close()
            broker.close()
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
