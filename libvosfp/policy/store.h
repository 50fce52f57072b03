/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Policy lists in the kernel: the inner maps of one (list, generation),
 * the state word that makes a generation live, the writers' lock, and
 * writing a model (model.h) in full or as a diff.
 */
#ifndef VOSFP_POLICY_STORE_H
#define VOSFP_POLICY_STORE_H

#include <stdbool.h>

#include "internal.h"
#include "model.h"
#include "table.h"

/* What the engine keeps per handle (h->pol, see policy.h). The writers'
 * lock is not held here: it is the pin root's flock, taken per call
 * (pol_lock), so that it also serialises other processes. */
struct vosfp_policy {
	/* The shared arrays (bits, Bloom words), memory-mapped on first use;
	 * NULL until then. */
	void *shared_mem[2];
	/* The BTF that the program's inner-map template was made with (fd
	 * -1: none): a policy table must be made with the same. Kernels
	 * before 6.2 compare a BTF-derived field of the template and of the
	 * map (timer_off) when the map is installed, and refuse with EINVAL a
	 * map made without BTF in place of a template made with it. */
	int inner_btf_fd;
	uint32_t inner_btf_key, inner_btf_value;
};

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
 * vosfp_pol_gen.tbl. */
enum {
	TBL_SLOT = VOSFP_PK_SLOT4,
	TBL_HOST = VOSFP_PK_HOST4,
	TBL_NET6 = VOSFP_PK_NET6,
	TBL__COUNT = VOSFP_PK_TABLES,
};

/*
 * One generation of one list, as a writer holds it: its record in the
 * writer's copy of the policy state (rec, which also holds its TABLEs'
 * figures: writing that state records them), where it is (slot), and its
 * inner maps by kind once opened. fd[POL_BITS] and fd[POL_BLOOM] stay -1:
 * those are the shared arrays, memory-mapped once per handle, and
 * bits_base and bloom_base the index of this generation's first word in
 * them. tbl: the TABLEs (slot4, host4, net6) once mapped.
 */
struct pol_gen {
	struct vosfp_pol_gen *rec;
	uint32_t slot;
	int fd[POL__KINDS];
	uint32_t bits_base, bloom_base;
	struct pol_table tbl[TBL__COUNT];
	/* The entries array, once mapped: two halves of entries_room
	 * entries. */
	struct pol_entry *entries;
	size_t entries_len, entries_room;
};

/* Nothing opened: pol_gen_close() of it does nothing. */
#define POL_GEN_NONE { NULL, 0, { -1, -1, -1, -1, -1, -1 }, 0, 0, { { 0 } }, NULL, 0, 0 }

/* g for generation gen of list, described by st (which must outlive g):
 * the one place that turns (state, list, gen) into a generation. Nothing
 * is opened. */
void pol_gen_init(struct pol_gen *g, struct vosfp_pol_state *st, int list, uint32_t gen);

/* The live generation of a list. */
static inline uint32_t pol_live(const struct vosfp_pol_state *st, int list)
{
	return st->gen[list] & 1;
}

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

/* Open the inner maps of g; -ENOENT (not recorded) if it has none yet. */
int pol_gen_get(struct vosfp *h, struct pol_gen *g);
/* New, empty inner maps for g: the entries array with room for entries
 * entries and some to spare (never more than capacity), the TABLEs sized
 * for keys[TBL_*] keys, and mapped; their figures in g->rec are reset.
 * The shared arrays' words of g are not cleared: pol_shared_read() tells
 * what is there. */
int pol_gen_create(struct vosfp *h, struct pol_gen *g, uint32_t capacity, size_t entries,
		   const size_t keys[TBL__COUNT]);
/* Map the TABLEs of g, got by pol_gen_get, checking them against the
 * figures in g->rec. */
int pol_gen_map_tables(struct vosfp *h, struct pol_gen *g);
/* g's words of the shared arrays: VOSFP_BITS4_WORDS bits,
 * VOSFP_BLOOM6_WORDS Bloom words. */
int pol_shared_read(struct vosfp *h, const struct pol_gen *g, struct vosfp_bits4 *bits,
		    uint64_t *bloom);
/* Only the Bloom words. */
int pol_bloom_read(struct vosfp *h, const struct pol_gen *g, uint64_t *bloom);
/* Make g's maps the inner maps of its slot. */
int pol_gen_install(struct vosfp *h, const struct pol_gen *g);
/* Unmap and close what g opened (g stays bound to its record). */
void pol_gen_close(struct pol_gen *g);
/* Unmap the shared arrays (vosfp_close). */
void pol_shared_unmap(struct vosfp *h);

/* g's entries (g->rec: count and half), sorted by key (*out to be
 * freed). */
int pol_entries_read(struct vosfp *h, struct pol_gen *g, struct pol_entry **out, size_t *n);
/* Write the model new over old (old NULL: the maps are empty; old_bits
 * and old_bloom, if not NULL, are the shared words as they are in the
 * kernel), touching only what differs: additions and changes first, then
 * the bits, then deletions, so that a packet meets a slot before the bit
 * that leads to it, and no bit that leads to a deleted slot. The TABLEs
 * must be mapped. POL_TABLES_FULL when they have no room for the change
 * (part of it may be written: additions and changes only). */
int pol_model_write(struct vosfp *h, struct pol_gen *g, const struct pol_model *old,
		    const struct vosfp_bits4 *old_bits, const uint64_t *old_bloom,
		    const struct pol_model *new);
/* Write e[0..n) (sorted) into the half of g's entries array not in use
 * (-ENOSPC, recorded, if a half has no room for n: g->entries_room), and
 * make it g's entries in g->rec: the state write that follows switches
 * to it, so a writer killed before that leaves the entries it started
 * from. */
int pol_entries_write(struct vosfp *h, struct pol_gen *g, const struct pol_entry *e, size_t n);

#endif /* VOSFP_POLICY_STORE_H */
