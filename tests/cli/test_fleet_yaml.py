#!/usr/bin/env python3
"""The fleet example's manifests parse, and the DaemonSet holds what the pin
root needs: every container that mounts the node's bpffs mounts it with
mountPropagation Bidirectional (and is privileged, which Bidirectional
requires); the init container runs the script the Containerfile installs;
the exporter's port is declared and probed on /metrics.

usage: test_fleet_yaml.py FLEET_DIR
"""
import re
import sys

try:
    import yaml
except ImportError:
    print("SKIP: no python3-yaml (apt-get install python3-yaml)")
    sys.exit(77)

fleet = sys.argv[1]
fails = 0


def check(what, expected, got):
    global fails
    if expected == got:
        print(f"ok   {what}")
    else:
        print(f"FAIL {what}: expected {expected!r}, got {got!r}")
        fails += 1


with open(f"{fleet}/configmap.yaml") as f:
    check("configmap.yaml is one ConfigMap", ["ConfigMap"],
          [d["kind"] for d in yaml.safe_load_all(f)])
with open(f"{fleet}/daemonset.yaml") as f:
    docs = list(yaml.safe_load_all(f))
check("daemonset.yaml is one DaemonSet", ["DaemonSet"], [d["kind"] for d in docs])
pod = docs[0]["spec"]["template"]["spec"]
volumes = {v["name"]: v for v in pod["volumes"]}
bpffs = [n for n, v in volumes.items() if v.get("hostPath", {}).get("path") == "/sys/fs/bpf"]
check("one hostPath volume of the node's /sys/fs/bpf", 1, len(bpffs))
containers = pod.get("initContainers", []) + pod["containers"]
images = {c["image"] for c in containers}
check("every container runs the same image", 1, len(images))
for c in containers:
    mounts = [m for m in c.get("volumeMounts", []) if m["name"] in bpffs]
    check(f"{c['name']}: mounts bpffs on /sys/fs/bpf", ["/sys/fs/bpf"],
          [m["mountPath"] for m in mounts])
    check(f"{c['name']}: with mountPropagation Bidirectional", ["Bidirectional"],
          [m.get("mountPropagation") for m in mounts])
    check(f"{c['name']}: privileged", True,
          c.get("securityContext", {}).get("privileged"))

with open(f"{fleet}/Containerfile") as f:
    containerfile = f.read()
init = pod["initContainers"][0]
check("the init container runs vosfp-init", ["/usr/local/sbin/vosfp-init"], init["command"])
check("the Containerfile installs init.sh as that command", 1,
      len(re.findall(r"examples/fleet/init\.sh \S*/usr/local/sbin/vosfp-init\b",
                     containerfile)))
check("the Containerfile starts from Debian 12", True,
      bool(re.search(r"^FROM \S*debian:12\b", containerfile, re.M)))

exporters = [c for c in containers if "exporter" in c.get("command", [])]
check("one exporter container", 1, len(exporters))
if len(exporters) != 1:
    print(f"fleet-yaml: {fails} failed")
    sys.exit(1)
exp = exporters[0]
cmd = exp["command"]
listen = cmd[cmd.index("--listen") + 1]
port = int(listen.rsplit(":", 1)[1])
ports = {p["name"]: p["containerPort"] for p in exp.get("ports", [])}
check("the exporter's --listen port is declared", [port], list(ports.values()))
for probe in ("readinessProbe", "livenessProbe"):
    get = exp.get(probe, {}).get("httpGet", {})
    check(f"{probe} is an HTTP GET of /metrics", "/metrics", get.get("path"))
    check(f"{probe} is on the exporter's port", port, ports.get(get.get("port"), get.get("port")))
check("the exporter listens on the node's address, not on all", "$(NODE_IP)",
      listen.rsplit(":", 1)[0])

print(f"fleet-yaml: {fails} failed")
sys.exit(1 if fails else 0)
