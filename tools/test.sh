#!/usr/bin/env bash
# Install what the tests need (Debian 12), build, and run every test; then
# build again with AddressSanitizer and UndefinedBehaviorSanitizer and run the
# tests of the library's and the tool's own code under them.
# usage: sudo bash tools/test.sh [BUILD_DIR]      (default: build; the
#        sanitizer build goes to BUILD_DIR-sanitize)
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/deps.sh
build=${1:-build}
sanitize=$build-sanitize

# shellcheck disable=SC2086
vosfp_install_deps $VOSFP_VM_DEPS
# A warning is a finding: CI builds with -Werror so that none creeps in.
vosfp_build "$build" -Dwerror=true
# The kernels the guest tests boot (tests/kernel/): Debian 12's own, and
# Debian 11's (5.10, the oldest kernel the project aims at). Without the
# latter, its test says so and is skipped; Debian 12's is required.
vosfp_fetch_guest_kernel "$build" debian12
vosfp_fetch_guest_kernel "$build" debian11 bullseye || true
vosfp_mount_bpffs

# A closing line any CI can read, from meson's own log (testlog-SETUP.json
# under a test setup other than the default).
# usage: summary LOG LABEL
summary() {
	python3 - "$1" "$2" <<'PY'
import json, sys
counts = {"OK": 0, "FAIL": 0, "SKIP": 0, "TIMEOUT": 0, "ERROR": 0, "EXPECTEDFAIL": 0, "UNEXPECTEDPASS": 0}
for line in open(sys.argv[1]):
    r = json.loads(line)["result"]
    counts[r] = counts.get(r, 0) + 1
failed = counts["FAIL"] + counts["TIMEOUT"] + counts["ERROR"] + counts["UNEXPECTEDPASS"]
passed = counts["OK"] + counts["EXPECTEDFAIL"]
print(f"{sys.argv[2]}: {passed} passed, {failed} failed, {counts['SKIP']} skipped")
PY
}

status=0
meson test -C "$build" --print-errorlogs --num-processes 2 || status=$?
summary "$build/meson-logs/testlog.json" meson

# The sanitizer job: the unit, API, program, corpus and policy tests (the
# e2e, fleet, fuzz and guest tests drive the same code through the tool and
# would cost most of CI's time again; the fuzzers have sanitizers of their
# own). Its test setup
# (tests/meson.build) sets the sanitizers' options; --no-suite leaves out the
# tests that cannot run under ASan (the reason is where each is declared):
# a --suite named on the command line would override the setup's exclusion. -Db_lundef=false: a
# sanitized shared library leaves the runtime's symbols to the executable.
vosfp_build "$sanitize" -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false
meson test -C "$sanitize" --setup sanitize --print-errorlogs --num-processes 2 \
	--suite unit --suite api --suite program --suite corpus --suite policy \
	--no-suite no-sanitize || status=$?
summary "$sanitize/meson-logs/testlog-sanitize.json" "meson (ASan, UBSan)"
exit $status
