// SPDX-License-Identifier: BSD-2-Clause
/*
 * The TC egress program that learns verified sources from the server's
 * responses (bpf/egress.h): loaded with the XDP program, put on the clsact
 * egress hook of every interface the XDP program is attached to, and run
 * on crafted frames by vosfp_test_egress().
 *
 * The filter goes in by netlink (bpf_tc_attach, works from Linux 5.10
 * without tcx) under a fixed handle and priority, so that detach removes
 * exactly ours and leaves any other filter and the clsact qdisc in place
 * (another program may use the qdisc). A netlink filter persists with the
 * interface like the XDP link's pin does with the pin root.
 */
#include <errno.h>
#include <linux/pkt_cls.h>
#include <net/if.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "internal.h"
#include "vosfp.skel.h"

/* "VS" in the low half of a TC handle; priority 1 is the first filter. */
#define EGRESS_HANDLE 0x5653
#define EGRESS_PRIO 1

int vosfp__egress_prog_fd(struct vosfp *h)
{
	int fd = vosfp__prog_fd(h);

	if (fd < 0)
		return fd;
	fd = bpf_program__fd(h->prog_skel->progs.vosfp_egress);
	return fd < 0 ? vosfp__fail(h, -ENOENT, "the egress program is not loaded") : fd;
}

int vosfp__egress_attach(struct vosfp *h, const char *ifname, int ifindex)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = BPF_TC_EGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = EGRESS_HANDLE, .priority = EGRESS_PRIO,
		    .flags = BPF_TC_F_REPLACE);
	int fd = vosfp__egress_prog_fd(h), err, hook_err;

	if (fd < 0)
		return fd;
	opts.prog_fd = fd;
	/* -EEXIST: the clsact qdisc is there already (ours or another's). */
	hook_err = bpf_tc_hook_create(&hook);
	if (hook_err && hook_err != -EEXIST)
		return vosfp__fail(h, hook_err, "%s: cannot add the clsact qdisc for the egress "
				   "program: %s", ifname, strerror(-hook_err));
	err = bpf_tc_attach(&hook, &opts);
	if (err) {
		/* Leave no qdisc of ours behind (both hooks: the qdisc itself). */
		if (!hook_err) { /* we made the qdisc */
			hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
			bpf_tc_hook_destroy(&hook);
		}
		return vosfp__fail(h, err, "%s: cannot attach the egress program: %s", ifname,
				   strerror(-err));
	}
	return 0;
}

int vosfp__egress_detach(struct vosfp *h, const char *ifname)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .attach_point = BPF_TC_EGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = EGRESS_HANDLE, .priority = EGRESS_PRIO);
	int err;

	hook.ifindex = (int)if_nametoindex(ifname);
	if (!hook.ifindex)
		return 0; /* interface gone: so is its filter */
	err = bpf_tc_detach(&hook, &opts);
	/* -ENOENT: never attached (an attachment made before 0.2), or gone. */
	if (err && err != -ENOENT && err != -EINVAL)
		return vosfp__fail(h, err, "%s: cannot detach the egress program: %s", ifname,
				   strerror(-err));
	return 0;
}

VOSFP_API int vosfp_test_egress(struct vosfp *h, const void *frame, size_t len, int *verdict)
{
	uint32_t ret;
	int err = vosfp__test_run(h, "vosfp_test_egress", vosfp__egress_prog_fd, frame, len,
				  verdict ? &ret : NULL);

	if (err)
		return err;
	*verdict = (int)ret;
	return vosfp__ok(h);
}
