"""The program's automatic bans as events, through the Python binding: one
event for a scanner's ban, none for its next (banned) frame. Needs root and
BPF; uses a pin root of its own and no interface (BPF_PROG_TEST_RUN)."""
import os
import select
import socket
import struct
import uuid

import pytest

import vosfp

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="needs root (BPF)")


def scanner_frame(src):
    payload = (b"REGISTER sip:198.51.100.1 SIP/2.0\r\nVia: SIP/2.0/UDP " + src.encode() +
               b"\r\nCSeq: 1 REGISTER\r\nUser-Agent: friendly-scanner\r\n"
               b"Content-Length: 0\r\n\r\n")
    udp = struct.pack("!HHHH", 40000, 5060, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                     socket.inet_aton(src), socket.inet_aton("198.51.100.1"))
    return b"\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02\x08\x00" + ip + udp


@needs_root
def test_one_event_per_ban():
    root = "/sys/fs/bpf/vosfp-pyev-%d-%s" % (os.getpid(), uuid.uuid4().hex[:8])
    with vosfp.Vosfp(pin_root=root) as h:
        try:
            h.config_set("ban_ttl", 300)
            with h.ban_events() as ev:
                assert ev.consume() == []
                assert h.test_packet(scanner_frame("192.0.2.95")) == "drop"
                assert h.test_packet(scanner_frame("192.0.2.95")) == "drop"  # banned
                assert select.select([ev], [], [], 0)[0] == [ev]
                got = ev.consume()
                assert len(got) == 1, got
                addr, reason, ttl, left = got[0]
                assert (addr, reason, ttl) == ("192.0.2.95", "scanner", 300)
                assert 0 < left <= 300
            with pytest.raises(vosfp.VosfpError):
                ev.consume()  # closed
        finally:
            h.unpin()
