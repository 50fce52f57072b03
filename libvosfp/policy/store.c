// SPDX-License-Identifier: BSD-2-Clause
/*
 * Policy lists in the kernel (see store.h). Every array a list is
 * made of is memory-mapped: bulk work is plain memory access, and the
 * only syscalls left are creating maps and switching generations.
 */
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "store.h"

/* The kernel's own "not supported" (include/linux/errno.h), which reaches
 * user space from operations a kernel does not have for a map type. */
#define ENOTSUPP_KERNEL 524

/* The bits and the Bloom filter are shared arrays; the other kinds are
 * inner maps of the one outer map, from POL_SLOT on in the order of the
 * VOSFP_PK_ ids. */
static bool shared_kind(int k)
{
	return k == POL_BITS || k == POL_BLOOM;
}

static __u32 inner_key(uint32_t slot, int k)
{
	return VOSFP_POL_INNER(slot, (uint32_t)(k - POL_INNER));
}

_Static_assert(sizeof(((struct vosfp_pol_gen *)0)->tbl) ==
		       TBL__COUNT * sizeof(struct vosfp_pol_tbl),
	       "a generation's record has a figure set per TABLE");

/* Entries a bucket of TABLE k holds: IPv4 keys are smaller. */
static uint32_t table_ways(int k)
{
	return k == TBL_NET6 ? VOSFP_TBL_WAYS6 : VOSFP_TBL_WAYS4;
}

/* Creation options for a policy table (an inner map of vosfp_ptables):
 * BPF_F_INNER_MAP | BPF_F_MMAPABLE and the template's BTF (see struct
 * vosfp_policy). */
static void inner_map_opts(const struct vosfp *h, struct bpf_map_create_opts *opts)
{
	const struct vosfp_policy *pol = h->pol;

	opts->map_flags = BPF_F_INNER_MAP | BPF_F_MMAPABLE;
	if (pol->inner_btf_fd >= 0) {
		opts->btf_fd = (__u32)pol->inner_btf_fd;
		opts->btf_key_type_id = pol->inner_btf_key;
		opts->btf_value_type_id = pol->inner_btf_value;
	}
}

/* The element count of the array behind fd: 0, or -errno (not recorded). */
static int array_elems(int fd, uint32_t *elems)
{
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	*elems = info.max_entries;
	return 0;
}

void pol_gen_init(struct pol_gen *g, struct vosfp_pol_state *st, int list, uint32_t gen)
{
	*g = (struct pol_gen)POL_GEN_NONE;
	g->rec = &st->gens[list][gen & 1];
	g->slot = VOSFP_POL_SLOT(list, gen);
	/* Where the generation's words start in the shared arrays (reached
	 * through their mapping, see shared_mem, not an fd of their own). */
	g->bits_base = g->slot * VOSFP_BITS4_WORDS;
	g->bloom_base = g->slot * VOSFP_BLOOM6_WORDS;
	for (int k = 0; k < TBL__COUNT; k++) {
		g->tbl[k].st = &g->rec->tbl[k];
		g->tbl[k].ways = table_ways(k);
	}
}

int pol_lock(struct vosfp *h, bool shared)
{
	return vosfp__root_lock(h, shared ? LOCK_SH : LOCK_EX);
}

void pol_unlock(int fd)
{
	if (fd >= 0)
		close(fd); /* releases the flock */
}

int pol_state_read(struct vosfp *h, struct vosfp_pol_state *st)
{
	__u32 zero = 0;

	if (bpf_map_lookup_elem(h->map_fd[MAP_PSTATE], &zero, st))
		return vosfp__fail(h, -errno, "reading the policy state: %s", strerror(errno));
	return 0;
}

int pol_state_write(struct vosfp *h, const struct vosfp_pol_state *st)
{
	__u32 zero = 0;

	if (bpf_map_update_elem(h->map_fd[MAP_PSTATE], &zero, st, BPF_ANY))
		return vosfp__fail(h, -errno, "writing the policy state: %s", strerror(errno));
	return 0;
}

void pol_gen_close(struct pol_gen *g)
{
	for (int k = 0; k < TBL__COUNT; k++)
		pol_table_unmap(&g->tbl[k]);
	if (g->entries)
		munmap(g->entries, g->entries_len);
	g->entries = NULL;
	for (int k = 0; k < POL__KINDS; k++) {
		if (g->fd[k] >= 0)
			close(g->fd[k]);
		g->fd[k] = -1;
	}
}

