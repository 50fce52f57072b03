#!/usr/bin/env bash
# Runs the benchmarks against a built tree and prints their tables.
# usage: sudo bench/run.sh [BUILD_DIR] [--csv]      (default build dir: build)
#        sudo bench/run.sh [BUILD_DIR] --peers [peers.sh options...]
#   --peers: instead of packet_cost, vosfp side by side with the floor and
#   xdp-filter (bench/peers.sh, which takes the options that follow).
set -euo pipefail
build=build
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
	build=$1
	shift
fi
peers=0
args=()
for a in "$@"; do
	if [ "$a" = --peers ]; then peers=1; else args+=("$a"); fi
done
[ "$(id -u)" = 0 ] || { echo "bench: needs root (BPF_PROG_TEST_RUN)"; exit 1; }
if [ $peers = 1 ]; then
	exec "$(dirname "$0")/peers.sh" "$build" "${args[@]}"
fi
echo "# $(uname -srm), $(nproc) CPUs, $(date -u +%F), commit $(git -C "$(dirname "$0")" rev-parse --short HEAD 2>/dev/null || echo '?')"
"$build/bench/packet_cost" "$build/bpf/vosfp.bpf.o" --rounds 15 --repeat 200000 "${args[@]}"
