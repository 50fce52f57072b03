"""The 0.2 error model through the Python binding: the library's own detail
for a call without a handle, the version numbers, and the reason of a dry
run (root and BPF for the last; a pin root of its own)."""
import errno
import os
import uuid

import pytest

import vosfp
from test_vosfp import options_frame


def test_version_info():
    assert ".".join(str(n) for n in vosfp.version_info()) == vosfp.version()


def test_parse_duration_detail_is_the_library_s():
    with pytest.raises(vosfp.VosfpError) as e:
        vosfp.parse_duration("12x")
    assert e.value.errno == errno.EINVAL
    assert "'12x': not a duration" in e.value.detail


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root (BPF)")
def test_packet_reason():
    root = "/sys/fs/bpf/vosfp-tpyerr-%d-%s" % (os.getpid(), uuid.uuid4().hex[:8])
    with vosfp.Vosfp(pin_root=root) as h:
        try:
            assert h.test_packet_reason(options_frame("192.0.2.61")) == ("drop", "stealth")
            h.allow("192.0.2.61")
            assert h.test_packet_reason(options_frame("192.0.2.61")) == ("pass", "allowed")
        finally:
            h.unpin()