int pol_gen_get(struct vosfp *h, struct pol_gen *g)
{
	__u32 id;

	pol_gen_close(g);
	for (int k = 0; k < POL__KINDS; k++) {
		if (shared_kind(k))
			continue;
		__u32 key = inner_key(g->slot, k);

		if (bpf_map_lookup_elem(h->map_fd[MAP_PTABLES], &key, &id)) {
			int err = -errno;

			pol_gen_close(g);
			if (err == -ENOENT)
				return err; /* not made yet: the caller decides */
			return vosfp__fail(h, err, "reading the policy maps: %s", strerror(-err));
		}
		g->fd[k] = bpf_map_get_fd_by_id(id);
		if (g->fd[k] < 0) {
			int err = -errno;

			pol_gen_close(g);
			return vosfp__fail(h, err, "opening a policy map: %s", strerror(-err));
		}
	}
	return 0;
}

int pol_gen_create(struct vosfp *h, struct pol_gen *g, uint32_t capacity, size_t entries,
		   const size_t keys[TBL__COUNT])
{
	static const char *const names[TBL__COUNT] = { "vosfp_slot4", "vosfp_host4",
						       "vosfp_net6" };
	LIBBPF_OPTS(bpf_map_create_opts, table_opts);
	/* Room in each half for the entries and an eighth more, for
	 * changes; beyond, a change builds a new generation. */
	size_t want = entries + entries / 8 + 128;
	size_t room = want < capacity ? want : capacity;
	uint32_t entry_elems = (uint32_t)((2 * room * sizeof(struct vosfp_entry) +
					   sizeof(struct vosfp_tbl_bucket) - 1) /
					  sizeof(struct vosfp_tbl_bucket)); /* two halves */
	int err;

	inner_map_opts(h, &table_opts);
	pol_gen_close(g);
	memset(g->rec, 0, sizeof(*g->rec));
	g->fd[POL_ENTRIES] = bpf_map_create(BPF_MAP_TYPE_ARRAY, "vosfp_entries", 4,
					    sizeof(struct vosfp_tbl_bucket), entry_elems,
					    &table_opts);
	if (g->fd[POL_ENTRIES] < 0) {
		err = -errno;
		pol_gen_close(g);
		return vosfp__fail(h, err, "cannot create a policy map (entries): %s",
				   strerror(-err));
	}
	for (int k = 0; k < TBL__COUNT; k++) {
		struct pol_table *t = &g->tbl[k];
		uint32_t buckets = pol_table_buckets(keys[k], t->ways);
		uint32_t elems = pol_table_elems(buckets, keys[k], k == TBL_SLOT);
		int fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, names[k], 4,
					sizeof(struct vosfp_tbl_bucket), elems, &table_opts);

		g->fd[POL_SLOT + k] = fd;
		err = fd < 0 ? -errno : pol_table_map(t, fd, elems);
		if (err) {
			pol_gen_close(g);
			return vosfp__fail(h, err, "cannot create a policy map (%s): %s", names[k],
					   strerror(-err));
		}
		t->st->buckets = buckets;
	}
	return 0;
}

int pol_gen_map_tables(struct vosfp *h, struct pol_gen *g)
{
	for (int k = 0; k < TBL__COUNT; k++) {
		struct pol_table *t = &g->tbl[k];
		uint32_t elems = 0, buckets = t->st->buckets;
		int err;

		if (t->mem)
			continue;
		err = array_elems(g->fd[POL_SLOT + k], &elems);
		if (!err)
			err = pol_table_map(t, g->fd[POL_SLOT + k], elems);
		if (err)
			return vosfp__fail(h, err, "cannot map a policy table: %s", strerror(-err));
		if (!buckets || (buckets & (buckets - 1)) || buckets > t->elems)
			return vosfp__fail(h, -EIO, "the policy state does not match its tables");
	}
	return 0;
}

