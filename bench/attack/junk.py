#!/usr/bin/env python3
"""Writes the trafgen packet configuration of the junk flood, one packet
template per kind of attack and address family, sent round robin (so with
a count that is a multiple of the number of templates every kind gets the
same exact share, which lets the harness reconcile counters packet for
packet).

Raw bytes rather than trafgen's protocol syntax: the SIP payloads need CR LF
and exact lengths, and per-packet random source addresses need the IPv4
header checksum (csumip) and the IPv6 UDP checksum (csumudp6) recomputed by
trafgen at run time.

With --spoof (the spoofed flood of attack.sh --spoof-flood) every kind
takes a random source per packet from a range so large that no source
repeats within a run (IPv4: 24 random bits, IPv6: 64), so no per-source
state (a rate limit, a ban, nftables' meter) can help; the blocked kinds
stay inside the blocked networks (IPv4: 65536 sources). None of these
ranges holds a legitimate source or the attack link's addresses.

With --raw the file is for bench/attack/spoof_gen.c instead of trafgen: one
line per template, "v4|v6 OFF:LEN[,OFF:LEN]|- HEX", the frame in hex with the
byte ranges to randomize per packet ("-": none; the generator fixes the
checksums).

With --spoof --one-flooder the REGISTER flood keeps its one source per
family (a rate limit and a ban can catch it), every other kind is spoofed.

usage: junk.py [--spoof [--one-flooder]] [--raw] DST_MAC SRC_MAC OUT
    prints the template kinds, in order
"""
import sys

SRV4 = "198.51.100.1"
SRV6 = "2001:db8:5060::1"

# (kind, family, source) — a source is a fixed prefix of the address bytes;
# the rest of the address is drnd() per packet. Kept in sync with the
# address plan in lib.sh (none overlaps a legitimate source).
SOURCES = {
    "scanner4": ("10.66.", 2),                 # 10.66.0.0/16, 65536 sources
    "scanner6": ("2001:db8:66::", 2),          # 65536 sources
    "regflood4": ("203.0.113.66", 0),          # one source
    "regflood6": ("2001:db8:77::66", 0),       # one source
    "garbage4": ("10.77.0.", 1),               # 256 sources
    "garbage6": ("2001:db8:88::", 1),          # 256 sources
    "blocked4": ("172.20.", 2),                # inside the blocked 172.20.0.0/16
    "blocked6": ("2001:db8:bad::", 2),         # inside the blocked 2001:db8:bad::/48
}

# --spoof: the same kinds, every packet from a new random source. IPv4 from
# 100.0.0.0/8 (trafgen randomizes whole bytes; 10.0.0.0/8 would hold the
# attack link's own addresses), routed back through the attack link like
# the other junk ranges (lib.sh). Only inside the bench's namespaces.
SPOOF_SOURCES = {
    "scanner4": ("100.", 3),
    "scanner6": ("2001:db8:66::", 8),          # a /64: 2^64 sources
    "regflood4": ("100.", 3),
    "regflood6": ("2001:db8:77::", 8),
    "garbage4": ("100.", 3),
    "garbage6": ("2001:db8:88::", 8),
    "blocked4": ("172.20.", 2),
    "blocked6": ("2001:db8:bad::", 10),        # the whole /48
}


def sip(lines):
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def payload(kind, v6):
    host = f"[{SRV6}]" if v6 else SRV4
    if kind.startswith("scanner"):
        # what sipvicious's svmap sends, User-Agent and all
        return sip([f"OPTIONS sip:100@{host} SIP/2.0",
                    "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-scan;rport",
                    "Max-Forwards: 70",
                    "To: \"100\" <sip:100@example.org>",
                    "From: \"100\" <sip:100@example.org>;tag=6330363134",
                    "User-Agent: friendly-scanner",
                    "Call-ID: 845712934017485163541",
                    "Contact: <sip:100@10.0.0.1:5060>",
                    "CSeq: 1 OPTIONS",
                    "Accept: application/sdp",
                    "Content-Length: 0"])
    if kind.startswith("regflood"):
        # a registration flood with an ordinary User-Agent: only its rate
        # gives it away
        return sip([f"REGISTER sip:{host} SIP/2.0",
                    "Via: SIP/2.0/UDP 10.0.0.2:5060;branch=z9hG4bK-flood;rport",
                    "Max-Forwards: 70",
                    f"To: <sip:2000@{host}>",
                    f"From: <sip:2000@{host}>;tag=flood",
                    "Call-ID: flood-1",
                    "CSeq: 1 REGISTER",
                    "Contact: <sip:2000@10.0.0.2:5060>",
                    "Expires: 300",
                    "User-Agent: Grandstream GXP2160",
                    "Content-Length: 0"])
    if kind.startswith("blocked"):
        # perfectly good SIP: only the source prefix condemns it
        return sip([f"INVITE sip:0044123456789@{host} SIP/2.0",
                    "Via: SIP/2.0/UDP 10.0.0.3:5060;branch=z9hG4bK-blk;rport",
                    "Max-Forwards: 70",
                    f"To: <sip:0044123456789@{host}>",
                    f"From: <sip:1000@{host}>;tag=blk",
                    "Call-ID: blocked-1",
                    "CSeq: 1 INVITE",
                    "Contact: <sip:1000@10.0.0.3:5060>",
                    "User-Agent: Zoiper",
                    "Content-Length: 0"])
    raise ValueError(kind)


