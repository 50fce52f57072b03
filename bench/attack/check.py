#!/usr/bin/env python3
"""The CI smoke's assertions on an attack-benchmark CSV: only what is
functional, never a time or a rate.

- every run completed and the flood was sent in equal shares per kind;
- the baseline (no flood) completed every legitimate call: the harness works;
- with vosfp (generic and native): no legitimate call failed, and the
  counters reconcile with what was sent, packet for packet: every junk kind
  under its reason, every legitimate request passed or allowed and seen by
  Kamailio, and the only junk Kamailio saw is what the rate limit let
  through from the REGISTER flood before it banned the source: the burst,
  the tokens that came back while the burst was being sent and one request
  per CPU racing (observed: 40 to 46 for two sources with a burst of 20).
  Asserted as at most a burst plus one second's allowance per source: it
  says the limit and the ban held, and does not depend on how fast trafgen
  happened to send.

With the spoofed flood (spoof=1: every packet from a new random source)
the REGISTER flood is never the same source twice (unless --one-flooder
kept its one source, regflood_sources=one), so no rate limit can catch it:
asserted instead that vosfp passed all of it (rate_limited and
banned 0: the flood really was spoofed), and that what vosfp counted plus
what the attack veth dropped before any filter equals what the generator
sent.

usage: check.py FILE.csv RATE_BURST RATE_LIMIT
"""
import csv
import sys

KINDS = 8            # junk.py's templates
REGFLOOD_SOURCES = 2  # one IPv4, one IPv6

fails = 0


def check(what, ok, detail=""):
    global fails
    print(("ok   " if ok else "FAIL ") + what + ("" if ok else f": {detail}"))
    fails += 0 if ok else 1


def main():
    rows = list(csv.DictReader(open(sys.argv[1])))
    burst, limit = int(sys.argv[2]), int(sys.argv[3])
    for r in rows:
        n = {k: int(v) for k, v in r.items() if v.lstrip("-").isdigit()}
        cfg = r["config"]
        legit_sent = n["legit_sent_opt"] + n["legit_sent_unknown"]
        if n["flood"]:
            check(f"{cfg}: the flood was sent whole, in equal shares",
                  n["junk_offered"] > 0 and n["junk_offered"] == KINDS * n["junk_per_kind"],
                  f"{n['junk_offered']} packets, {n['junk_per_kind']} per kind")
        if cfg == "baseline":
            check("baseline: every legitimate call completed",
                  n["legit_failed"] == 0 and n["legit_ok"] == n["legit_calls"] > 0,
                  f"{n['legit_ok']} of {n['legit_calls']}")
        if cfg not in ("generic", "native"):
            continue
        k = n["junk_per_kind"]
        c = lambda reason: n["vosfp_" + reason]
        check(f"{cfg}: no legitimate call failed",
              n["legit_failed"] == 0 and n["legit_ok"] == n["legit_calls"] > 0,
              f"{n['legit_ok']} of {n['legit_calls']}")
        check(f"{cfg}: blocked = junk from the blocked networks", c("blocked") == 2 * k,
              f"{c('blocked')} != {2 * k}")
        check(f"{cfg}: stealth = scanner OPTIONS", c("stealth") == 2 * k,
              f"{c('stealth')} != {2 * k}")
        check(f"{cfg}: malformed = garbage", c("malformed") == 2 * k,
              f"{c('malformed')} != {2 * k}")
        check(f"{cfg}: allowed = the trunk's OPTIONS", c("allowed") == n["legit_sent_opt"],
              f"{c('allowed')} != {n['legit_sent_opt']}")
        unknown = c("passed") + c("rate_limited") + c("banned")
        check(f"{cfg}: passed + rate_limited + banned = unknown source + REGISTER flood",
              unknown == n["legit_sent_unknown"] + 2 * k,
              f"{unknown} != {n['legit_sent_unknown']} + {2 * k}")
        total = sum(v for key, v in n.items() if key.startswith("vosfp_"))
        dropped = n.get("junk_veth_dropped", 0)
        check(f"{cfg}: every packet to 5060 counted once (less {dropped} the veth dropped)",
              total == n["junk_offered"] - dropped + legit_sent,
              f"{total} != {n['junk_offered']} - {dropped} + {legit_sent}")
        check(f"{cfg}: Kamailio received every legitimate request",
              n["kam_legit_rcv"] == legit_sent, f"{n['kam_legit_rcv']} != {legit_sent}")
        passed_junk = c("passed") - n["legit_sent_unknown"]
        check(f"{cfg}: the junk Kamailio received is the junk vosfp passed",
              n["kam_junk_rcv"] == passed_junk == n["junk_at_socket"],
              f"kamailio {n['kam_junk_rcv']}, passed {passed_junk}, socket {n['junk_at_socket']}")
        if n.get("spoof") and r.get("regflood_sources") == "random":
            check(f"{cfg}: no per-source state caught the spoofed REGISTER flood",
                  passed_junk == 2 * k and c("rate_limited") == c("banned") == 0,
                  f"passed {passed_junk} of {2 * k}, rate_limited {c('rate_limited')},"
                  f" banned {c('banned')}")
            continue
        slack = REGFLOOD_SOURCES * (burst + limit)
        check(f"{cfg}: that junk is at most a burst + 1 s of allowance per flooder ({slack})",
              0 <= passed_junk <= slack, f"{passed_junk}")
        check(f"{cfg}: the flooders were banned", c("banned") > 0, "no ban")
    print(f"attack smoke: {fails} failed")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