int pol_gen_install(struct vosfp *h, const struct pol_gen *g)
{
	__u32 keys[VOSFP_POL_KINDS], values[VOSFP_POL_KINDS], count = VOSFP_POL_KINDS;

	for (int k = POL_SLOT; k <= POL_ENTRIES; k++) {
		keys[k - POL_SLOT] = inner_key(g->slot, k);
		values[k - POL_SLOT] = (__u32)g->fd[k];
	}
	/* One batch: one wait for the kernel's grace period, not four. The
	 * generation is not live yet (the state write that follows makes it
	 * so), so where the kernel has no batch for an outer array (Linux
	 * 5.10, Debian 11's: ENOTSUPP) one update at a time does as well. */
	if (!bpf_map_update_batch(h->map_fd[MAP_PTABLES], keys, values, &count, NULL))
		return 0;
	if (errno != ENOTSUPP_KERNEL && errno != EOPNOTSUPP)
		return vosfp__fail(h, -errno, "installing the policy maps: %s", strerror(errno));
	for (int k = 0; k < VOSFP_POL_KINDS; k++)
		if (bpf_map_update_elem(h->map_fd[MAP_PTABLES], &keys[k], &values[k], BPF_ANY))
			return vosfp__fail(h, -errno, "installing the policy maps: %s",
					   strerror(errno));
	return 0;
}

/* Map the entries array of g (once). */
static int entries_map(struct vosfp *h, struct pol_gen *g)
{
	uint32_t elems = 0;
	size_t bytes;
	void *m;
	int err;

	if (g->entries)
		return 0;
	err = array_elems(g->fd[POL_ENTRIES], &elems);
	if (err)
		return vosfp__fail(h, err, "reading a policy map: %s", strerror(-err));
	bytes = (size_t)elems * sizeof(struct vosfp_tbl_bucket);
	m = pol_mmap_array(g->fd[POL_ENTRIES], bytes, &g->entries_len);
	if (!m)
		return vosfp__fail(h, -errno, "cannot map a policy list: %s", strerror(errno));
	g->entries = m;
	g->entries_room = bytes / sizeof(struct vosfp_entry) / 2;
	return 0;
}

int pol_entries_read(struct vosfp *h, struct pol_gen *g, struct pol_entry **out, size_t *n)
{
	size_t count = g->rec->entries;
	struct pol_entry *all = malloc((count ? count : 1) * sizeof(*all));
	int err = all ? entries_map(h, g) : vosfp__fail(h, -ENOMEM, "out of memory");

	*out = NULL;
	*n = 0;
	if (!err && count > g->entries_room)
		err = vosfp__fail(h, -EIO, "the policy state does not match its entries");
	if (err) {
		free(all);
		return err;
	}
	memcpy(all, g->entries + (g->rec->entries_half & 1) * g->entries_room,
	       count * sizeof(*all));
	*out = all;
	*n = count;
	return 0;
}

/* Writing one record of a model table into its TABLE: set (or replace)
 * its key's value, or delete its key. */
struct table_ops {
	int (*put)(struct pol_table *t, const void *rec);
	int (*del)(struct pol_table *t, const void *rec);
};

static int slot_put(struct pol_table *t, const void *rec)
{
	const struct pol_slot *s = rec;
	uint64_t index;
	int err = pol_table_record(t, &s->val, &index);

	return err ? err
		   : pol_table_put(t, vosfp_tbl_home4(s->slot), VOSFP_TBL_TAG4, s->slot, 0, 0,
				   index);
}

static int slot_del(struct pol_table *t, const void *rec)
{
	const struct pol_slot *s = rec;

	return pol_table_del(t, vosfp_tbl_home4(s->slot), VOSFP_TBL_TAG4, s->slot, 0, 0);
}

static int host_put(struct pol_table *t, const void *rec)
{
	const struct pol_host *x = rec;

	return pol_table_put(t, vosfp_tbl_home4(x->addr), VOSFP_TBL_TAG4, x->addr, 0, 0,
			     x->val.expires_ns);
}

static int host_del(struct pol_table *t, const void *rec)
{
	const struct pol_host *x = rec;

	return pol_table_del(t, vosfp_tbl_home4(x->addr), VOSFP_TBL_TAG4, x->addr, 0, 0);
}

/* A net6 key as the program sees it: tag, halves, home bucket. */
static uint32_t net6_key(const struct pol_net6 *n, uint64_t *hi, uint64_t *lo)
{
	*hi = pol_be64_at(n->key.addr);
	*lo = pol_be64_at(n->key.addr + 8);
	return vosfp_net6_home(vosfp_net6_hash(*hi, *lo, n->key.level));
}

