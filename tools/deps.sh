# Debian 12 packages that building, the demo and the tests need; sourced by
# tools/demo.sh and tools/test.sh so the list lives in one place.
VOSFP_BUILD_DEPS="clang llvm libclang-rt-14-dev bpftool libbpf-dev libelf-dev zlib1g-dev libpcap-dev libmicrohttpd-dev pkg-config meson ninja-build gcc make libcmocka-dev linux-libc-dev"
VOSFP_RUN_DEPS="iproute2 kamailio sip-tester sipvicious util-linux python3 python3-pytest curl golang-go netsniff-ng nftables gnuplot-nox"

vosfp_install_deps() {
	if [ "$(id -u)" != 0 ]; then
		echo "vosfp: installing packages needs root (run with sudo)" >&2
		return 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $VOSFP_BUILD_DEPS $VOSFP_RUN_DEPS >/dev/null
}

vosfp_build() {
	local build=$1
	if [ -f "$build/build.ninja" ]; then
		meson setup --reconfigure "$build" >/dev/null
	else
		meson setup "$build" >/dev/null
	fi
	ninja -C "$build"
}
