#!/usr/bin/env bash
# Install what the demo needs (Debian 12), build, and run the self-contained
# demo: a SIP server and clients in network namespaces of its own, with vosfp
# in front of the server.
# usage: sudo bash tools/demo.sh [BUILD_DIR]      (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/deps.sh
build=${1:-build}

vosfp_install_deps
vosfp_build "$build"
vosfp_mount_bpffs
exec examples/demo/run.sh "$build"
