"""Policy through the Python binding: TTLs, iteration with the time left,
files and buffers with and without replace. Needs root and BPF; uses a pin
root of its own (no attachment, so no network namespace)."""
import errno
import os
import time
import uuid

import pytest

import vosfp

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root (BPF)")


@pytest.fixture
def h():
    root = "/sys/fs/bpf/vosfp-tpypol-%d-%s" % (os.getpid(), uuid.uuid4().hex[:8])
    handle = vosfp.Vosfp(pin_root=root)
    try:
        yield handle
    finally:
        handle.unpin()
        handle.close()


def test_add_with_ttl_shows_the_time_left(h):
    assert h.block("192.0.2.0/24", ttl=3600) is True
    assert h.block("198.51.100.7") is True
    entries = dict(h.policy_entries("block"))
    assert 3599 <= entries["192.0.2.0/24"] <= 3600
    assert entries["198.51.100.7/32"] == 0
    # Adding again replaces the TTL, and says it was present.
    assert h.policy_add("block", "192.0.2.0/24", ttl=60) is False
    assert 59 <= dict(h.policy_entries("block"))["192.0.2.0/24"] <= 60
    assert h.policy("block") == ["192.0.2.0/24", "198.51.100.7/32"]
    with pytest.raises(ValueError):
        h.block("192.0.2.0/24", ttl=-1)


def test_an_expired_entry_is_neither_listed_nor_counted(h):
    h.allow("203.0.113.5", ttl=1)
    h.allow("203.0.113.6")
    assert h.policy_count("allow") == 2
    time.sleep(2)
    assert h.policy_entries("allow") == [("203.0.113.6/32", 0)]
    assert h.policy_count("allow") == 1


def test_load_file_adds_and_replace_replaces(h, tmp_path):
    h.block("10.0.0.1")
    f = tmp_path / "block.txt"
    f.write_text("# peers\n192.0.2.0/24 ttl=2h  # comment\n\n2001:db8::/32\n")
    assert h.policy_load("block", str(f)) == 2
    assert sorted(p for p, _ in h.policy_entries("block")) == \
        ["10.0.0.1/32", "192.0.2.0/24", "2001:db8::/32"]
    assert dict(h.policy_entries("block"))["192.0.2.0/24"] > 7000
    assert h.policy_load("block", f, replace=True) == 2
    assert sorted(h.policy("block")) == ["192.0.2.0/24", "2001:db8::/32"]


def test_a_bad_line_names_file_and_line_and_changes_nothing(h, tmp_path):
    h.block("10.0.0.1")
    f = tmp_path / "bad.txt"
    f.write_text("192.0.2.0/24\n192.0.2.1/24\n")
    for replace in (False, True):
        with pytest.raises(vosfp.VosfpError) as e:
            h.policy_load("block", str(f), replace=replace)
        assert e.value.errno == errno.EINVAL
        assert "bad.txt:2:" in str(e.value)
        assert h.policy("block") == ["10.0.0.1/32"]


def test_load_buffer(h):
    assert h.policy_load_buffer("allow", "192.0.2.10\n192.0.2.11 ttl=5m\n") == 2
    assert h.policy_load_buffer("allow", b"192.0.2.12", replace=True) == 1
    assert h.policy("allow") == ["192.0.2.12/32"]
    with pytest.raises(vosfp.VosfpError) as e:
        h.policy_load_buffer("allow", "ok.example\n", name="peers")
    assert "peers:1:" in str(e.value)
    assert h.policy_load_buffer("allow", "", replace=True) == 0
    assert h.policy("allow") == []


def test_capacity_is_the_roots():
    root = "/sys/fs/bpf/vosfp-tpycap-%d-%s" % (os.getpid(), uuid.uuid4().hex[:8])
    with vosfp.Vosfp(pin_root=root, block_capacity=3, allow_capacity=7) as a:
        try:
            assert a.policy_capacity("block") == 3
            assert a.policy_capacity("allow") == 7
            # A second handle asking for more keeps what the root was made with.
            with vosfp.Vosfp(pin_root=root, block_capacity=1000) as b:
                assert b.policy_capacity("block") == 3
            for i in range(3):
                a.block("192.0.2.%d" % i)
            with pytest.raises(vosfp.VosfpError) as e:
                a.block("192.0.2.99")
            assert e.value.errno == errno.ENOSPC
        finally:
            a.unpin()