static int net6_put(struct pol_table *t, const void *rec)
{
	const struct pol_net6 *n = rec;
	uint64_t hi, lo;
	uint32_t home = net6_key(n, &hi, &lo);

	return pol_table_put(t, home, 1 + n->key.level, 0, hi, lo, n->val.expires_ns);
}

static int net6_del(struct pol_table *t, const void *rec)
{
	const struct pol_net6 *n = rec;
	uint64_t hi, lo;
	uint32_t home = net6_key(n, &hi, &lo);

	return pol_table_del(t, home, 1 + n->key.level, 0, hi, lo);
}

static const struct table_ops table_ops[TBL__COUNT] = {
	[TBL_SLOT] = { slot_put, slot_del },
	[TBL_HOST] = { host_put, host_del },
	[TBL_NET6] = { net6_put, net6_del },
};

/*
 * Merge-walk two sorted tables of records and write what changed: with
 * del = false the records of new that old lacks or holds differently, with
 * del = true the keys of old that new lacks. Each record is a key
 * followed at val_off by its value; cmp is the order they are sorted in.
 */
static int write_table(struct pol_table *t, const struct table_ops *ops, const void *old,
		       size_t n_old, const void *new, size_t n_new, size_t rec, size_t val_off,
		       size_t val_size, int (*cmp)(const void *, const void *), bool del)
{
	const char *o = old, *w = new;
	size_t i = 0, j = 0;
	int err = 0;

	while (!err && (i < n_old || j < n_new)) {
		const char *ko = i < n_old ? o + i * rec : NULL, *kw = j < n_new ? w + j * rec : NULL;
		int c = !ko ? 1 : !kw ? -1 : cmp(ko, kw);

		if (c < 0) { /* only in old */
			if (del)
				err = ops->del(t, ko);
			i++;
		} else if (c > 0) { /* only in new */
			if (!del)
				err = ops->put(t, kw);
			j++;
		} else {
			if (!del && memcmp(ko + val_off, kw + val_off, val_size))
				err = ops->put(t, kw);
			i++, j++;
		}
	}
	return err;
}

#define WRITE_TABLE(g, kind, old, n_old, new, n_new, type, cmp, del)                        \
	write_table(&(g)->tbl[kind], &table_ops[kind], old, n_old, new, n_new, sizeof(type), \
		    offsetof(type, val), sizeof(((type *)0)->val), cmp, del)

/*
 * The shared arrays are memory-mapped (BPF_F_MMAPABLE): their words are
 * read and written in place, where a batch syscall per 8,192 words made
 * reading them back and rewriting them a third of a million-prefix load.
 * The program sees a store as soon as it is made; each word is written
 * whole, in the same order as before, and a fence after the last store
 * keeps them ahead of the deletions that follow (see pol_model_write).
 */
static const struct {
	size_t words, word_size;
} shared_shape[2] = {
	{ VOSFP_POL_SLOTS * VOSFP_BITS4_WORDS, sizeof(struct vosfp_bits4) },
	{ VOSFP_POL_SLOTS * VOSFP_BLOOM6_WORDS, sizeof(uint64_t) },
};

static size_t shared_bytes(int which)
{
	return shared_shape[which].words * shared_shape[which].word_size;
}

/* which: 0 bits, 1 Bloom words. 0 and *out the mapping, or a recorded
 * negative errno. */
static int shared_mem(struct vosfp *h, int which, char **out)
{
	void **mem = &h->pol->shared_mem[which];

	if (!*mem) {
		int fd = h->map_fd[which ? MAP_PBLOOM6 : MAP_PBITS4];
		size_t len;
		void *m = pol_mmap_array(fd, shared_bytes(which), &len);

		if (!m)
			return vosfp__fail(h, -errno, "cannot map the policy's %s array: %s",
					   which ? "Bloom" : "bits", strerror(errno));
		*mem = m;
	}
	*out = *mem;
	return 0;
}

void pol_shared_unmap(struct vosfp *h)
{
	for (int which = 0; which < 2; which++)
		if (h->pol->shared_mem[which])
			munmap(h->pol->shared_mem[which], pol_mmap_len(shared_bytes(which)));
}

