// SPDX-License-Identifier: BSD-2-Clause
/*
 * TABLEs in memory-mapped arrays (see table.h). Stores that the
 * program may race with are atomic and ordered: an entry's key and value
 * before its tag, a record before the value that points to it.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "table.h"

/* A new table is a quarter full at most; a change may fill it up to
 * half. Beyond, searches grow long and a new generation is built instead.
 * (Simulated with a million keys a quarter full: no key more than 5-7
 * buckets from home with two entries a bucket, 3 with four;
 * VOSFP_TBL_PROBES is 8, and a build that still overflows retries with
 * more buckets.) */
#define FILL_NUM 1
#define FILL_DEN 2

uint32_t pol_table_buckets(size_t keys, uint32_t ways)
{
	uint32_t b = 4;

	while (b < keys * 4 / ways && b < (1u << 30))
		b <<= 1;
	return b;
}

uint32_t pol_table_elems(uint32_t buckets, size_t keys, int records)
{
	return buckets + (records ? (uint32_t)(keys + keys / 2 + 64) : 0);
}

size_t pol_mmap_len(size_t bytes)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	return (bytes + page - 1) / page * page;
}

void *pol_mmap_array(int fd, size_t bytes, size_t *len)
{
	void *m;

	*len = pol_mmap_len(bytes);
	m = mmap(NULL, *len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	return m == MAP_FAILED ? NULL : m;
}

int pol_table_map(struct pol_table *t, int fd, uint32_t elems)
{
	void *m = pol_mmap_array(fd, (size_t)elems * sizeof(struct vosfp_tbl_bucket), &t->len);

	if (!m)
		return -errno;
	t->mem = m;
	t->elems = elems;
	return 0;
}

void pol_table_unmap(struct pol_table *t)
{
	if (t->mem)
		munmap(t->mem, t->len);
	t->mem = NULL;
}

/* Entries of both layouts (vosfp_shared.h) start with the tag and end
 * with the value; what lies between is the key. */
_Static_assert(offsetof(struct vosfp_tbl_entry4, val) == sizeof(struct vosfp_tbl_entry4) - 8 &&
		       offsetof(struct vosfp_tbl_entry6, val) ==
			       sizeof(struct vosfp_tbl_entry6) - 8,
	       "the value ends an entry");

static size_t entry_size(const struct pol_table *t)
{
	return t->ways == VOSFP_TBL_WAYS4 ? sizeof(struct vosfp_tbl_entry4)
					  : sizeof(struct vosfp_tbl_entry6);
}

static uint64_t *val_of(const struct pol_table *t, char *e)
{
	return (uint64_t *)(e + entry_size(t) - sizeof(uint64_t));
}

static int same_key(const struct pol_table *t, const char *e, uint32_t tag, uint32_t key4,
		    uint64_t hi, uint64_t lo)
{
	if (t->ways == VOSFP_TBL_WAYS4) {
		const struct vosfp_tbl_entry4 *e4 = (const void *)e;

		return e4->tag == tag && e4->key4 == key4;
	}
	const struct vosfp_tbl_entry6 *e6 = (const void *)e;

	return e6->tag == tag && e6->hi == hi && e6->lo == lo;
}

/* The entry holding the key, or the empty entry where it would go; NULL
 * if neither is within VOSFP_TBL_PROBES buckets of home. */
static char *slot_for(struct pol_table *t, uint32_t home, uint32_t tag, uint32_t key4,
		      uint64_t hi, uint64_t lo)
{
	for (uint32_t i = 0; i < VOSFP_TBL_PROBES; i++) {
		char *b = (char *)&t->mem[(home + i) & (t->st->buckets - 1)];

		for (uint32_t w = 0; w < t->ways; w++) {
			char *e = b + w * entry_size(t);

			if (!*(uint32_t *)e || same_key(t, e, tag, key4, hi, lo))
				return e;
		}
	}
	return NULL;
}

int pol_table_put(struct pol_table *t, uint32_t home, uint32_t tag, uint32_t key4, uint64_t hi,
		  uint64_t lo, uint64_t val)
{
	char *e = slot_for(t, home, tag, key4, hi, lo);

	if (!e)
		return -ENOSPC;
	if (*(uint32_t *)e) { /* the key is there, live or deleted */
		__atomic_store_n(val_of(t, e), val, __ATOMIC_RELEASE);
		return 0;
	}
	if ((uint64_t)(t->st->filled + 1) * FILL_DEN >
	    (uint64_t)t->st->buckets * t->ways * FILL_NUM)
		return -ENOSPC;
	if (t->ways == VOSFP_TBL_WAYS4) {
		((struct vosfp_tbl_entry4 *)(void *)e)->key4 = key4;
	} else {
		((struct vosfp_tbl_entry6 *)(void *)e)->hi = hi;
		((struct vosfp_tbl_entry6 *)(void *)e)->lo = lo;
	}
	*val_of(t, e) = val;
	__atomic_store_n((uint32_t *)e, tag, __ATOMIC_RELEASE); /* the tag, last */
	t->st->filled++;
	return 0;
}

int pol_table_del(struct pol_table *t, uint32_t home, uint32_t tag, uint32_t key4, uint64_t hi,
		  uint64_t lo)
{
	char *e = slot_for(t, home, tag, key4, hi, lo);

	if (e && *(uint32_t *)e)
		__atomic_store_n(val_of(t, e), VOSFP_TBL_TOMB, __ATOMIC_RELEASE);
	return 0;
}

/* A record's element: the record, and a mark set once it is written, so
 * that a writer that finds more records than the state says (one was
 * killed after writing some, before recording how many) skips them
 * instead of overwriting what a table entry may already point to. */
struct record_elem {
	struct vosfp_slot4 rec;
	uint64_t pad;
	uint64_t written;
};

_Static_assert(sizeof(struct record_elem) == sizeof(struct vosfp_tbl_bucket),
	       "a record fills an element");

int pol_table_record(struct pol_table *t, const struct vosfp_slot4 *rec, uint64_t *index)
{
	struct record_elem *r;

	while ((uint64_t)t->st->buckets + t->st->records < t->elems &&
	       ((struct record_elem *)&t->mem[t->st->buckets + t->st->records])->written)
		t->st->records++; /* left by a killed writer */
	if ((uint64_t)t->st->buckets + t->st->records >= t->elems)
		return -ENOSPC;
	r = (struct record_elem *)&t->mem[t->st->buckets + t->st->records];
	r->rec = *rec;
	__atomic_store_n(&r->written, 1, __ATOMIC_RELEASE);
	*index = (uint64_t)t->st->buckets + t->st->records++;
	return 0;
}
