#!/bin/sh
# /init of the guest that run_in_vm.sh boots: mounts what the tests need, runs
# each line of /vm-tests ("NAME<TAB>COMMAND"), prints one result line per test
# for the host to read, and powers the guest off. Runs as PID 1 of a VM with
# no network card: nothing it does leaves the guest.
PATH=/bin:/sbin:/usr/sbin:/usr/bin
export PATH
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
# /tmp stays as it is: the initramfs is writable memory already, and a
# build tree under /tmp was copied there.
mount -t bpf -o mode=0700 bpf /sys/fs/bpf
# The API tests make veth pairs and a bridge in namespaces of their own;
# a module after those it needs. sch_ingress (clsact) and cls_bpf carry the
# egress program that attach adds: the guest has no modprobe to load them.
for m in llc stp bridge veth sch_ingress cls_bpf; do
	insmod "/guest-modules/$m.ko" || echo "vosfp-vm: cannot load $m.ko"
done
ip link set lo up
echo "vosfp-vm: kernel $(uname -r)"

tab=$(printf '\t')
while IFS="$tab" read -r name cmd; do
	[ -n "$name" ] || continue
	echo "vosfp-vm: === $name"
	start=$(cut -d' ' -f1 /proc/uptime)
	# Bounded: a test that hangs ends here, and the guest still reports.
	timeout 900 sh -c "$cmd" </dev/null 2>&1
	rc=$?
	end=$(cut -d' ' -f1 /proc/uptime)
	echo "vosfp-vm: result $name $rc $start $end"
done </vm-tests
echo "vosfp-vm: done"
poweroff -f
