#!/usr/bin/env python3
"""The spoofed flood's summary (attack.sh --spoof-flood), from its CSV: one
Markdown row per configuration with legitimate success, p95 against the
same run's no-flood baseline, and softirq CPU per million junk packets
against nftables', then the issue's targets met or missed: 100 %
success, p95 <= 1.5x the baseline, softirq <= 0.5x nftables' (the net
figure: the baseline's softirq rate taken off, see tocsv.py).

usage: spoof_table.py FILE.csv
"""
import csv
import sys


def ratio_to(r, ref, key):
    """r[key] / ref[key], or None where either is missing or ref's is not > 0."""
    if not ref or not r.get(key) or not ref.get(key) or float(ref[key]) <= 0:
        return None
    return float(r[key]) / float(ref[key])


def main():
    rows = list(csv.DictReader(open(sys.argv[1])))
    by = {r["config"]: r for r in rows}
    nft = by.get("nftables")
    print("| configuration | junk sent | junk pps | veth dropped | legit success | p95 ms"
          " | p95 / baseline | softirq s | softirq s / Mpkt (gross) | (net) | net / nftables |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        q = ratio_to(r, nft, "softirq_net_per_mpkt")
        ratio = "" if q is None else "%.2f" % q
        print(f"| {r['config']} | {int(r['junk_offered']):,} | {int(r['junk_offered_pps']):,}"
              f" | {int(r['junk_veth_dropped'] or 0):,}"
              f" | {r['legit_ok']}/{r['legit_calls']} ({r['success_pct']} %)"
              f" | {r['rt_p95_ms']} | {r.get('p95_vs_baseline', '')} | {r['softirq_s']}"
              f" | {r.get('softirq_per_mpkt', '')} | {r.get('softirq_net_per_mpkt', '')}"
              f" | {ratio} |")
    for cfg in ("generic", "native"):
        r = by.get(cfg)
        if not r:
            continue
        ok = float(r["success_pct"]) == 100.0
        p95 = r.get("p95_vs_baseline")
        verdict = [f"success {r['success_pct']} % ({'met' if ok else 'missed'})"]
        if p95:
            verdict.append(f"p95 {p95}x ({'met' if float(p95) <= 1.5 else 'missed'})")
        q = ratio_to(r, nft, "softirq_net_per_mpkt")
        if q is not None:
            verdict.append(f"softirq {q:.2f}x nftables ({'met' if q <= 0.5 else 'missed'})")
        print(f"# vosfp {cfg}: " + ", ".join(verdict))


if __name__ == "__main__":
    main()
