#!/usr/bin/env python3
"""Send COUNT copies of a raw UDP payload from SRC to DST:5060 (one way, no
answer expected): the junk that SIPp cannot send. Runs inside the client
namespace; bounded by COUNT."""
import socket
import sys

src, dst, count, payload = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
family = socket.AF_INET6 if ":" in dst else socket.AF_INET
data = payload.encode().decode("unicode_escape").encode("latin-1")
with socket.socket(family, socket.SOCK_DGRAM) as s:
    s.bind((src, 0))
    for _ in range(count):
        s.sendto(data, (dst, 5060))
