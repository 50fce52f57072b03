#!/usr/bin/env bash
# Builds the libFuzzer target with clang (ASan + UBSan) and runs it for a
# bounded time, seeded with the SIP corpus. A crash prints the input (in
# base64) and fails the test. Misaligned loads are reported too: the host
# build of the parsers reads headers through types that may sit anywhere
# (bpf/parse_headers.h), as a frame puts them.
# usage: run_fuzz.sh SOURCE_DIR SECONDS [BUILD_DIR]
# (BUILD_DIR: where meson generated include/vosfp/version.h; default build/)
set -euo pipefail
. "$(dirname "$0")/../lib.sh" # skip
src=$(cd "$1" && pwd) seconds=${2:-30}
build=$(cd "${3:-$src/build}" && pwd)
command -v clang >/dev/null || skip "no clang"
tmp=$(mktemp -d /tmp/vosfp-fuzz.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
multiarch=$(gcc -print-multiarch 2>/dev/null || true)
if ! clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-Wno-unknown-pragmas -I"$src/include" -I"$build/include" -I"$src/bpf" \
	-I"$src/tests/reference" \
	${multiarch:+-idirafter /usr/include/$multiarch} \
	"$src/tests/fuzz/fuzz_sip.c" "$src/tests/reference/reference.c" -o "$tmp/fuzz_sip" \
	2>"$tmp/build.log"; then
	if grep -q "libclang_rt.fuzzer\|cannot find.*fuzzer" "$tmp/build.log"; then
		skip "clang's libFuzzer runtime is missing (apt-get install libclang-rt-14-dev)"
	fi
	cat "$tmp/build.log"; exit 1
fi
mkdir -p "$tmp/corpus"
seeds=()
[ -d "$src/tests/corpus" ] && seeds+=("$src/tests/corpus")
"$tmp/fuzz_sip" -artifact_prefix="$tmp/" -max_total_time="$seconds" -max_len=3000 -timeout=10 -print_final_stats=1 \
	"$tmp/corpus" "${seeds[@]}" 2>&1 | tail -15
