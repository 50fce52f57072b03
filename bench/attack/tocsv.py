#!/usr/bin/env python3
"""Turns the harness's key=value lines (one per run) into a CSV with one
column set for all rows: the common columns in a fixed order, then every
filter counter any row had (vosfp_*, nft_*), empty where a row has none.
Derived columns: p95_vs_baseline (this row's p95 over the baseline row's),
softirq_per_mpkt (the machine's softirq seconds over the run per million
junk packets sent) and softirq_net_* (the same less the baseline's softirq
rate times this row's window: the softirq time the flood added).

usage: tocsv.py ROWS > FILE.csv
"""
import csv
import sys

COMMON = ["config", "flood", "spoof", "regflood_sources", "gen_procs", "live_frames", "apps_pinned", "rate_target", "duration_s", "legit_rate",
          "junk_offered", "junk_per_kind", "junk_offered_pps", "legit_calls", "legit_ok",
          "legit_failed",
          "legit_sent_opt", "legit_sent_unknown", "rt_samples", "rt_p50_ms", "rt_p95_ms",
          "rt_p99_ms", "kam_rcv_requests", "kam_legit_rcv", "kam_junk_rcv", "udp_in",
          "udp_rcvbuf_errors", "kam_cpu_s", "softirq_s", "window_s", "junk_veth_dropped"]
# derived here, from the row and from the run's baseline row (see main)
DERIVED = ["success_pct", "junk_at_socket", "junk_delivered", "p95_vs_baseline",
           "softirq_per_mpkt", "softirq_net_s", "softirq_net_per_mpkt"]


def parse(line):
    return dict(w.split("=", 1) for w in line.split())


def main():
    rows = [parse(l) for l in open(sys.argv[1]) if l.strip()]
    extra = []
    for r in rows:
        extra += [k for k in r if k not in COMMON + DERIVED and k not in extra]
    # the no-flood run of the same invocation: the reference for response
    # times, and the softirq time that is not the flood's (legitimate load,
    # and whatever else the machine runs), per second of window
    base = next((r for r in rows if r["config"] == "baseline"), None)
    base_sirq_rate = float(base["softirq_s"]) / float(base["window_s"]) if base else None
    for r in rows:
        legit = int(r["legit_sent_opt"]) + int(r["legit_sent_unknown"])
        # what reached Kamailio's socket beyond the legitimate requests
        r["junk_at_socket"] = str(int(r["udp_in"]) + int(r["udp_rcvbuf_errors"]) - legit)
        r["success_pct"] = "%.2f" % (100.0 * int(r["legit_ok"]) / max(1, int(r["legit_calls"])))
        junk = int(r["junk_offered"] or 0)
        r["junk_delivered"] = str(junk - int(r.get("junk_veth_dropped") or 0))
        if base and float(base["rt_p95_ms"]) > 0:
            r["p95_vs_baseline"] = "%.2f" % (float(r["rt_p95_ms"]) / float(base["rt_p95_ms"]))
        if junk:
            mpkt = junk / 1e6
            r["softirq_per_mpkt"] = "%.3f" % (float(r["softirq_s"]) / mpkt)
            if base_sirq_rate is not None:
                net = float(r["softirq_s"]) - base_sirq_rate * float(r["window_s"])
                r["softirq_net_s"] = "%.2f" % net
                r["softirq_net_per_mpkt"] = "%.3f" % (net / mpkt)
    cols = COMMON + DERIVED + extra
    w = csv.DictWriter(sys.stdout, fieldnames=cols, restval="", lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow(r)


if __name__ == "__main__":
    main()
