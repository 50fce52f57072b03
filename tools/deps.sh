# Debian 12 packages that building, the demo and the tests need; sourced by
# tools/demo.sh and tools/test.sh so the list lives in one place. systemd:
# its pkg-config file places the units, systemd-analyze verifies them.
# debhelper, dpkg-dev, fakeroot, lintian: tests/packaging builds the .debs.
VOSFP_BUILD_DEPS="clang llvm libclang-rt-14-dev bpftool libbpf-dev libelf-dev zlib1g-dev libpcap-dev libmicrohttpd-dev pkg-config meson ninja-build gcc make libcmocka-dev linux-libc-dev systemd libxdp-dev librabbitmq-dev libjansson-dev libssl-dev libsystemd-dev scdoc bash-completion"
VOSFP_RUN_DEPS="iproute2 ethtool kamailio sip-tester sipvicious util-linux python3 python3-pytest curl golang-go netsniff-ng nftables gnuplot-nox python3-yaml xdp-tools rabbitmq-server kamailio-rabbitmq-modules python3-pika openssl fail2ban man-db go-staticcheck python3-venv python3-setuptools python3-wheel python3-mypy debhelper dpkg-dev fakeroot lintian"
# The tests only: Debian's stock kernels booted in QEMU (tests/kernel/).
VOSFP_VM_DEPS="qemu-system-x86 busybox-static cpio file"

vosfp_install_deps() {
	if [ "$(id -u)" != 0 ]; then
		echo "vosfp: installing packages needs root (run with sudo)" >&2
		return 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $VOSFP_BUILD_DEPS $VOSFP_RUN_DEPS "$@" >/dev/null
}

# A Debian release's stock kernel and the modules the guest tests load (veth;
# bridge and what it needs; clsact and cls_bpf for the egress program), out of
# the package that its linux-image-amd64 points at, into
# BUILD/guest-kernel/NAME: downloaded, not installed, so the machine's own boot
# is left alone. Debian 12's comes through the machine's
# own apt sources; another release's through a private apt configuration
# (under BUILD) that names the machine's own Debian mirror with that release.
# usage: vosfp_fetch_guest_kernel BUILD NAME [RELEASE]   (no RELEASE: the machine's)
vosfp_fetch_guest_kernel() {
	local dest=$1/guest-kernel/$2 release=${3:-} pkg tmp uri aptdir
	local -a apt=()
	if [ -n "$release" ]; then
		uri=$(apt-get indextargets --format '$(REPO_URI) $(RELEASE)' |
			awk '$2 !~ /-/ { print $1; exit }')
		if [ -z "$uri" ]; then
			echo "vosfp: no Debian mirror in the machine's apt sources" >&2
			return 1
		fi
		# Absolute: apt reads relative paths against its own root, not ours.
		aptdir=$(cd "$1" && pwd)/guest-kernel/apt-$release
		mkdir -p "$aptdir/lists/partial" "$aptdir/cache/archives/partial"
		echo "deb $uri $release main" >"$aptdir/sources.list"
		apt=(-o "Dir::Etc::SourceList=$aptdir/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
			-o "Dir::State::Lists=$aptdir/lists" -o "Dir::Cache=$aptdir/cache")
		apt-get "${apt[@]}" update -qq >/dev/null 2>&1 || {
			echo "vosfp: cannot read the package list of Debian $release" >&2
			return 1
		}
	fi
	pkg=$(apt-cache "${apt[@]}" depends linux-image-amd64 |
		sed -n 's/^ *Depends: \(linux-image-[0-9].*\)$/\1/p' | head -n1)
	if [ -z "$pkg" ]; then
		echo "vosfp: cannot tell which kernel package linux-image-amd64 is${release:+ in $release}" >&2
		return 1
	fi
	if [ -f "$dest/$pkg" ]; then
		return 0
	fi
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get "${apt[@]}" download -qq "$pkg" 2>/dev/null) || {
		rm -rf "$tmp"
		echo "vosfp: cannot download $pkg" >&2
		return 1
	}
	rm -rf "$dest"
	mkdir -p "$dest/modules" "$dest/boot"
	# Checked step by step: the caller may run this under "|| true", where
	# errexit is off, and a stamp on a half-unpacked kernel would stay.
	if ! { dpkg-deb --fsys-tarfile "$tmp"/*.deb |
		tar -x -C "$tmp" --wildcards './boot/vmlinuz-*' \
			'./lib/modules/*/kernel/drivers/net/veth.ko' \
			'./lib/modules/*/kernel/net/bridge/bridge.ko' \
			'./lib/modules/*/kernel/net/802/stp.ko' \
			'./lib/modules/*/kernel/net/llc/llc.ko' \
			'./lib/modules/*/kernel/net/sched/sch_ingress.ko' \
			'./lib/modules/*/kernel/net/sched/cls_bpf.ko' &&
		mv "$tmp"/boot/vmlinuz-* "$dest/boot/" &&
		find "$tmp/lib/modules" -name '*.ko' -exec mv {} "$dest/modules/" \; &&
		[ "$(ls "$dest/modules" | wc -l)" = 6 ]; }; then
		rm -rf "$tmp" "$dest"
		echo "vosfp: cannot unpack $pkg" >&2
		return 1
	fi
	rm -rf "$tmp"
	touch "$dest/$pkg"
	echo "vosfp: guest kernel $pkg in $dest"
}

# usage: vosfp_build BUILD [MESON_OPTION...]   (e.g. -Dwerror=true)
vosfp_build() {
	local build=$1
	shift
	if [ -f "$build/build.ninja" ]; then
		meson setup --reconfigure "$build" "$@" >/dev/null
	else
		meson setup "$build" "$@" >/dev/null
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
