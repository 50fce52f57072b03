/* SPDX-License-Identifier: BSD-2-Clause */
/* Policy lists inside the library: changes, replaces and snapshots
 * (apply.c), shared by the public calls (api.c) and the policy
 * file loader (file.c). */
#ifndef VOSFP_POLICY_H
#define VOSFP_POLICY_H

#include "internal.h"
#include "model.h"
#include "policy.h"

/* CLOCK_MONOTONIC in ns: the program's bpf_ktime_get_ns(). */
uint64_t vosfp__now_ns(void);

/* The entry for a parsed prefix; ttl_seconds 0 = permanent. */
int vosfp__policy_entry(const struct vosfp_prefix *p, uint32_t ttl_seconds,
			struct pol_entry *e);

/*
 * Apply adds (an existing entry takes the new expiry) and removes to the
 * live generation of a list, as a diff, under the writers' lock. Expired
 * entries are dropped on the way. *present counts the adds and removes
 * whose prefix was already on the list.
 */
int vosfp__policy_change(struct vosfp *h, int list, const struct pol_entry *adds, size_t n_adds,
			 const struct pol_entry *removes, size_t n_removes, int *present);

/* Replace a whole list atomically: the new entries are written into the
 * other generation, which then becomes live in one word. */
int vosfp__policy_replace(struct vosfp *h, int list, const struct pol_entry *entries, size_t n);

/* The entries of the live generation, sorted (to be freed). */
int vosfp__policy_snapshot(struct vosfp *h, int list, struct pol_entry **out, size_t *n);

#endif /* VOSFP_POLICY_H */
