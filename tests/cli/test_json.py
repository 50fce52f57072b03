#!/usr/bin/python3
"""Every --json output of the tool through Python's json module: status,
list block/allow/bans, stats, config, test and replay. Each is one object with
"schema": 1, lists are arrays (status's ports are numbers), counts are
numbers, and the text is valid UTF-8 even when an interface name or a file
name holds a byte that is not (\\xff): such a byte comes out as U+FFFD.
usage: test_json.py VOSFP_BINARY MAKE_CAPTURE_PY"""
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

if os.geteuid() != 0:
    print("SKIP: needs root (network namespace, XDP, bpffs)")
    sys.exit(77)
if not shutil.which("nsenter"):
    print("SKIP: no nsenter (util-linux)")
    sys.exit(77)

VOSFP, MAKE_CAPTURE = sys.argv[1], sys.argv[2]
tag = "%d-%d" % (os.getpid(), random.randrange(1 << 30))
ns = "vCj-" + tag
pin = "/sys/fs/bpf/vosfp-tjson-" + tag
# An interface name with a byte that is not UTF-8; the kernel takes it.
dev = b"vCj\xff%d" % random.randrange(10000)
tmp = tempfile.mkdtemp(prefix="vosfp-json.")
fails = 0
env = dict(os.environ, VOSFP_CONFIG="/dev/null")


def check(what, want, got):
    global fails
    if want == got:
        print("ok   " + what)
    else:
        print("FAIL %s: expected %r, got %r" % (what, want, got))
        fails += 1


def vosfp(*args, ok=True):
    # In the test's namespace (nsenter, not ip netns exec: that hides bpffs).
    cmd = [b"nsenter", b"--net=/run/netns/" + ns.encode(), VOSFP.encode(),
           b"--pin-root", pin.encode()]
    cmd += [a if isinstance(a, bytes) else a.encode() for a in args]
    r = subprocess.run(cmd, capture_output=True, env=env, timeout=120)
    if ok and r.returncode != 0:
        raise SystemExit("vosfp %r failed: %s" % (args, r.stderr.decode(errors="replace")))
    return r.stdout


