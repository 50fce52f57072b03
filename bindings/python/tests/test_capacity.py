"""A root's capacity raised and lowered through the Python binding
(vosfp_policy_set_capacity), and the handle's pin root. Needs root and BPF;
uses a pin root of its own."""
import errno
import os
import uuid

import pytest

import vosfp

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root (BPF)")


def test_set_capacity_and_pin_root():
    root = "/sys/fs/bpf/vosfp-tpyset-%d-%s" % (os.getpid(), uuid.uuid4().hex[:8])
    with vosfp.Vosfp(pin_root=root + "/", block_capacity=2) as h:
        try:
            assert h.pin_root == root
            h.block("192.0.2.1")
            h.block("192.0.2.2")
            with pytest.raises(vosfp.VosfpError) as e:
                h.block("192.0.2.3")
            assert e.value.errno == errno.ENOSPC
            with pytest.raises(vosfp.VosfpError) as e:
                h.policy_set_capacity("block", 1)
            assert e.value.errno == errno.ENOSPC
            h.policy_set_capacity("block", 3)
            h.block("192.0.2.3")
            assert h.policy_capacity("block") == 3
            with pytest.raises(vosfp.VosfpError) as e:
                h.policy_set_capacity("block", 0)
            assert e.value.errno == errno.EINVAL
        finally:
            h.unpin()
