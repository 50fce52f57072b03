#!/usr/bin/env python3
"""What the legitimate SIPp clients saw in one run of the attack benchmark.

Reads the three client directories (opt, reg, call) that legit.sh filled and
prints key=value pairs for the CSV row:
  legit_calls legit_ok legit_failed     SIPp's own call counters
  legit_sent_opt legit_sent_unknown     requests sent, from -trace_counts
  rt_samples rt_p50_ms rt_p95_ms rt_p99_ms
Response times come from SIPp's message trace (-trace_msg), whose
timestamps have microsecond resolution (SIPp's own response-time statistics
count whole milliseconds, too coarse on a veth): for every request sent, the
time until the final response with the same Call-ID and CSeq arrived. A
request that got no final response is not a sample; it is a failed call.

usage: summarize.py LEGIT_DIR
"""
import csv
import glob
import os
import re
import sys
from datetime import datetime

BLOCK = re.compile(r"^-{20,} (\S+ \S+)$", re.M)


def stats(dirname):
    rows = list(csv.reader(open(os.path.join(dirname, "stats.csv")), delimiter=";"))
    head, last = rows[0], rows[-1]
    get = lambda k: int(last[head.index(k)])
    return get("OutgoingCall(C)"), get("SuccessfulCall(C)"), get("FailedCall(C)")


def sent(dirname):
    """Requests sent: the *_Sent columns of the last -trace_counts row."""
    path = glob.glob(os.path.join(dirname, "*_counts.csv"))[0]
    rows = [r for r in csv.reader(open(path), delimiter=";") if r]
    head, last = rows[0], rows[-1]
    return sum(int(v) for k, v in zip(head, last) if k.endswith("_Sent"))


def response_times(dirname):
    """Seconds from each request to its final response."""
    path = glob.glob(os.path.join(dirname, "*_messages.log"))[0]
    text = open(path, errors="replace").read()
    marks = list(BLOCK.finditer(text))
    pending, out = {}, []
    for i, m in enumerate(marks):
        body = text[m.end():marks[i + 1].start() if i + 1 < len(marks) else len(text)]
        t = datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S.%f").timestamp()
        lines = body.strip("\n").split("\n")
        direction = lines[0]
        first = lines[2] if len(lines) > 2 else ""
        hdr = {}
        for line in lines[3:]:
            if ":" in line:
                k, v = line.split(":", 1)
                hdr.setdefault(k.strip().lower(), v.strip())
        key = (hdr.get("call-id"), hdr.get("cseq"))
        if direction.startswith("UDP message sent") and not first.startswith("SIP/2.0"):
            if not first.startswith("ACK"):
                pending[key] = t
        elif direction.startswith("UDP message received") and first.startswith("SIP/2.0"):
            code = int(first.split()[1])
            if code >= 200 and key in pending:
                out.append(t - pending.pop(key))
    return out


def percentile(values, p):
    """Nearest-rank percentile."""
    if not values:
        return float("nan")
    v = sorted(values)
    k = max(0, min(len(v) - 1, int(-(-p * len(v) // 100)) - 1))
    return v[k]


def main():
    base = sys.argv[1]
    calls = ok = failed = 0
    times = []
    sent_by = {}
    for name in ("opt", "reg", "call"):
        d = os.path.join(base, name)
        c, s, f = stats(d)
        calls, ok, failed = calls + c, ok + s, failed + f
        sent_by[name] = sent(d)
        times += response_times(d)
    ms = [t * 1000 for t in times]
    print(f"legit_calls={calls} legit_ok={ok} legit_failed={failed}",
          f"legit_sent_opt={sent_by['opt']}",
          f"legit_sent_unknown={sent_by['reg'] + sent_by['call']}",
          f"rt_samples={len(ms)}",
          " ".join(f"rt_p{p}_ms={percentile(ms, p):.3f}" for p in (50, 95, 99)))


if __name__ == "__main__":
    main()
