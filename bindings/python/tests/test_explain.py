"""vosfp_explain_source through the Python binding: the block entry that
covers a source, a ban by hand, the allow entry, and a v4-mapped address
looked up as IPv4. Needs root and BPF; uses a pin root of its own."""
import os
import uuid

import pytest

import vosfp

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root (BPF)")


def test_explain():
    root = "/sys/fs/bpf/vosfp-tpyexp-%d-%s" % (os.getpid(), uuid.uuid4().hex[:8])
    with vosfp.Vosfp(pin_root=root) as h:
        try:
            h.block("192.0.2.0/24")
            h.allow("2001:db8::/32")
            h.ban("2001:db8::7", 600)
            e = h.explain("::ffff:192.0.2.7")
            assert e["address"] == "192.0.2.7" and e["family"] == 4
            assert e["block"] == {"matches": 1, "prefix": "192.0.2.0/24", "ttl_left": 0}
            assert e["verdict"] == "drop" and e["reason"] == "blocked"
            assert e["decision"] == "dropped: blocked by 192.0.2.0/24 (permanent)"
            e = h.explain("2001:db8::7")
            assert e["ban"]["table"] == "manual" and e["ban"]["reason"] == "banned"
            assert 0 < e["ban"]["ttl_left"] <= 600
            assert e["allow"]["prefix"] == "2001:db8::/32"
            assert e["reason"] == "banned"
            e = h.explain("2001:db8::8")
            assert e["verdict"] == "pass" and e["reason"] == "allowed"
            with pytest.raises(vosfp.VosfpError):
                h.explain("192.0.2.0/24")
        finally:
            h.unpin()
