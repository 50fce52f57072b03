#!/usr/bin/env bash
# The Go binding's tests against the library as a consumer gets it: the
# build is installed into a scratch prefix and cgo finds it through
# pkg-config only; go vet and staticcheck are clean, and so is the example
# that imports it by its module path. As root the kernel tests run in a network namespace the
# test binary makes for itself (see main_test.go).
# usage: run_tests.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$(realpath "$1") build=$2

command -v go >/dev/null || { echo "SKIP: no Go toolchain (apt-get install golang-go)"; exit 77; }
command -v pkg-config >/dev/null || { echo "SKIP: no pkg-config"; exit 77; }

tmp=$(mktemp -d /tmp/vosfp-go.XXXXXX)
# The tests put their pin roots under this prefix; the trap removes them
# even if the test binary was killed before its own cleanup ran.
export VOSFP_TEST_PIN_ROOT=/sys/fs/bpf/vosfp-go-$$-$RANDOM
cleanup() {
	rm -rf "$tmp" "$VOSFP_TEST_PIN_ROOT"-*
	return 0
}
trap cleanup EXIT

meson install -C "$build" --destdir "$tmp/root" --no-rebuild --quiet >/dev/null
pc=$(find "$tmp/root" -name libvosfp.pc | head -n1)
[ -n "$pc" ] || { echo "FAIL: libvosfp.pc not installed"; exit 1; }
# The .pc names the final prefix; the sysroot maps it into the scratch dir.
export PKG_CONFIG_PATH=$(dirname "$pc") PKG_CONFIG_SYSROOT_DIR=$tmp/root
export LD_LIBRARY_PATH=$(dirname "$(find "$tmp/root" -name libvosfp.so.0 | head -n1)")
# Standard library only, no network; the caches live in the scratch dir so
# that this works with HOME unset (CI as root) and leaves nothing behind.
export GOCACHE=$tmp/gocache GOPATH=$tmp/gopath GOPROXY=off GOENV=off GOFLAGS= CGO_ENABLED=1

[ "$(id -u)" = 0 ] || echo "note: not root: the kernel tests skip, the rest runs"
cd "$src/bindings/go"
unformatted=$(gofmt -l .)
[ -z "$unformatted" ] || { echo "FAIL: gofmt -l: $unformatted"; exit 1; }
# The module path is this repository's path plus the module's directory,
# which is what lets `go get` find a module in a subdirectory.
modpath=$(go list -m)
[ "${modpath%/bindings/go}" != "$modpath" ] ||
	{ echo "FAIL: module path $modpath does not end in /bindings/go, its directory"; exit 1; }
staticcheck=$(command -v staticcheck || command -v go-staticcheck || true)
[ -n "$staticcheck" ] || { echo "FAIL: no staticcheck (apt-get install go-staticcheck)"; exit 1; }
go vet ./...
"$staticcheck" ./...
echo "ok   $modpath: gofmt, go vet and staticcheck are clean"
# The example: a module of its own that reaches the binding by that path.
(cd "$src/examples/go" &&
	unformatted=$(gofmt -l .) && [ -z "$unformatted" ] &&
	go vet ./... && "$staticcheck" ./... && go build -o "$tmp/embed" .) ||
	{ echo "FAIL: examples/go does not build clean against $modpath"; exit 1; }
echo "ok   examples/go builds against $modpath"
go test -count=1 -v ./...