def addr_bytes(text, v6):
    """Fixed bytes of a source, as a list of ints (prefix only)."""
    import ipaddress
    if not v6:
        parts = [p for p in text.split(".") if p]
        return [int(p) for p in parts]
    full = ipaddress.IPv6Address(text if not text.endswith("::") else text + "0")
    return list(full.packed)


def template(kind, dst_mac, src_mac, sources):
    v6 = kind.endswith("6")
    prefix, nrand = sources[kind]
    fixed = addr_bytes(prefix, v6)
    alen = 16 if v6 else 4
    if nrand:
        fixed = fixed[:alen - nrand]
    src = [f"0x{b:02x}" for b in fixed] + ([f"drnd({nrand})"] if nrand else [])
    if kind.startswith("garbage"):
        # binary junk: a zero byte first (never a SIP line), then random bytes
        body_len = 64
        body = ["0x00", f"drnd({body_len - 1})"]
    else:
        data = payload(kind, v6)
        body_len = len(data)
        body = [f"0x{b:02x}" for b in data]
    udp_len = 8 + body_len
    out = [mac(dst_mac), mac(src_mac)]
    if v6:
        import ipaddress
        dst = [f"0x{b:02x}" for b in ipaddress.IPv6Address(SRV6).packed]
        out += ["c16(0x86dd)", "0x60, 0x00, 0x00, 0x00", f"c16({udp_len})", "17, 64",
                ", ".join(src), ", ".join(dst),
                "c16(5060), c16(5060)", f"c16({udp_len})", "csumudp6(14, 54)"]
    else:
        dst = [str(int(p)) for p in SRV4.split(".")]
        out += ["c16(0x0800)", "0x45, 0x00", f"c16({20 + udp_len})", "0x00, 0x00, 0x40, 0x00",
                "64, 17", "csumip(14, 33)", ", ".join(src), ", ".join(dst),
                # IPv4 UDP checksum 0: "not computed", legal and cheaper
                "c16(5060), c16(5060)", f"c16({udp_len})", "c16(0)"]
    out += [", ".join(body[i:i + 16]) for i in range(0, len(body), 16)]
    return f"/* {kind} */\n{{\n  " + ",\n  ".join(out) + "\n}\n"


def raw_template(kind, dst_mac, src_mac, sources):
    """One line of spoof_gen's template file: the frame with zeros where
    the random bytes go, the offsets of those bytes, checksums left to it."""
    import ipaddress
    v6 = kind.endswith("6")
    prefix, nrand = sources[kind]
    alen = 16 if v6 else 4
    src = bytes(addr_bytes(prefix, v6)[:alen - nrand] + [0] * nrand)
    src_off = 14 + (8 if v6 else 12)
    spans = [(src_off + alen - nrand, nrand)] if nrand else []
    if kind.startswith("garbage"):
        data = bytes(64)    # a zero byte first (never a SIP line), then random
    else:
        data = payload(kind, v6)
    udp = (5060).to_bytes(2, "big") * 2 + (8 + len(data)).to_bytes(2, "big") + bytes(2)
    if v6:
        ip = (bytes([0x60, 0, 0, 0]) + (8 + len(data)).to_bytes(2, "big") + bytes([17, 64]) +
              src + ipaddress.IPv6Address(SRV6).packed)
    else:
        ip = (bytes([0x45, 0]) + (28 + len(data)).to_bytes(2, "big") +
              bytes([0, 0, 0x40, 0, 64, 17, 0, 0]) + src + ipaddress.IPv4Address(SRV4).packed)
    eth = bytes.fromhex(dst_mac.replace(":", "") + src_mac.replace(":", "") +
                        ("86dd" if v6 else "0800"))
    frame = eth + ip + udp + data
    if kind.startswith("garbage"):
        spans.append((len(frame) - 63, 63))
    return "%s %s %s\n" % ("v6" if v6 else "v4",
                            ",".join(f"{o}:{n}" for o, n in spans) or "-", frame.hex())


def mac(text):
    return ", ".join(f"0x{p}" for p in text.split(":"))


def main():
    args = sys.argv[1:]
    sources = SOURCES
    make = template
    one_flooder = False
    while args and args[0].startswith("--"):
        if args[0] == "--spoof":
            sources = dict(SPOOF_SOURCES)
        elif args[0] == "--one-flooder":
            one_flooder = True
        elif args[0] == "--raw":
            make = raw_template
        else:
            sys.exit(f"junk.py: unknown option {args[0]}")
        args = args[1:]
    if len(args) != 3:
        sys.exit("usage: junk.py [--spoof [--one-flooder]] [--raw] DST_MAC SRC_MAC OUT")
    if one_flooder:
        if sources is SOURCES:
            sys.exit("junk.py: --one-flooder needs --spoof")
        sources.update({k: v for k, v in SOURCES.items() if k.startswith("regflood")})
    dst_mac, src_mac, path = args
    with open(path, "w") as f:
        for kind in SOURCES:
            f.write(make(kind, dst_mac, src_mac, sources))
    print(" ".join(SOURCES))


if __name__ == "__main__":
    main()
