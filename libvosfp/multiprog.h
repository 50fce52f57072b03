/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Attachments through libxdp's dispatcher (multiprog.c): vosfp's program
 * becomes one component of the dispatcher on the interface, next to other
 * libxdp programs. libxdp pins the dispatcher and its components under its
 * own bpffs directory; the pin root keeps vosfp's component program as
 * "mprog_<ifname>:<netns>:<ifindex>" to find it again.
 */
#ifndef VOSFP_MULTIPROG_H
#define VOSFP_MULTIPROG_H

#include <stdbool.h>
#include <stdint.h>

struct vosfp;

#define VOSFP_MPROG_PREFIX "mprog_"

/* Attach h's program to ifindex through the dispatcher and pin it at path;
 * *got receives the mode. 0 or a recorded negative errno; on failure
 * nothing of vosfp is in the dispatcher. */
int vosfp__mprog_attach(struct vosfp *h, const char *ifname, uint32_t ifindex, int mode,
			const char *path, int *got);

/* Remove program prog_id (only it) from ifindex's dispatcher. */
int vosfp__mprog_detach(struct vosfp *h, const char *ifname, uint32_t ifindex, uint32_t prog_id);

/* Is prog_id a component of the dispatcher on ifindex (this namespace)?
 * *mode (may be NULL) receives the dispatcher's vosfp mode. */
bool vosfp__mprog_has(uint32_t ifindex, uint32_t prog_id, int *mode);

/* Does any bpf_link (libxdp's freplace link) run prog_id? Its dispatcher
 * may be on an interface of another namespace. */
bool vosfp__mprog_linked(uint32_t prog_id);

#endif /* VOSFP_MULTIPROG_H */
