#!/usr/bin/env python3
"""Writes a small capture of SIP and other traffic, as pcap or pcapng, for
the replay tests: make_capture.py FILE pcap|pcapng [REPEAT] (REPEAT times the
15 frames, default once: a big capture for the signal test)"""
import socket
import struct
import sys


def frame(src, payload, dport=5060):
    udp = struct.pack("!HHHH", 40000, dport, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                     socket.inet_aton(src), socket.inet_aton("198.51.100.1"))
    f = b"\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02\x08\x00" + ip + udp
    return f + b"\x00" * max(0, 60 - len(f))


OPTIONS = b"OPTIONS sip:100@198.51.100.1 SIP/2.0\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
SCANNER = (b"REGISTER sip:198.51.100.1 SIP/2.0\r\nCSeq: 1 REGISTER\r\n"
           b"User-Agent: friendly-scanner\r\nContent-Length: 0\r\n\r\n")
INVITE = b"INVITE sip:bob@example.com SIP/2.0\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n"

# 5 OPTIONS from one scanner, 3 scanner REGISTERs from another (the first is
# "scanner", then that source is banned), 4 INVITEs from a trusted peer,
# 2 junk, 1 DNS query to port 53.
FRAMES = ([frame("192.0.2.66", OPTIONS)] * 5 + [frame("192.0.2.77", SCANNER)] * 3 +
          [frame("192.0.2.10", INVITE)] * 4 + [frame("192.0.2.88", b"\x16\x03\x01junk")] * 2 +
          [frame("192.0.2.99", b"\x12\x34\x01\x00", dport=53)])


def pcap(out):
    out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for i, f in enumerate(FRAMES):
        out.write(struct.pack("<IIII", 1700000000, i, len(f), len(f)) + f)


def pcapng(out):
    def block(btype, body):
        body += b"\x00" * (-len(body) % 4)
        n = 12 + len(body)
        return struct.pack("<II", btype, n) + body + struct.pack("<I", n)
    out.write(block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)))
    out.write(block(1, struct.pack("<HHI", 1, 0, 65535)))
    for i, f in enumerate(FRAMES):
        out.write(block(6, struct.pack("<IIIII", 0, 0, i, len(f), len(f)) + f))


FRAMES *= int(sys.argv[3]) if len(sys.argv) > 3 else 1

with open(sys.argv[1], "wb") as out:
    (pcap if sys.argv[2] == "pcap" else pcapng)(out)
