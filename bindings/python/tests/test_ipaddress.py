"""ipaddress objects wherever the binding takes a prefix or an address, and
the types it refuses with a TypeError rather than a guess. The policy and
ban calls need root and BPF; they use a pin root of their own."""
import ipaddress
import os
import uuid

import pytest

import vosfp

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="needs root (BPF)")
N4, N6 = ipaddress.ip_network("192.0.2.0/24"), ipaddress.ip_network("2001:db8::/32")
A4, A6 = ipaddress.ip_address("198.51.100.7"), ipaddress.ip_address("2001:db8::7")


def test_check_prefix_takes_networks_and_addresses():
    assert vosfp.check_prefix(N4) == "192.0.2.0/24"
    assert vosfp.check_prefix(N6) == "2001:db8::/32"
    assert vosfp.check_prefix(A4) == "198.51.100.7/32"
    assert vosfp.check_prefix(A6) == "2001:db8::7/128"


@pytest.mark.parametrize("bad", [ipaddress.ip_interface("192.0.2.1/24"), 3232235521,
                                 b"192.0.2.0/24", None])
def test_other_types_are_refused_by_name(bad):
    with pytest.raises(TypeError) as e:
        vosfp.check_prefix(bad)
    assert ("interface" in str(e.value)) or (type(bad).__name__ in str(e.value))


@pytest.fixture
def h():
    root = "/sys/fs/bpf/vosfp-tpyip-%d-%s" % (os.getpid(), uuid.uuid4().hex[:8])
    handle = vosfp.Vosfp(pin_root=root)
    try:
        yield handle
    finally:
        handle.unpin()
        handle.close()


@needs_root
def test_policy_calls_take_ipaddress_objects(h):
    assert h.block(N4) is True
    assert h.block("192.0.2.0/24") is False  # the same entry as its text
    assert h.allow(A6, ttl=600) is True
    assert h.policy_add("block", N6) is True
    assert h.block(A4) is True
    assert h.policy("block") == ["192.0.2.0/24", "198.51.100.7/32", "2001:db8::/32"]
    assert h.policy("allow") == ["2001:db8::7/128"]
    h.policy_remove("block", N6)
    h.policy_remove("block", A4)
    assert h.policy("block") == ["192.0.2.0/24"]
    with pytest.raises(TypeError):
        h.block(ipaddress.ip_interface("192.0.2.1/24"))


@needs_root
def test_bans_take_addresses_and_refuse_networks(h):
    h.ban(A4, 600)
    h.ban(A6, 600)
    assert sorted(b[0] for b in h.bans()) == ["198.51.100.7", "2001:db8::7"]
    h.unban(A4)
    assert [b[0] for b in h.bans()] == ["2001:db8::7"]
    with pytest.raises(TypeError) as e:
        h.ban(N4)
    assert "one address" in str(e.value)
    assert [b[0] for b in h.bans()] == ["2001:db8::7"]  # nothing half-done