static int read_shared(struct vosfp *h, int which, __u32 base, void *out, size_t words)
{
	size_t size = shared_shape[which].word_size;
	char *m = NULL;
	int err = shared_mem(h, which, &m);

	if (!err)
		memcpy(out, m + (size_t)base * size, words * size);
	return err;
}

int pol_shared_read(struct vosfp *h, const struct pol_gen *g, struct vosfp_bits4 *bits,
		    uint64_t *bloom)
{
	int err = read_shared(h, 0, g->bits_base, bits, VOSFP_BITS4_WORDS);

	return err ? err : read_shared(h, 1, g->bloom_base, bloom, VOSFP_BLOOM6_WORDS);
}

int pol_bloom_read(struct vosfp *h, const struct pol_gen *g, uint64_t *bloom)
{
	return read_shared(h, 1, g->bloom_base, bloom, VOSFP_BLOOM6_WORDS);
}

/* The words of new that differ from old (NULL: all zero), from index base,
 * stored in place. */
static int write_words(struct vosfp *h, int which, __u32 base, const void *old, const void *new,
		       size_t words)
{
	static const char zero[sizeof(struct vosfp_bits4)];
	size_t size = shared_shape[which].word_size;
	char *m = NULL;
	int err = shared_mem(h, which, &m);

	if (err)
		return err;
	m += (size_t)base * size;
	for (size_t w = 0; w < words; w++) {
		const char *was = old ? (const char *)old + w * size : zero;
		const char *now = (const char *)new + w * size;

		if (memcmp(was, now, size))
			memcpy(m + w * size, now, size);
	}
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return 0;
}

/*
 * The three TABLEs: the updates (del false) or the deletions (del true)
 * that turn old into new. Plain stores into their mappings: a million
 * keys go in about as fast as memory is written, where a kernel hash took
 * a bucket-locked insert each.
 */
static int write_tables(struct pol_gen *g, const struct pol_model *old,
			const struct pol_model *new, bool del)
{
	static const struct pol_model empty;
	int err;

	if (!old)
		old = &empty;
	err = WRITE_TABLE(g, TBL_SLOT, old->slots, old->n_slots, new->slots, new->n_slots,
			  struct pol_slot, pol_slot_cmp, del);
	if (!err)
		err = WRITE_TABLE(g, TBL_HOST, old->hosts, old->n_hosts, new->hosts,
				  new->n_hosts, struct pol_host, pol_host_cmp, del);
	if (!err)
		err = WRITE_TABLE(g, TBL_NET6, old->nets, old->n_nets, new->nets, new->n_nets,
				  struct pol_net6, pol_net6_cmp, del);
	/* All of it before the bits that lead to it (the compiler may
	 * otherwise move those stores ahead of these). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return err == -ENOSPC ? POL_TABLES_FULL : err;
}

int pol_model_write(struct vosfp *h, struct pol_gen *g, const struct pol_model *old,
		    const struct vosfp_bits4 *old_bits, const uint64_t *old_bloom,
		    const struct pol_model *new)
{
	int err = write_tables(g, old, new, false);

	if (!old_bits && old)
		old_bits = old->bits;
	if (!old_bloom && old)
		old_bloom = old->bloom;
	if (!err)
		err = write_words(h, 0, g->bits_base, old_bits, new->bits, VOSFP_BITS4_WORDS);
	if (!err)
		err = write_words(h, 1, g->bloom_base, old_bloom, new->bloom, VOSFP_BLOOM6_WORDS);
	if (!err && old)
		err = write_tables(g, old, new, true);
	return err;
}

int pol_entries_write(struct vosfp *h, struct pol_gen *g, const struct pol_entry *e, size_t n)
{
	uint32_t half = (g->rec->entries_half & 1) ^ 1;
	int err = entries_map(h, g);

	if (err)
		return err;
	if (n > g->entries_room) /* callers size the array or check first */
		return vosfp__fail(h, -ENOSPC, "a policy list's entries overflow their array");
	/* No packet reads these: a plain copy, into the half not in use. */
	memcpy(g->entries + half * g->entries_room, e, n * sizeof(*e));
	g->rec->entries = (uint32_t)n;
	g->rec->entries_half = half;
	return 0;
}
