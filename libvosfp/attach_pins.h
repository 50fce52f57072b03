/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The pinned attachments of a pin root and where their interfaces are now.
 *
 * An interface name says nothing once interfaces move between network
 * namespaces: a pin is named after the interface it was made for AND the
 * network namespace (its inode) and ifindex that interface had then,
 * "link_<ifname>:<netns>:<ifindex>" (':' cannot occur in an interface name).
 * Pins of the first layout, "link_<ifname>", carry no namespace; they are
 * read as such and renamed to the new layout by the first attach or detach
 * that can prove where their interface is. Attachments through libxdp's
 * dispatcher pin vosfp's component program instead of a link, named the
 * same way with "mprog_" for "link_" (multiprog.h).
 */
#ifndef VOSFP_ATTACH_PINS_H
#define VOSFP_ATTACH_PINS_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "internal.h"

enum pin_where {
	PIN_DEFUNCT,   /* the link's interface is gone: the kernel detached it */
	PIN_HERE,      /* its interface is the one recorded, in this namespace */
	PIN_ELSEWHERE, /* live, but not (or not provably) the recorded one here */
};

struct vosfp_pin {
	char file[64];          /* the pin's name under the pin root */
	char ifname[IF_NAMESIZE]; /* as recorded */
	uint64_t netns;         /* recorded; 0 for the first layout */
	uint32_t ifindex;       /* recorded; 0 for the first layout */
	uint32_t now_ifindex;   /* the link's interface now (in its namespace) */
	uint32_t prog_id;
	int where;              /* enum pin_where, seen from this namespace */
	bool multiprog;         /* a component of libxdp's dispatcher */
};

/* The inode of the caller's network namespace, or a recorded negative errno. */
int64_t vosfp__netns_self(struct vosfp *h);

/* "link_<ifname>:<netns>:<ifindex>" (or "mprog_...") into buf
 * (sizeof(vosfp_pin.file)). */
void vosfp__pin_file(char *buf, bool multiprog, const char *ifname, uint64_t netns,
		     uint32_t ifindex);

/*
 * Every attachment pin of h's root, sorted by recorded name then file, each
 * located as seen from the namespace netns. Returns their number (*out
 * malloc'd, NULL if none) or a recorded negative errno.
 */
int vosfp__pins_list(struct vosfp *h, uint64_t netns, struct vosfp_pin **out);

/* The XDP program id on ifindex in this namespace (any mode), 0 if none. */
uint32_t vosfp__xdp_prog_on(uint32_t ifindex);

#endif /* VOSFP_ATTACH_PINS_H */
