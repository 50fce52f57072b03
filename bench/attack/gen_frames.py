#!/usr/bin/env python3
"""Receives what spoof_gen sent (on the far end of a veth, AF_PACKET) and
checks it, for bench/attack/gen_check.sh: every frame one of the templates
with its random bytes filled in, its IPv4 header checksum or IPv6 UDP
checksum right, every kind the same share, and the sources new per packet
(at most a few repeats in the ranges that hold only 2^16 addresses).

usage: gen_frames.py IFACE TEMPLATES COUNT READY_FILE
"""
import socket
import struct
import sys


def csum(b):
    if len(b) % 2:
        b += b"\0"
    t = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while t >> 16:
        t = (t & 0xffff) + (t >> 16)
    return t


def masked(frame, spans):
    """The frame with its random bytes and checksums zeroed, as in the template."""
    b = bytearray(frame)
    for off, n in spans:
        b[off:off + n] = bytes(n)
    if b[12:14] == b"\x08\x00":
        b[24:26] = b"\0\0"
    else:
        b[60:62] = b"\0\0"
    return bytes(b)


def main():
    ifname, path, count, ready = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    tmpls = []
    for line in open(path):
        fam, spans, hexframe = line.split()
        spans = [] if spans == "-" else [tuple(map(int, s.split(":"))) for s in spans.split(",")]
        tmpls.append((fam, spans, bytes.fromhex(hexframe)))
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
    s.bind((ifname, 0))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 24)
    s.settimeout(10)
    open(ready, "w").close()
    per_kind = [0] * len(tmpls)
    sources = [set() for _ in tmpls]
    bad = 0
    got = 0
    try:
        while got < count:
            f = s.recv(4096)
            v4 = f[12:14] == b"\x08\x00" and f[23] == 17 and f[36:38] == b"\x13\xc4"
            v6 = f[12:14] == b"\x86\xdd" and f[20] == 17 and f[56:58] == b"\x13\xc4"
            if f[6:12] != tmpls[0][2][6:12] or not (v4 or v6):
                continue   # not UDP to 5060: the kernel's own (router solicitations)
            got += 1
            kind = next((i for i, t in enumerate(tmpls)
                         if len(t[2]) == len(f) and masked(f, t[1]) == t[2]), None)
            if kind is None:
                bad += 1
                continue
            if tmpls[kind][0] == "v4":
                ok = csum(f[14:34]) == 0xffff
                src = f[26:30]
            else:
                ulen = struct.unpack("!H", f[18:20])[0]
                ok = csum(f[22:54] + struct.pack("!IxxxB", ulen, 17) + f[54:54 + ulen]) == 0xffff
                src = f[22:38]
            bad += not ok
            per_kind[kind] += 1
            sources[kind].add(src)
    except socket.timeout:
        pass
    fails = 0

    def check(what, ok, detail):
        nonlocal fails
        print(("ok   " if ok else "FAIL ") + what + ("" if ok else ": " + detail))
        fails += not ok

    check(f"received the {count} frames sent", got == count, f"{got}")
    check("every frame a template with its checksum right", bad == 0, f"{bad} bad")
    check("every kind the same share", len(set(per_kind)) == 1, f"{per_kind}")
    for i, (fam, spans, _) in enumerate(tmpls):
        if not spans:
            check(f"template {i}: one source", len(sources[i]) == 1, f"{len(sources[i])}")
            continue
        bits = 8 * spans[0][1]
        # birthday repeats: n^2 / 2^(bits+1) expected; allow 10x that, plus 2
        n = per_kind[i]
        allowed = 2 + 10 * n * n // (1 << (bits + 1))
        check(f"template {i}: a new source per frame ({fam}, {bits} random bits)",
              n - len(sources[i]) <= allowed, f"{n - len(sources[i])} repeats of {n}")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
