/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The derived lookup structure of one policy list (layouts and meaning in
 * bpf/vosfp_shared.h, "Policy lists"), built in memory from the list's
 * entries. Pure computation: no map is touched here, so the same model
 * serves a full write (replace) and a diff against the previous model.
 */
#ifndef VOSFP_POLICY_MODEL_H
#define VOSFP_POLICY_MODEL_H

#include <endian.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "vosfp_shared.h"

/* The layout of struct vosfp_entry, so that blocks are copied as they are;
 * pad is always 0, so that blocks compare with memcmp. */
struct pol_entry {
	struct vosfp_entry_key key;
	uint32_t pad;
	uint64_t expires_ns; /* 0 = permanent */
};
_Static_assert(sizeof(struct pol_entry) == sizeof(struct vosfp_entry), "entry layout");

struct pol_slot {
	uint32_t slot; /* the /24: IPv4 address (host order) >> 8 */
	struct vosfp_slot4 val;
};

struct pol_host {
	uint32_t addr; /* host order */
	struct vosfp_expiry val;
};

struct pol_net6 {
	struct vosfp_net6_key key;
	struct vosfp_expiry val;
};

struct pol_model {
	struct vosfp_bits4 *bits; /* VOSFP_BITS4_WORDS words */
	struct pol_slot *slots;   /* sorted by slot, one per /24 */
	size_t n_slots;
	struct pol_host *hosts; /* sorted by address */
	size_t n_hosts;
	struct pol_net6 *nets; /* sorted by key */
	size_t n_nets;
	uint64_t *bloom; /* VOSFP_BLOOM6_WORDS words: the Bloom filter of nets */
	uint32_t v4_used;
	uint32_t v6_levels;
};

/*
 * Build the model of entries e[0..n). Entries that expired at now are left
 * out (now = 0 keeps all: the model as it was written). Fails with -ENOSPC
 * and the kind that overflowed in *what when a derived table would need
 * more than limit entries, -ENOMEM when memory runs out.
 */
int pol_model_build(const struct pol_entry *e, size_t n, uint64_t now, size_t limit,
		    struct pol_model *m, const char **what);
void pol_model_free(struct pol_model *m);

/* The 8 bytes at p as a big-endian number: comparing two such numbers
 * orders the bytes as memcmp does. */
static inline uint64_t pol_be64_at(const void *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return be64toh(v);
}

/* Whether an entry's TTL has run out at now (0 expiry: permanent). */
static inline bool pol_entry_expired(const struct pol_entry *e, uint64_t now)
{
	return e->expires_ns && e->expires_ns <= now;
}

/* The orders the tables are sorted in, for sorting and merge-walks. */
int pol_entry_cmp(const void *a, const void *b);
int pol_slot_cmp(const void *a, const void *b);
int pol_host_cmp(const void *a, const void *b);
int pol_net6_cmp(const void *a, const void *b);

/* Sort e[0..n) in pol_entry_cmp order (memcmp of the key), with pol_sort
 * (sort.h). Equal keys keep no particular order. Falls back to qsort when
 * memory is short: always sorts. */
void pol_sort_entries(struct pol_entry *e, size_t n);

#endif /* VOSFP_POLICY_MODEL_H */
