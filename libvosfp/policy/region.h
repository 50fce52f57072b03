/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The part of a list's derived structure that a small change can touch,
 * so that the change rebuilds only the entries that share it instead of
 * the whole list. IPv4: the bits words (64 /24s each) the changed
 * prefixes cover. IPv6: the (level, address above the level's last byte)
 * blocks they expand into.
 */
#ifndef VOSFP_POLICY_REGION_H
#define VOSFP_POLICY_REGION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

struct pol_region {
	uint64_t *words4; /* one bit per bits4 word */
	struct vosfp_net6_key *blocks6; /* sorted after pol_region_seal() */
	size_t n_blocks6;
};

/* 0 or -ENOMEM. */
int pol_region_init(struct pol_region *r, size_t max_changes);
void pol_region_add(struct pol_region *r, const struct pol_entry *e);
void pol_region_seal(struct pol_region *r);
bool pol_region_touches(const struct pol_region *r, const struct pol_entry *e);
/* The entries of e[0..n) that touch the region (*out to be freed). */
int pol_region_filter(const struct pol_region *r, const struct pol_entry *e, size_t n,
		      struct pol_entry **out, size_t *n_out);
void pol_region_free(struct pol_region *r);

#endif
