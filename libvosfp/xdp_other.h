/* SPDX-License-Identifier: BSD-2-Clause */
/* Another XDP program on an interface (xdp_other.c). */
#ifndef VOSFP_XDP_OTHER_H
#define VOSFP_XDP_OTHER_H

#include <stdbool.h>
#include <stdint.h>

struct vosfp;

/* The program name libxdp gives its dispatcher. */
#define VOSFP_XDP_DISPATCHER "xdp_dispatcher"

struct vosfp_xdp_other {
	uint32_t id;      /* 0: no XDP program on the interface */
	char name[16];    /* the kernel's program name ("" if unreadable) */
	const char *mode; /* "native", "generic" or "offloaded" */
	bool dispatcher;  /* libxdp's dispatcher */
};

/* The XDP program on ifindex in this namespace, if any; 0 or -errno. */
int vosfp__xdp_other(uint32_t ifindex, struct vosfp_xdp_other *o);

/* 0 if ifindex has no XDP program (or, for multiprog, libxdp's
 * dispatcher), else a recorded -EBUSY naming it and the operator's
 * choices. */
int vosfp__xdp_check_free(struct vosfp *h, const char *ifname, uint32_t ifindex,
			  bool multiprog);

#endif /* VOSFP_XDP_OTHER_H */
