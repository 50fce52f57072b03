/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One TABLE of a policy generation (bpf/vosfp_shared.h, "TABLE"): an
 * open-addressing hash table in a memory-mapped BPF array, written in
 * place while the program reads it. Single writer: callers hold the
 * policy lock.
 */
#ifndef VOSFP_POLICY_TABLE_H
#define VOSFP_POLICY_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "vosfp_shared.h"

/* The table's figures (buckets, fill, records) are not copied here: st
 * points at them in the policy state the writer holds, so that writing
 * that state records them. */
struct pol_table {
	struct vosfp_tbl_bucket *mem; /* the mapping, NULL when not mapped */
	size_t len;                   /* of the mapping */
	uint32_t elems;               /* array elements: buckets, then records */
	uint32_t ways;                /* VOSFP_TBL_WAYS4 (IPv4 keys) or _WAYS6 */
	struct vosfp_pol_tbl *st;     /* buckets (a power of two), filled, records */
};

/* A table holding keys keys in buckets of ways entries: buckets (a
 * quarter full at most) and, with records, room for as many records and
 * some to spare for changes. */
uint32_t pol_table_buckets(size_t keys, uint32_t ways);
uint32_t pol_table_elems(uint32_t buckets, size_t keys, int records);

/* Map bytes of the BPF_F_MMAPABLE array behind fd, read and write; *len
 * is the length to unmap. NULL and errno on failure. */
void *pol_mmap_array(int fd, size_t bytes, size_t *len);
/* The length a mapping of bytes takes (whole pages), for munmap. */
size_t pol_mmap_len(size_t bytes);

/* Map the array behind fd (elems elements) and unmap it. */
int pol_table_map(struct pol_table *t, int fd, uint32_t elems);
void pol_table_unmap(struct pol_table *t);

/*
 * Set key (tag, key4, hi, lo), found from bucket home on, to val; delete
 * it (nothing if it is absent). 0, or, when the table would be too full or
 * the key too far from home, -ENOSPC: the caller then builds a bigger
 * generation instead. Nothing is recorded in a handle.
 */
int pol_table_put(struct pol_table *t, uint32_t home, uint32_t tag, uint32_t key4, uint64_t hi,
		  uint64_t lo, uint64_t val);
int pol_table_del(struct pol_table *t, uint32_t home, uint32_t tag, uint32_t key4, uint64_t hi,
		  uint64_t lo);
/* Store a slot4 record in the next free element; *index is the value
 * that points to it. -ENOSPC when there is no room left. The value must
 * be stored after this returns (the release store of pol_table_put). */
int pol_table_record(struct pol_table *t, const struct vosfp_slot4 *rec, uint64_t *index);

#endif /* VOSFP_POLICY_TABLE_H */
