"""The Python binding against the real library: names and errors need
nothing; the rest needs root and BPF and runs in a network namespace of its
own (unshare), with a veth pair and a pin root it makes and removes."""
import ctypes
import errno
import os
import socket
import struct
import subprocess
import uuid

import pytest

import vosfp

ROOT = os.geteuid() == 0
needs_root = pytest.mark.skipif(not ROOT, reason="needs root (network namespace, BPF)")


def test_names_come_from_the_library():
    assert vosfp.version() == "0.1.0"
    names = vosfp.counter_names()
    assert names[:3] == ["passed", "allowed", "blocked"]
    assert "scanner" in names and "banned" in names
    assert vosfp.list_names() == ["block", "allow"]
    keys = vosfp.config_keys()
    assert "ports" in keys and "user_agents" in keys and keys["ports"]


def test_check_prefix():
    assert vosfp.check_prefix("2001:DB8:0::/32") == "2001:db8::/32"
    assert vosfp.check_prefix("192.0.2.7") == "192.0.2.7/32"
    with pytest.raises(vosfp.VosfpError) as e:
        vosfp.check_prefix("192.0.2.1/24")
    assert e.value.errno == errno.EINVAL and "host bits" in str(e.value)


def test_parse_duration():
    assert [vosfp.parse_duration(t) for t in ("3600", "90s", "15m", "2h", "7d")] == \
        [3600, 90, 900, 7200, 604800]
    for bad in ("", "0", "1x", "h", "-5", "1h ", "11000d"):
        with pytest.raises(vosfp.VosfpError) as e:
            vosfp.parse_duration(bad)
        assert e.value.errno == errno.EINVAL


def test_open_error_carries_errno_and_detail():
    with pytest.raises(vosfp.VosfpError) as e:
        vosfp.Vosfp(pin_root="/nonexistent-vosfp-py/x")
    assert e.value.errno == errno.EOPNOTSUPP
    assert "not on bpffs" in e.value.detail


@pytest.fixture(scope="module")
def netns():
    """Move this test process into a network namespace of its own."""
    if not ROOT:
        pytest.skip("needs root")
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(0x40000000) != 0:  # CLONE_NEWNET
        pytest.skip("cannot make a network namespace")
    subprocess.run("ip link add vpA type veth peer name vpB && ip link set vpA up && "
                   "ip link set vpB up", shell=True, check=True)
    return "vpA"


@pytest.fixture
def handle(netns):
    root = "/sys/fs/bpf/vosfp-py-%d-%s" % (os.getpid(), uuid.uuid4().hex[:8])
    with vosfp.Vosfp(pin_root=root) as h:
        try:
            yield h
        finally:
            for name, _, _ in h.attachments():
                h.detach(name)
            h.unpin()


def options_frame(src="192.0.2.99"):
    """Ethernet + IPv4 + UDP to 5060 carrying an OPTIONS request."""
    payload = (b"OPTIONS sip:100@198.51.100.1 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.99\r\n"
               b"CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n")
    udp = struct.pack("!HHHH", 40000, 5060, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                     socket.inet_aton(src), socket.inet_aton("198.51.100.1"))
    return b"\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02\x08\x00" + ip + udp


@needs_root
def test_attach_policy_counters(handle, netns):
    assert handle.attach(netns) == "native"
    with pytest.raises(vosfp.VosfpError) as e:
        handle.attach(netns)
    assert e.value.errno == errno.EEXIST and netns in e.value.detail
    with pytest.raises(vosfp.VosfpError) as e:
        handle.attach("nosuch0")
    assert e.value.errno == errno.ENODEV
    assert handle.attachments()[0][:2] == (netns, "native")

    assert handle.block("203.0.113.0/24") is True
    assert handle.block("203.0.113.0/24") is False
    assert handle.allow("2001:db8::/32") is True
    assert handle.policy("block") == ["203.0.113.0/24"]
    assert handle.policy_count("allow") == 1
    with pytest.raises(vosfp.VosfpError) as e:
        handle.policy_remove("block", "198.51.100.0/24")
    assert e.value.errno == errno.ENOENT

    before = handle.counters()
    assert handle.test_packet(options_frame()) == "drop"
    assert handle.test_packet(options_frame("203.0.113.9")) == "drop"
    after = handle.counters()
    moved = {k: after[k][0] - before[k][0] for k in after if after[k] != before[k]}
    assert moved == {"stealth": 1, "blocked": 1}

    handle.set_ports([5060, 5080])
    assert handle.ports() == [5060, 5080]
    handle.config_set("stealth_methods", "none")
    assert handle.test_packet(options_frame()) == "pass"
    assert handle.config()["stealth_methods"] == "none"
    with pytest.raises(vosfp.VosfpError):
        handle.config_set("rate_limit", "fast")

    handle.ban("192.0.2.99", 60)
    assert [b[0] for b in handle.bans()] == ["192.0.2.99"]
    assert handle.test_packet(options_frame()) == "drop"
    handle.unban("192.0.2.99")
    assert handle.bans() == []

    handle.detach(netns)
    assert handle.attachments() == []


def test_attach_multiprog(handle, netns):
    # Through libxdp's dispatcher where this kernel runs vosfp in it;
    # elsewhere refused with EOPNOTSUPP, leaving nothing attached.
    try:
        assert handle.attach(netns, "generic", multiprog=True) == "generic"
    except vosfp.VosfpError as e:
        assert e.errno == errno.EOPNOTSUPP, e
        assert "nothing was attached" in e.detail
        assert handle.attachments() == []
    else:
        handle.detach(netns)
    assert handle.attachments() == []
