"""Counters per interface through the Python binding: both ends of a veth
pair in a network namespace of the test's own, frames sent out of one
arrive on the other, whose row alone moves."""
import ctypes
import errno
import os
import socket
import subprocess
import time
import uuid

import pytest

import vosfp
from test_vosfp import options_frame

ROOT = os.geteuid() == 0


@pytest.fixture(scope="module")
def pair():
    if not ROOT:
        pytest.skip("needs root (network namespace, BPF)")
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(0x40000000) != 0:  # CLONE_NEWNET
        pytest.skip("cannot make a network namespace")
    subprocess.run("ip link add vpiA type veth peer name vpiB && ip link set vpiA up && "
                   "ip link set vpiB up", shell=True, check=True)
    return "vpiA", "vpiB"


def test_interface_rows(pair):
    a, b = pair
    root = "/sys/fs/bpf/vosfp-pyif-%d-%s" % (os.getpid(), uuid.uuid4().hex[:8])
    with vosfp.Vosfp(pin_root=root) as h:
        try:
            h.attach(a, "generic")
            h.attach(b, "generic")
            h.reset_counters()
            assert set(h.interface_counters()) == {a, b}
            with socket.socket(socket.AF_PACKET, socket.SOCK_RAW) as s:
                s.bind((b, 0))
                for _ in range(4):
                    s.send(options_frame())
            for _ in range(200):  # bounded wait, no time asserted
                if h.interface_counter(a, "stealth")[0] == 4:
                    break
                time.sleep(0.01)
            rows = h.interface_counters()
            assert rows[a]["stealth"][0] == 4
            assert all(v == (0, 0) for v in rows[b].values())
            assert h.counters()["stealth"][0] == 4
            with pytest.raises(vosfp.VosfpError) as e:
                h.interface_counter("lo", "stealth")
            assert e.value.errno == errno.ENOENT
            h.detach(a)
            assert set(h.interface_counters()) == {b}
            assert h.counters()["stealth"][0] == 4
        finally:
            for name, _, _ in h.attachments():
                h.detach(name)
            h.unpin()
