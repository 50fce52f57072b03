/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Policy lists in the kernel: the inner maps of one (list, generation),
 * the state word that makes a generation live, the writers' lock, and
 * writing a model (policy_model.h) in full or as a diff.
 */
#ifndef VOSFP_POLICY_STORE_H
#define VOSFP_POLICY_STORE_H

#include <stdbool.h>

#include "internal.h"
#include "policy_model.h"
#include "policy_table.h"

/* The maps of one (list, generation): the two shared arrays, then the
 * inner maps of the outer map, numbered from the program's VOSFP_PK_ ids
 * (vosfp_shared.h), so that POL_INNER + VOSFP_PK_x is kind x. */
enum {
	POL_BITS,
	POL_BLOOM,
	POL_INNER,
	POL_SLOT = POL_INNER + VOSFP_PK_SLOT4,
	POL_HOST = POL_INNER + VOSFP_PK_HOST4,
	POL_NET6 = POL_INNER + VOSFP_PK_NET6,
	POL_ENTRIES = POL_INNER + VOSFP_PK_ENTRIES,
	POL__KINDS = POL_INNER + VOSFP_POL_KINDS,
};

/* The TABLEs of a generation: the program's ids, the order of
 * vosfp_pol_state's arrays. */
enum {
	TBL_SLOT = VOSFP_PK_SLOT4,
	TBL_HOST = VOSFP_PK_HOST4,
	TBL_NET6 = VOSFP_PK_NET6,
	TBL__COUNT = VOSFP_PK_TABLES,
};

/* The inner maps of one (list, generation), by kind; fd[POL_BITS] and
 * fd[POL_BLOOM] stay -1: those are the shared arrays, memory-mapped once
 * per handle, and bits_base and bloom_base the index of this (list,
 * generation)'s first word in them. tbl: the TABLEs (slot4, host4, net6)
 * once mapped (pol_fds_create, pol_tables_open). */
struct pol_fds {
	int fd[POL__KINDS];
	uint32_t bits_base, bloom_base;
	struct pol_table tbl[TBL__COUNT];
	/* The entries array, once mapped: two halves of entries_room
	 * entries. */
	struct pol_entry *entries;
	size_t entries_len, entries_room;
};

#define POL_FDS_NONE { { -1, -1, -1, -1, -1, -1 }, 0, 0, { { 0 } }, NULL, 0, 0 }

/* pol_model_write's answer when a change does not fit the generation's
 * tables: build a new generation with room instead. */
#define POL_TABLES_FULL 1

/* All policy writers on a pin root take this lock (flock on the root
 * directory), so two processes never interleave a read-modify-write.
 * Readers of the entries take it shared. Returns the lock's fd or a
 * recorded negative errno. */
int pol_lock(struct vosfp *h, bool shared);
void pol_unlock(int fd);

int pol_state_read(struct vosfp *h, struct vosfp_pol_state *st);
int pol_state_write(struct vosfp *h, const struct vosfp_pol_state *st);

/* The inner maps of (list, gen); -ENOENT if that generation has none yet. */
int pol_fds_get(struct vosfp *h, int list, uint32_t gen, struct pol_fds *out);
/* New, empty inner maps for (list, gen): the entries array with room for
 * entries entries and some to spare (never more than capacity), the
 * TABLEs sized for keys[TBL_*] keys, and mapped. The shared
 * arrays' words of that generation are not cleared: pol_shared_read()
 * tells what is there. */
int pol_fds_create(struct vosfp *h, int list, uint32_t gen, uint32_t capacity, size_t entries,
		   const size_t keys[TBL__COUNT], struct pol_fds *out);
/* Map the TABLEs of (list, gen), got by pol_fds_get, with their fill
 * counts from st; pol_tables_save() puts the counts back in st. */
int pol_tables_open(struct vosfp *h, struct pol_fds *fds, const struct vosfp_pol_state *st,
		    int list, uint32_t gen);
void pol_tables_save(const struct pol_fds *fds, struct vosfp_pol_state *st, int list,
		     uint32_t gen);
/* The generation's words of the shared arrays: VOSFP_BITS4_WORDS bits,
 * VOSFP_BLOOM6_WORDS Bloom words. */
int pol_shared_read(struct vosfp *h, const struct pol_fds *fds, struct vosfp_bits4 *bits,
		    uint64_t *bloom);
/* Only the Bloom words. */
int pol_bloom_read(struct vosfp *h, const struct pol_fds *fds, uint64_t *bloom);
/* Make them the inner maps of (list, gen). */
int pol_fds_install(struct vosfp *h, int list, uint32_t gen, const struct pol_fds *fds);
void pol_fds_close(struct pol_fds *fds);
/* Unmap the shared arrays (vosfp_close). */
void pol_shared_unmap(struct vosfp *h);

/* The first count entries in half half of the entries array of fds,
 * sorted by key (*out to be freed). */
int pol_entries_read(struct vosfp *h, struct pol_fds *fds, uint32_t half, size_t count,
		     struct pol_entry **out, size_t *n);

/* Write the model new over old (old NULL: the maps are empty; old_bits
 * and old_bloom, if not NULL, are the shared words as they are in the
 * kernel), touching only what differs: additions and changes first, then
 * the bits, then deletions, so that a packet meets a slot before the bit
 * that leads to it, and no bit that leads to a deleted slot. The TABLEs
 * must be mapped. POL_TABLES_FULL when they have no room for the change
 * (part of it may be written: additions and changes only). */
int pol_model_write(struct vosfp *h, struct pol_fds *fds, const struct pol_model *old,
		    const struct vosfp_bits4 *old_bits, const uint64_t *old_bloom,
		    const struct pol_model *new);
/* Write e[0..n) (sorted) into half half of the entries array of fds
 * (-ENOSPC, recorded, if a half has no room for n: fds->entries_room).
 * The count and the half are the caller's to record, in vosfp_pol_state. */
int pol_entries_write(struct vosfp *h, struct pol_fds *fds, uint32_t half,
		      const struct pol_entry *e, size_t n);

#endif /* VOSFP_POLICY_STORE_H */
