#!/usr/bin/env python3
"""Every test carries one of the suites that say what it needs (tests/README.md),
so that `meson test --suite unit` really is every test that needs nothing, and
tools/test.sh's sanitizer job picks its tests by suite.
usage: check_suites.py BUILD_DIR"""
import json
import subprocess
import sys

KINDS = {"unit", "root", "e2e", "kernel", "slow"}

out = subprocess.run(["meson", "introspect", "--tests", sys.argv[1]],
                     check=True, capture_output=True, text=True).stdout
tests = json.loads(out)
bad = []
for t in tests:
    # meson names a suite "project:label"; the bare label is what --suite takes.
    labels = {s.split(":", 1)[-1] for s in t["suite"]}
    if not labels & KINDS:
        bad.append(t["name"])
print(f"{len(tests)} tests, {len(bad)} without a suite of {sorted(KINDS)}")
for name in bad:
    print(f"FAIL {name}: add suite: [...] to its test() (tests/README.md)")
sys.exit(1 if bad or not tests else 0)