def parsed(what, out):
    """The output as the json module reads it from bytes (strict UTF-8)."""
    global fails
    try:
        doc = json.loads(out.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        print("FAIL %s: not valid UTF-8 JSON: %s: %r" % (what, e, out[:200]))
        fails += 1
        return None
    check(what + ": one object", dict, type(doc))
    check(what + ": schema 1", 1, doc.get("schema") if isinstance(doc, dict) else None)
    return doc


def numbers(what, obj, path=""):
    """Every value that looks like a count is a number, not a string."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            numbers(what, v, path + "." + k)
    elif isinstance(obj, list):
        for v in obj:
            numbers(what, v, path + "[]")
    elif isinstance(obj, str) and obj.isdigit():
        check("%s: %s is a number" % (what, path), "number", "string " + obj)


try:
    subprocess.run(["ip", "netns", "add", ns], check=True)
    subprocess.run([b"nsenter", b"--net=/run/netns/" + ns.encode(), b"ip", b"link", b"add",
                    dev, b"type", b"veth", b"peer", b"name", b"vCjp" + dev[4:]], check=True)
    subprocess.run([b"nsenter", b"--net=/run/netns/" + ns.encode(), b"ip", b"link", b"set",
                    dev, b"up"], check=True)
    vosfp("attach", dev, "--mode", "generic")
    vosfp("ports", "5060,5080")
    vosfp("block", "192.0.2.0/24", "--ttl", "1h")
    vosfp("allow", "2001:db8::/32")
    vosfp("ban", "198.51.100.7")

    doc = parsed("status", vosfp("status", "--json"))
    if doc:
        numbers("status", doc)
        check("status: ports is an array of numbers", [5060, 5080], doc.get("ports"))
        names = [a.get("interface") for a in doc.get("attachments", [])]
        want = dev.decode("utf-8", errors="replace")
        check("status: the interface's bad byte is U+FFFD", [want], names)
        check("status: program_id is a number", True,
              all(isinstance(a.get("program_id"), int) for a in doc["attachments"]))
    for lst in ("block", "allow"):
        doc = parsed("list " + lst, vosfp("list", lst, "--json"))
        if doc:
            numbers("list " + lst, doc)
            check("list %s: prefixes is an array" % lst, list, type(doc.get("prefixes")))
            check("list %s: one entry" % lst, 1, len(doc.get("prefixes", [])))
    doc = parsed("list bans", vosfp("list", "bans", "--json"))
    if doc:
        numbers("list bans", doc)
        check("list bans: the ban", ["198.51.100.7"], [b["address"] for b in doc["bans"]])
        check("list bans: ttl_left is a number", int, type(doc["bans"][0]["ttl_left"]))
    doc = parsed("stats", vosfp("stats", "--json"))
    if doc:
        numbers("stats", doc)
        check("stats: counters is an object of numbers", True,
              all(isinstance(c["packets"], int) for c in doc["counters"].values()))
    doc = parsed("config", vosfp("config", "--json"))
    if doc:
        check("config: every key", True,
              {"ports", "ban_ttl", "autoban", "stealth_methods"} <= set(doc["config"]))
        cfg = doc["config"]
        check("config: the ports set, as numbers", [5060, 5080], cfg["ports"])
        check("config: ban_ttl is a number", 3600, cfg["ban_ttl"])
        check("config: rate_limit is a number", 0, cfg["rate_limit"])
        check("config: autoban on is true", True, cfg["autoban"])
        check("config: trusted_only off is false", False, cfg["trusted_only"])
        check("config: stealth_methods is an array", ["OPTIONS"], cfg["stealth_methods"])
    doc = parsed("test ADDRESS", vosfp("test", "198.51.100.7", "--json"))
    if doc:
        numbers("test ADDRESS", doc)
        check("test ADDRESS: the ban, by hand", "manual", doc["ban"]["table"])
        check("test ADDRESS: ttl_left is a number", int, type(doc["ban"]["ttl_left"]))
        check("test ADDRESS: rate tokens is a number", int, type(doc["rate"]["tokens"]))
    sip = os.path.join(tmp, "options.sip")
    with open(sip, "wb") as f:
        f.write(b"OPTIONS sip:1@x SIP/2.0\r\nVia: SIP/2.0/UDP h\r\nCSeq: 1 OPTIONS\r\n\r\n")
    doc = parsed("test --sip", vosfp("test", "--sip", sip, "--from", "203.0.113.77", "--json"))
    if doc:
        numbers("test --sip", doc)
        check("test --sip: the verdict and reason", ("drop", "stealth"),
              (doc.get("verdict"), doc.get("reason")))
        check("test --sip: bytes is a number", int, type(doc.get("bytes")))
    # A capture whose file name is not UTF-8.
    cap = os.path.join(tmp.encode(), b"cap\xfe\xff.pcap")
    subprocess.run([sys.executable, MAKE_CAPTURE, cap, "pcap"], check=True)
    doc = parsed("replay", vosfp("replay", cap, "--json"))
    if doc:
        numbers("replay", doc)
        check("replay: the file name, bad bytes as U+FFFD",
              cap.decode("utf-8", errors="replace"), doc.get("file"))
        check("replay: packets is a number", 15, doc.get("packets"))
finally:
    subprocess.run([b"nsenter", b"--net=/run/netns/" + ns.encode(), VOSFP.encode(),
                    b"--pin-root", pin.encode(), b"detach", dev], capture_output=True, env=env)
    subprocess.run(["ip", "netns", "del", ns], capture_output=True)
    shutil.rmtree(pin, ignore_errors=True)
    shutil.rmtree(tmp, ignore_errors=True)
print("json: %d failed" % fails)
sys.exit(1 if fails else 0)
