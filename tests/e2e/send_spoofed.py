#!/usr/bin/env python3
"""Send COUNT copies of a UDP payload to DST:5060 with any IPv4 source
address, SRC included when it is not ours: the IP header is built here
(a raw socket with IP_HDRINCL), as a spoofer builds it. One way, no answer
expected. Runs inside the client namespace; bounded by COUNT.
usage: send_spoofed.py SRC DST COUNT PAYLOAD (PAYLOAD takes \\r\\n escapes)"""
import socket
import struct
import sys

src, dst, count, payload = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
if not 1 <= count <= 10000:
    sys.exit("COUNT must be 1 to 10000")
data = payload.encode().decode("unicode_escape").encode("latin-1")
udp = struct.pack("!HHHH", 5070, 5060, 8 + len(data), 0) + data  # checksum 0: none (IPv4)
with socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW) as s:
    for i in range(count):
        # version/IHL, TOS, total length, id, flags/fragment, TTL, protocol,
        # checksum (the kernel fills it in), source, destination
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), (i + 1) & 0xFFFF, 0, 64,
                         socket.IPPROTO_UDP, 0, socket.inet_aton(src), socket.inet_aton(dst))
        s.sendto(ip + udp, (dst, 0))
