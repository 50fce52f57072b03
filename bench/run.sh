#!/usr/bin/env bash
# Runs the benchmarks against a built tree and prints their tables.
# usage: sudo bench/run.sh [BUILD_DIR] [--csv]      (default build dir: build)
set -euo pipefail
build=${1:-build}
shift || true
[ "$(id -u)" = 0 ] || { echo "bench: needs root (BPF_PROG_TEST_RUN)"; exit 1; }
echo "# $(uname -srm), $(nproc) CPUs, $(date -u +%F), commit $(git -C "$(dirname "$0")" rev-parse --short HEAD 2>/dev/null || echo '?')"
"$build/bench/packet_cost" "$build/bpf/vosfp.bpf.o" --rounds 15 --repeat 200000 "$@"
