// SPDX-License-Identifier: BSD-2-Clause
/*
 * Another XDP program on an interface: named, so that the operator can
 * choose between removing it and sharing the interface through libxdp's
 * dispatcher. The kernel's EBUSY alone says neither which program nor how.
 */
#include <errno.h>
#include <linux/if_link.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "internal.h"
#include "xdp_other.h"

static const char *mode_of(const struct bpf_xdp_query_opts *q, uint32_t id)
{
	if (id == q->drv_prog_id)
		return "native";
	if (id == q->skb_prog_id)
		return "generic";
	return "offloaded";
}

int vosfp__xdp_other(uint32_t ifindex, struct vosfp_xdp_other *o)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	int fd;

	memset(o, 0, sizeof(*o));
	if (bpf_xdp_query((int)ifindex, 0, &q))
		return -errno;
	o->id = q.drv_prog_id ? q.drv_prog_id : q.skb_prog_id ? q.skb_prog_id : q.hw_prog_id;
	if (!o->id)
		return 0;
	o->mode = mode_of(&q, o->id);
	fd = bpf_prog_get_fd_by_id(o->id);
	if (fd >= 0) {
		if (!bpf_obj_get_info_by_fd(fd, &info, &len))
			snprintf(o->name, sizeof(o->name), "%s", info.name);
		close(fd);
	}
	o->dispatcher = !strcmp(o->name, VOSFP_XDP_DISPATCHER);
	return 0;
}

int vosfp__xdp_check_free(struct vosfp *h, const char *ifname, uint32_t ifindex,
			  bool multiprog)
{
	struct vosfp_xdp_other o;

	if (vosfp__xdp_other(ifindex, &o) || !o.id)
		return 0; /* the kernel's answer to the attach decides */
	if (multiprog && o.dispatcher)
		return 0; /* what --multiprog is for */
	if (multiprog)
		return vosfp__fail(h, -EBUSY, "%s: another XDP program is attached: program %u "
				   "\"%s\" (%s mode), which is not libxdp's dispatcher, so libxdp "
				   "cannot add vosfp next to it. Detach it first (`ip link set dev "
				   "%s xdp off`, or stop the program that holds its link), or load "
				   "it through libxdp too (xdp-loader; where the kernel cannot run "
				   "the dispatcher, libxdp attaches programs alone)", ifname, o.id,
				   o.name[0] ? o.name : "?", o.mode, ifname);
	if (o.dispatcher)
		return vosfp__fail(h, -EBUSY, "%s: another XDP program is attached: libxdp's "
				   "dispatcher (program %u \"%s\", %s mode), which runs programs "
				   "such as xdp-filter (`xdp-loader status %s` lists them). Attach "
				   "next to them with `vosfp attach --multiprog %s`, or unload them "
				   "(`xdp-loader unload --all %s`) first", ifname, o.id, o.name,
				   o.mode, ifname, ifname, ifname);
	return vosfp__fail(h, -EBUSY, "%s: another XDP program is attached: program %u \"%s\" "
			   "(%s mode; `bpftool net show dev %s`). Detach it first (`ip link set "
			   "dev %s xdp off`, or stop the program that holds its link), or, if it "
			   "can be loaded through libxdp, load both that way (`vosfp attach "
			   "--multiprog %s`)", ifname, o.id, o.name[0] ? o.name : "?", o.mode,
			   ifname, ifname, ifname);
}
