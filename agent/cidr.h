/* SPDX-License-Identifier: BSD-2-Clause */
/* Prefixes as numbers, for the agent's own checks (allow-list cover,
 * minimum length, query); the library remains the judge of what is valid. */
#ifndef VOSFP_AGENT_CIDR_H
#define VOSFP_AGENT_CIDR_H

#include <stdint.h>

struct cidr {
	int family; /* AF_INET or AF_INET6 */
	uint8_t addr[16];
	unsigned len; /* prefix length; 32 or 128 for an address */
};

/* "192.0.2.0/24", "2001:db8::/32" or a bare address; 0 or -1. */
int cidr_parse(const char *text, struct cidr *out);
/* 1 if outer covers inner (same family, outer no longer, same leading bits). */
int cidr_covers(const struct cidr *outer, const struct cidr *inner);
/* 1 if the two prefixes share any address. */
int cidr_overlap(const struct cidr *a, const struct cidr *b);

#endif
