# SPDX-License-Identifier: BSD-2-Clause
"""One fleet node's network for the tests: a server namespace and a client
namespace made here, joined by a veth pair made here, the filter attached
to the server's end. Nothing outside them is touched; close() removes all."""

import json
import os
import shutil
import subprocess

SRV4 = "198.51.100.1"
CLIENTS4 = ["198.51.100.7", "198.51.100.8", "198.51.100.9", "198.51.100.77"]


def run(*argv, check=True, **kw):
    r = subprocess.run(list(argv), capture_output=True, text=True, timeout=60, **kw)
    if check and r.returncode:
        raise RuntimeError(f"{' '.join(argv)}: {r.stdout}{r.stderr}")
    return r


class Net:
    def __init__(self, uid, name, vosfp):
        self.vosfp = vosfp
        self.ns_s = f"vfleet-{uid}-{name}s"
        self.ns_c = f"vfleet-{uid}-{name}c"
        self.if_s = f"vF{name}{uid[-6:]}s"
        self.if_c = f"vF{name}{uid[-6:]}c"
        self.pin = f"/sys/fs/bpf/vfleet-{uid}-{name}"
        self.made = []
        for ns in (self.ns_s, self.ns_c):
            run("ip", "netns", "add", ns)
            self.made.append(ns)
        run("ip", "link", "add", self.if_s, "netns", self.ns_s, "type", "veth",
            "peer", "name", self.if_c, "netns", self.ns_c)
        run("ip", "-n", self.ns_s, "addr", "add", SRV4 + "/24", "dev", self.if_s)
        for a in CLIENTS4:
            run("ip", "-n", self.ns_c, "addr", "add", a + "/24", "dev", self.if_c)
        for ns, ifc in ((self.ns_s, self.if_s), (self.ns_c, self.if_c)):
            run("ip", "-n", ns, "link", "set", "lo", "up")
            run("ip", "-n", ns, "link", "set", ifc, "up")
        # nsenter, not `ip netns exec`: that one remounts /sys, hiding bpffs.
        run("nsenter", f"--net=/run/netns/{self.ns_s}", vosfp, "--pin-root", self.pin,
            "attach", self.if_s, "--mode", "generic")

    def tool(self, *args, check=True):
        return run(self.vosfp, "--pin-root", self.pin, *args, check=check)

    def bans(self):
        out = json.loads(self.tool("list", "bans", "--json").stdout)
        return {b["address"]: b["ttl_left"] for b in out["bans"]}

    def blocks(self):
        out = json.loads(self.tool("list", "block", "--json").stdout)
        return out

    def counter(self, reason):
        out = json.loads(self.tool("stats", "--json").stdout)
        return out["counters"][reason]["packets"]

    def send_sip(self, src, count):
        """count SIP OPTIONS from src (client namespace) to the server."""
        code = ("import socket,sys\n"
                "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
                "s.bind((sys.argv[1],0))\n"
                "for _ in range(int(sys.argv[3])):\n"
                " s.sendto(b'OPTIONS sip:100@x SIP/2.0\\r\\nVia: SIP/2.0/UDP x\\r\\n\\r\\n',"
                "(sys.argv[2],5060))\n")
        run("nsenter", f"--net=/run/netns/{self.ns_c}", "python3", "-c", code, src, SRV4,
            str(count))

    def close(self):
        for ns in self.made:
            run("ip", "netns", "del", ns, check=False)
        if os.path.isdir(self.pin):
            shutil.rmtree(self.pin, ignore_errors=True)
