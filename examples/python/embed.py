#!/usr/bin/env python3
"""A minimal embedder of libvosfp in Python: open, attach (auto mode), block
a prefix, print the counters by name, detach. Needs only the vosfp package
(bindings/python) and libvosfp.so.0:

    sudo python3 embed.py IFACE [PIN_ROOT]
"""
import sys

import vosfp


def main(argv):
    if len(argv) not in (2, 3):
        print("usage: %s IFACE [PIN_ROOT]" % argv[0], file=sys.stderr)
        return 2
    ifname = argv[1]
    pin_root = argv[2] if len(argv) == 3 else None

    print("libvosfp", vosfp.version())
    try:
        with vosfp.Vosfp(pin_root=pin_root) as h:       # closed on the way out
            mode = h.attach(ifname)                      # "auto": native, else generic
            print("attached to %s in %s mode" % (ifname, mode))
            try:
                h.block("192.0.2.0/24")
                print("blocked 192.0.2.0/24 (%d prefixes on the block list)"
                      % h.policy_count("block"))
                for name, (packets, nbytes) in h.counters().items():
                    print("  %-12s %10d packets %12d bytes" % (name, packets, nbytes))
            finally:
                # Embedders that want the filter to outlive them skip this.
                h.detach(ifname)
                print("detached from", ifname)
    except vosfp.VosfpError as e:
        # errno names the kind of failure, str(e) adds the library's detail.
        print("embed: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
