"""Permanent and long bans, and the w/y durations, through the Python
binding. Needs root and BPF; a pin root of its own (no attachment)."""
import errno
import os
import uuid

import pytest

import vosfp

YEAR = 365 * 86400


def test_parse_duration_weeks_and_years():
    assert [vosfp.parse_duration(t) for t in ("2w", "1y", "10y")] == \
        [14 * 86400, YEAR, 10 * YEAR]
    with pytest.raises(vosfp.VosfpError):
        vosfp.parse_duration("11y")


@pytest.fixture
def h():
    if os.geteuid() != 0:
        pytest.skip("needs root (BPF)")
    root = "/sys/fs/bpf/vosfp-tpyperm-%d-%s" % (os.getpid(), uuid.uuid4().hex[:8])
    handle = vosfp.Vosfp(pin_root=root)
    try:
        yield handle
    finally:
        handle.unpin()
        handle.close()


def test_permanent_ban(h):
    h.ban("192.0.2.7", permanent=True)
    h.ban("2001:db8::7", ttl_seconds=YEAR)
    bans = {a: (left, why) for a, left, why in h.bans()}
    assert bans["192.0.2.7"] == (0, "banned")
    assert YEAR - 60 < bans["2001:db8::7"][0] <= YEAR
    with pytest.raises(vosfp.VosfpError) as e:
        h.ban("192.0.2.8", ttl_seconds=0)
    assert e.value.errno == errno.EINVAL
    assert "192.0.2.8" not in {a for a, _, _ in h.bans()}
