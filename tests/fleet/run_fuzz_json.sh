#!/usr/bin/env bash
# Builds the fleet decoder's libFuzzer target with clang (ASan + UBSan) and
# runs it for a bounded time, seeded with valid and broken messages. A
# crash prints the input and fails the test.
# usage: run_fuzz_json.sh SOURCE_DIR SECONDS
set -euo pipefail
. "$(dirname "$0")/../lib.sh" # skip
src=$(cd "$1" && pwd) seconds=${2:-30}
command -v clang >/dev/null || skip "no clang"
pkg-config --exists jansson || skip "no jansson (apt-get install libjansson-dev)"
tmp=$(mktemp -d /tmp/vosfp-fuzz-fleet.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
# shellcheck disable=SC2046
if ! clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-I"$src/agent" "$src/tests/fleet/fuzz_event_json.c" "$src/agent/event_json.c" \
	$(pkg-config --cflags --libs jansson) -o "$tmp/fuzz" 2>"$tmp/build.log"; then
	if grep -q "libclang_rt.fuzzer\|cannot find.*fuzzer" "$tmp/build.log"; then
		skip "clang's libFuzzer runtime is missing (apt-get install libclang-rt-14-dev)"
	fi
	cat "$tmp/build.log"; exit 1
fi
mkdir -p "$tmp/corpus"
printf '%s' '{"v":1,"op":"ban","addr":"198.51.100.7","ttl":600,"reason":"scanner","node":"edge-a","id":"edge-a-1","ts":1700000000000}' >"$tmp/corpus/ban"
printf '%s' '{"v":1,"op":"block","addr":"2001:db8::/48","node":"n","id":"x","ts":0}' >"$tmp/corpus/block"
printf '%s' '{"v":1,"op":"unban","addr":"::1","node":"n","id":"x","ts":1,"extra":[{}]}' >"$tmp/corpus/unban"
"$tmp/fuzz" -artifact_prefix="$tmp/" -max_total_time="$seconds" -max_len=2100 -timeout=10 \
	-print_final_stats=1 "$tmp/corpus" 2>&1 | tail -12
