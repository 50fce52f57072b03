#!/usr/bin/env python3
"""Turns the harness's key=value lines (one per run) into a CSV with one
column set for all rows: the common columns in a fixed order, then every
filter counter any row had (vosfp_*, nft_*), empty where a row has none.

usage: tocsv.py ROWS > FILE.csv
"""
import csv
import sys

COMMON = ["config", "flood", "rate_target", "duration_s", "legit_rate", "junk_offered",
          "junk_per_kind", "junk_offered_pps", "legit_calls", "legit_ok", "legit_failed",
          "legit_sent_opt", "legit_sent_unknown", "rt_samples", "rt_p50_ms", "rt_p95_ms",
          "rt_p99_ms", "kam_rcv_requests", "kam_legit_rcv", "kam_junk_rcv", "udp_in",
          "udp_rcvbuf_errors", "kam_cpu_s", "softirq_s", "window_s"]


def parse(line):
    return dict(w.split("=", 1) for w in line.split())


def main():
    rows = [parse(l) for l in open(sys.argv[1]) if l.strip()]
    extra = []
    for r in rows:
        extra += [k for k in r if k not in COMMON and k not in extra]
    # what reached Kamailio's socket beyond the legitimate requests
    for r in rows:
        legit = int(r["legit_sent_opt"]) + int(r["legit_sent_unknown"])
        r["junk_at_socket"] = str(int(r["udp_in"]) + int(r["udp_rcvbuf_errors"]) - legit)
        r["success_pct"] = "%.2f" % (100.0 * int(r["legit_ok"]) / max(1, int(r["legit_calls"])))
    cols = COMMON + ["success_pct", "junk_at_socket"] + extra
    w = csv.DictWriter(sys.stdout, fieldnames=cols, restval="", lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow(r)


if __name__ == "__main__":
    main()
