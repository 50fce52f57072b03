#!/usr/bin/env bash
# Install what the tests need (Debian 12), build, and run every test.
# usage: sudo bash tools/test.sh [BUILD_DIR]      (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/deps.sh
build=${1:-build}

# shellcheck disable=SC2086
vosfp_install_deps $VOSFP_VM_DEPS
vosfp_build "$build"
# The kernels the guest tests boot (tests/kernel/): Debian 12's own, and
# Debian 11's (5.10, the oldest kernel the project aims at). Without the
# latter, its test says so and is skipped; Debian 12's is required.
vosfp_fetch_guest_kernel "$build" debian12
vosfp_fetch_guest_kernel "$build" debian11 bullseye || true
vosfp_mount_bpffs

status=0
meson test -C "$build" --print-errorlogs --num-processes 2 || status=$?

# A closing line any CI can read, from meson's own log.
python3 - "$build/meson-logs/testlog.json" <<'PY'
import json, sys
counts = {"OK": 0, "FAIL": 0, "SKIP": 0, "TIMEOUT": 0, "ERROR": 0, "EXPECTEDFAIL": 0, "UNEXPECTEDPASS": 0}
for line in open(sys.argv[1]):
    r = json.loads(line)["result"]
    counts[r] = counts.get(r, 0) + 1
failed = counts["FAIL"] + counts["TIMEOUT"] + counts["ERROR"] + counts["UNEXPECTEDPASS"]
print(f"meson: {counts['OK'] + counts['EXPECTEDFAIL']} passed, {failed} failed, {counts['SKIP']} skipped")
PY
exit $status
