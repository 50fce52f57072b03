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

# bpffs on /sys/fs/bpf, where the library pins by default. systemd mounts it at
# boot; a container or a minimal VM may not have it, and then every test that
# opens the library with its default root would fail for want of a mount
# rather than for a bug. The vosfp tool mounts it on first use; this does the
# same once for the tests and the demo.
vosfp_mount_bpffs() {
	if [ "$(stat -f -c %T /sys/fs/bpf 2>/dev/null)" = bpf_fs ]; then
		return 0
	fi
	mkdir -p /sys/fs/bpf
	mount -t bpf -o mode=0700 bpf /sys/fs/bpf
	echo "vosfp: mounted bpffs on /sys/fs/bpf"
}
