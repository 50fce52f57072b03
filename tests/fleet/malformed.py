# SPDX-License-Identifier: BSD-2-Clause
"""Messages every fleet decoder must refuse: exactly COUNT of them, made
deterministically from a valid event by one defect each (wrong types,
missing fields, bad values, bad syntax, truncation, size)."""

import json

VALID = {"v": 1, "op": "ban", "addr": "198.51.100.50", "ttl": 600, "reason": "scanner",
         "node": "evil", "id": "evil-1", "ts": 1700000000000}
REQUIRED = ["v", "op", "addr", "node", "id", "ts"]
WRONG = [None, [], {}, 1.5, -1, 2 ** 64, True, ""]
BAD = {
    "v": [0, 2, "1", 1.0, 99],
    "op": ["BAN", "drop", "", "ban ", "bann"],
    "addr": ["999.1.1.1", "1.2.3.4/24", "::g", "", "a" * 100, "1.2.3.4\u0000x", "1.2.3",
             "example.com", " 1.2.3.4"],
    "ttl": ["0", -5, 2 ** 32, "600", 1.5],  # 0 is a permanent ban (0.2), not malformed
    "reason": ["Scanner!", "", "x" * 40, "a b"],
    "node": ["", "bad node", "n" * 64, "é"],
    "id": ["", "a b", "i" * 90, "\u0001"],
    "ts": [-1, "now", 1.5, 2 ** 63],
}


def defects():
    out = []
    for k in REQUIRED + ["ttl"]:
        m = dict(VALID)
        del m[k]
        out.append(json.dumps(m).encode())
    for k, vals in BAD.items():
        for v in vals:
            m = dict(VALID)
            m[k] = v
            out.append(json.dumps(m).encode())
    for k in VALID:
        for v in WRONG:
            m = dict(VALID)
            m[k] = v
            out.append(json.dumps(m).encode())
    good = json.dumps(VALID).encode()
    for cut in range(0, len(good) - 1, 3):
        out.append(good[:cut])
    out += [b"[]", b"1", b'"ban"', b"null", b"\xff\xfe", b"{" * 3000, b" " * 2100 + good,
            good + b"x", good.replace(b'"ttl"', b'"addr"'),
            json.dumps({**VALID, "pad": "p" * 3000}).encode()]
    return out


def messages(count=1000):
    base = defects()
    out = []
    i = 0
    while len(out) < count:
        out.append(base[i % len(base)])
        i += 1
    return out
