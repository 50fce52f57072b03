#!/usr/bin/env python3
"""One line of progress per run, from its key=value line on stdin."""
import sys

r = dict(w.split("=", 1) for w in sys.stdin.read().split())
line = (f"{r['config']:9s} junk {int(r['junk_offered']):>9d} @ {int(r['junk_offered_pps']):>6d} pps"
        f"  legit ok {r['legit_ok']}/{r['legit_calls']}"
        f"  p50/p95/p99 {r['rt_p50_ms']}/{r['rt_p95_ms']}/{r['rt_p99_ms']} ms"
        f"  junk req at kamailio {r['kam_junk_rcv']}"
        f"  kamailio cpu {r['kam_cpu_s']} s  softirq {r['softirq_s']} s")
if r.get("spoof") == "1" and int(r["junk_offered"]):
    # the spoofed flood's figure: softirq per million junk packets (gross:
    # the baseline's share is taken off in the CSV, after every run)
    line += (f" ({float(r['softirq_s']) / (int(r['junk_offered']) / 1e6):.2f} s/Mpkt)"
             f"  veth dropped {r['junk_veth_dropped']}")
print(line, flush=True)
