#!/usr/bin/python3
"""The Grafana dashboard queries only what the exporter serves.

The dashboard must be valid JSON with panels that each carry queries, and
every metric it names, every label it matches, groups by or shows in a
legend, and every label value it matches exactly, must appear in
`vosfp stats --prometheus` (what `vosfp exporter` serves) from a real pin
root, with the filter attached to a veth in a namespace made here so that
the per-interface series exist. A renamed metric or label then fails here
instead of leaving an empty panel in front of an operator.

usage: test_grafana.py VOSFP_BINARY DASHBOARD_JSON
"""
import json
import os
import random
import re
import shutil
import subprocess
import sys

vosfp, dashboard = sys.argv[1], sys.argv[2]
fails = 0
# Labels Prometheus adds when it scrapes, not the exporter.
SCRAPE_LABELS = {"instance", "job"}


def check(what, ok, detail=""):
    global fails
    print(("ok   " if ok else "FAIL ") + what + ("" if ok else ": " + detail))
    fails += not ok


def panels_of(d):
    """Every panel, rows' nested panels included."""
    for p in d.get("panels", []):
        yield p
        yield from p.get("panels", [])


# --- the JSON is a dashboard -------------------------------------------------
with open(dashboard) as f:
    try:
        dash = json.load(f)
    except json.JSONDecodeError as e:
        check("the dashboard is valid JSON", False, str(e))
        sys.exit(1)
check("the dashboard is a JSON object with a title", isinstance(dash, dict) and
      bool(dash.get("title")))
check("it has a uid and a schemaVersion", bool(dash.get("uid")) and
      isinstance(dash.get("schemaVersion"), int))
panels = [p for p in panels_of(dash) if p.get("type") != "row"]
check("it has panels", len(panels) > 0)
exprs = []   # (panel title, expr, legendFormat)
for p in panels:
    targets = p.get("targets") or []
    good = all(t.get("refId") and t.get("expr") for t in targets)
    check(f"panel {p.get('title')!r} has a type, a place and queries",
          bool(p.get("type")) and bool(p.get("gridPos")) and len(targets) > 0 and good,
          json.dumps(p)[:200])
    exprs += [(p.get("title"), t.get("expr", ""), t.get("legendFormat", "")) for t in targets]
for v in dash.get("templating", {}).get("list", []):
    q = v.get("query")
    q = q.get("query", "") if isinstance(q, dict) else q or ""
    if v.get("type") == "query":
        exprs.append((f"variable {v.get('name')}", q, ""))

# --- the metrics a real pin root serves --------------------------------------
if os.geteuid() != 0:
    print("SKIP: needs root (the program is loaded and attached to a veth)")
    sys.exit(77)
if shutil.which("ip") is None or shutil.which("nsenter") is None:
    print("SKIP: needs ip (iproute2) and nsenter (util-linux)")
    sys.exit(77)

tag = f"{os.getpid() % 100000}{random.randrange(1000)}"
ns, ifname = f"vPkg{tag}", f"vPg{tag}"[:15]
pin = f"/sys/fs/bpf/vosfp-pkg-graf-{tag}"
text = ""
try:
    subprocess.run(["ip", "netns", "add", ns], check=True)
    subprocess.run(["ip", "-n", ns, "link", "add", ifname, "type", "veth", "peer", "name",
                    ifname[:13] + "p"], check=True)
    subprocess.run(["ip", "-n", ns, "link", "set", ifname, "up"], check=True)
    subprocess.run(["ip", "-n", ns, "link", "set", ifname[:13] + "p", "up"], check=True)
    # nsenter, not ip netns exec: that remounts /sys and hides the pins.
    run = ["nsenter", f"--net=/run/netns/{ns}", vosfp, "--pin-root", pin]
    subprocess.run(run + ["attach", ifname], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(run + ["block", "203.0.113.0/24"], check=True, stdout=subprocess.DEVNULL)
    text = subprocess.run(run + ["stats", "--prometheus"], check=True,
                          capture_output=True, text=True).stdout
    subprocess.run(run + ["detach", ifname], stdout=subprocess.DEVNULL)
finally:
    subprocess.run(["ip", "netns", "del", ns], stderr=subprocess.DEVNULL)
    shutil.rmtree(pin, ignore_errors=True)

labels = {}      # metric -> {label: {values}}
for line in text.splitlines():
    m = re.match(r"# TYPE (\S+) ", line)
    if m:
        labels.setdefault(m.group(1), {})
        continue
    m = re.match(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? ", line)
    if m:
        ls = labels.setdefault(m.group(1), {})
        for k, v in re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(3) or ""):
            ls.setdefault(k, set()).add(v)
check("stats --prometheus served metrics", len(labels) > 5, text[:200])
check("and a per-interface series for the veth",
      ifname in labels.get("vosfp_attached", {}).get("interface", set()), text[-400:])

# --- every name the dashboard uses is served ---------------------------------
SELECTOR = re.compile(r"\b(vosfp_[a-zA-Z0-9_]+)\s*(\{([^}]*)\})?")
MATCHER = re.compile(r'(\w+)\s*(=~|!~|!=|=)\s*"([^"]*)"')
GROUPING = re.compile(r"\b(?:by|without)\s*\(([^)]*)\)")
for title, expr, legend in exprs:
    names = []
    for m in SELECTOR.finditer(expr):
        name = m.group(1)
        names.append(name)
        check(f"{title}: {name} is served", name in labels, f"in {expr}")
        for lab, op, val in MATCHER.findall(m.group(3) or ""):
            have = labels.get(name, {})
            check(f"{title}: {name} has label {lab}", lab in have or lab in SCRAPE_LABELS,
                  f"labels served: {sorted(have)}")
            if op == "=" and lab in have:
                check(f"{title}: {name}{{{lab}=\"{val}\"}} is served", val in have[lab],
                      f"values served: {sorted(have[lab])}")
    check(f"{title}: the query names a vosfp metric", len(names) > 0, expr)
    served = set().union(*(labels.get(n, {}).keys() for n in names)) | SCRAPE_LABELS
    grouped = [g.strip() for m in GROUPING.finditer(expr) for g in m.group(1).split(",")]
    for lab in grouped + re.findall(r"\{\{\s*(\w+)\s*\}\}", legend):
        check(f"{title}: label {lab} (grouping or legend) is served", lab in served,
              f"labels of {names}: {sorted(served)}")

print(f"grafana: {fails} failed")
sys.exit(1 if fails else 0)
