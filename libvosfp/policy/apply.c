// SPDX-License-Identifier: BSD-2-Clause
/*
 * Changing the policy lists (see engine.h). Every writer holds the pin
 * root's lock from the read of the entries to the last write, so two
 * processes changing one root serialise: each change is applied to the
 * result of the one before, and none is lost.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine.h"
#include "region.h"
#include "sort.h"
#include "store.h"

uint64_t vosfp__now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/*
 * The capacity is a limit the library checks, not an allocation: each
 * generation's maps are sized for what it holds when it is built, and the
 * program never reads the figure. So it may change on a live root, under
 * the writers' lock, as long as what the live generation holds fits: the
 * next change simply checks against the new figure.
 */
VOSFP_API int vosfp_policy_set_capacity(struct vosfp *h, int list, uint32_t capacity)
{
	static const char *const what[3] = { "IPv4 /24 slots", "expiring IPv4 hosts",
					     "expanded IPv6 prefixes" };
	struct vosfp_pol_state st;
	const struct vosfp_pol_gen *live;
	int lock, err;

	if (!h)
		return vosfp__no_handle(__func__);
	if (vosfp__check_list(h, list))
		return -EINVAL;
	if (!capacity || capacity > VOSFP__MAX_CAPACITY)
		return vosfp__fail(h, -EINVAL, "a capacity is 1 to %u entries, not %u",
				   VOSFP__MAX_CAPACITY, capacity);
	lock = pol_lock(h, false);
	if (lock < 0)
		return lock;
	err = pol_state_read(h, &st);
	live = err ? NULL : &st.gens[list][pol_live(&st, list)];
	if (!err && live->entries > capacity)
		err = vosfp__fail(h, -ENOSPC,
				  "the %s list holds %u entries, more than a capacity of %u",
				  vosfp_list_name(list), live->entries, capacity);
	for (int k = 0; !err && k < TBL__COUNT; k++)
		if (live->tbl[k].keys > capacity)
			err = vosfp__fail(h, -ENOSPC,
					  "the %s list uses %u %s, more than a capacity of %u",
					  vosfp_list_name(list), live->tbl[k].keys, what[k],
					  capacity);
	if (!err && st.capacity[list] != capacity) {
		st.capacity[list] = capacity;
		err = pol_state_write(h, &st);
	}
	pol_unlock(lock);
	return err ? err : vosfp__ok(h);
}

/* Sort and fold duplicates: the later of two expiries, permanent first. */
static size_t dedupe(struct pol_entry *e, size_t n)
{
	size_t out = 0;

	pol_sort_entries(e, n);
	for (size_t i = 0; i < n; i++) {
		if (out && !pol_entry_cmp(&e[out - 1], &e[i])) {
			uint64_t a = e[out - 1].expires_ns, b = e[i].expires_ns;

			e[out - 1].expires_ns = !a || !b ? 0 : a > b ? a : b;
			continue;
		}
		e[out++] = e[i];
	}
	return out;
}

static int capacity_error(struct vosfp *h, int list, size_t want, uint32_t capacity,
			  const char *what)
{
	return vosfp__fail(h, -ENOSPC, "the %s list needs %zu %s, its capacity is %u",
			   vosfp_list_name(list), want, what, capacity);
}

static int build(struct vosfp *h, int list, const struct pol_entry *e, size_t n, uint64_t now,
		 uint32_t capacity, struct pol_model *m)
{
	const char *what;
	int err;

	if (n > capacity)
		return capacity_error(h, list, n, capacity, "entries");
	err = pol_model_build(e, n, now, capacity, m, &what);
	if (err == -ENOSPC)
		return capacity_error(h, list, (size_t)capacity + 1, capacity, what);
	if (err)
		return vosfp__fail(h, err, "out of memory building the %s list",
				   vosfp_list_name(list));
	return 0;
}

/* The live generation's maps, with its TABLEs mapped; -ENOENT (not
 * recorded) before the first write to a new root. */
static int live_gen(struct vosfp *h, struct pol_gen *g)
{
	int err = pol_gen_get(h, g);

	if (!err) {
		err = pol_gen_map_tables(h, g);
		if (err)
			pol_gen_close(g);
	}
	return err;
}

/*
 * Write entries e[0..n) (sorted, without duplicates) as the other
 * generation of the list, with fresh maps sized for them, and make it
 * live: the atomic replace, and a change's way out when the live
 * generation's tables have no room for it. The caller holds the lock.
 */
static int new_generation(struct vosfp *h, int list, struct vosfp_pol_state *st,
			  const struct pol_entry *e, size_t n, uint64_t now)
{
	struct pol_model model = { 0 };
	struct pol_gen g;
	struct vosfp_bits4 *bits = malloc(VOSFP_BITS4_WORDS * sizeof(*bits));
	uint64_t *bloom = malloc(VOSFP_BLOOM6_WORDS * sizeof(*bloom));
	uint32_t next = pol_live(st, list) ^ 1;
	int err = bits && bloom ? 0 : vosfp__fail(h, -ENOMEM, "out of memory");

	pol_gen_init(&g, st, list, next);

	/* Fresh inner maps: whatever a killed writer left in the other
	 * generation's is dropped with them. Its bits and Bloom words are
	 * shared storage: read back, so that leftovers are overwritten too. */
	if (!err)
		err = build(h, list, e, n, now, st->capacity[list], &model);
	/* Tables sized for the model; twice or four times that in the
	 * unlikely case that a key still lands too far from home. */
	for (int grow = 0; !err && grow < 3; grow++) {
		size_t keys[TBL__COUNT] = { model.n_slots << grow, model.n_hosts << grow,
					    model.n_nets << grow };

		err = pol_gen_create(h, &g, st->capacity[list], n, keys);
		if (!err)
			err = pol_shared_read(h, &g, bits, bloom);
		if (!err)
			err = pol_model_write(h, &g, NULL, bits, bloom, &model);
		if (err != POL_TABLES_FULL)
			break;
		err = grow < 2 ? 0 : vosfp__fail(h, -ENOSPC, "the %s list's tables overflow",
						 vosfp_list_name(list));
	}
	if (!err)
		err = pol_entries_write(h, &g, e, n);
	if (!err)
		err = pol_gen_install(h, &g);
	if (!err) {
		/* Describe the new generation first (its TABLEs' figures are
		 * in g.rec already), then make it live. */
		g.rec->tbl[TBL_SLOT].keys = (uint32_t)model.n_slots;
		g.rec->tbl[TBL_HOST].keys = (uint32_t)model.n_hosts;
		g.rec->tbl[TBL_NET6].keys = (uint32_t)model.n_nets;
		g.rec->v4_used = model.v4_used;
		g.rec->v6_levels = model.v6_levels;
		err = pol_state_write(h, st);
	}
	if (!err) {
		st->gen[list] = next;
		st->dirty[list] = 0; /* the live maps are these, fully written */
		err = pol_state_write(h, st);
	}
	pol_model_free(&model);
	pol_gen_close(&g);
	free(bits);
	free(bloom);
	return err;
}

static struct pol_entry *sorted_copy(const struct pol_entry *e, size_t *n)
{
	struct pol_entry *c = malloc((*n + 1) * sizeof(*c));

	if (c) {
		if (*n) /* e may be NULL for an empty list: memcpy's NULL is undefined */
			memcpy(c, e, *n * sizeof(*c));
		*n = dedupe(c, *n);
	}
	return c;
}

/*
 * old (sorted) with removes taken out, adds put in (an add replaces an
 * entry with the same prefix) and expired entries dropped, in one
 * merge-walk of the three sorted lists. *present counts the adds and
 * removes that found their prefix on the list.
 */
static int merge(const struct pol_entry *old, size_t n_old, const struct pol_entry *adds_in,
		 size_t n_adds, const struct pol_entry *removes_in, size_t n_removes,
		 uint64_t now, struct pol_entry **out, size_t *n, int *present)
{
	struct pol_entry *adds = sorted_copy(adds_in, &n_adds);
	struct pol_entry *removes = sorted_copy(removes_in, &n_removes);
	struct pol_entry *e = malloc((n_old + n_adds + 1) * sizeof(*e));
	size_t k = 0, a = 0, r = 0;

	if (!adds || !removes || !e) {
		free(adds);
		free(removes);
		free(e);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n_old; i++) {
		bool expired = pol_entry_expired(&old[i], now);

		while (a < n_adds && pol_entry_cmp(&adds[a], &old[i]) < 0)
			e[k++] = adds[a++];
		while (r < n_removes && pol_entry_cmp(&removes[r], &old[i]) < 0)
			r++;
		if (a < n_adds && !pol_entry_cmp(&adds[a], &old[i])) {
			*present += !expired;
			e[k++] = adds[a++];
		} else if (r < n_removes && !pol_entry_cmp(&removes[r], &old[i])) {
			*present += !expired;
		} else if (!expired) {
			e[k++] = old[i];
		}
	}
	while (a < n_adds)
		e[k++] = adds[a++];
	free(adds);
	free(removes);
	*out = e;
	*n = k;
	return 0;
}

/* Above this many changed entries a change rebuilds the whole list's
 * model (still writing only what differs): filtering would cost more. */
#define REGION_MAX_CHANGES 4096

/* What the program's state word says of a whole list. */
static void summarize(const struct pol_entry *e, size_t n, uint64_t now, uint32_t *v4_used,
		      uint32_t *v6_levels)
{
	*v4_used = 0;
	*v6_levels = 0;
	for (size_t i = 0; i < n; i++) {
		if (pol_entry_expired(&e[i], now))
			continue;
		if (e[i].key.family == 4)
			*v4_used = 1;
		else
			*v6_levels |= 1u << ((e[i].key.len + 7u) / 8);
	}
}

static size_t count_expired(const struct pol_entry *e, size_t n, uint64_t now)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += pol_entry_expired(&e[i], now);
	return k;
}

/* The part of old and new a change touches: the entries changed (added,
 * removed, expired) and those sharing derived records with them. */
static int region_subsets(const struct pol_entry *old, size_t n_old, const struct pol_entry *new,
			  size_t n_new, const struct pol_entry *adds, size_t n_adds,
			  const struct pol_entry *removes, size_t n_removes, uint64_t now,
			  struct pol_entry **old_sub, size_t *n_old_sub, struct pol_entry **new_sub,
			  size_t *n_new_sub)
{
	struct pol_region r;
	int err = pol_region_init(&r, n_adds + n_removes + count_expired(old, n_old, now));

	if (err)
		return err;
	for (size_t i = 0; i < n_adds; i++)
		pol_region_add(&r, &adds[i]);
	for (size_t i = 0; i < n_removes; i++)
		pol_region_add(&r, &removes[i]);
	for (size_t i = 0; i < n_old; i++)
		if (pol_entry_expired(&old[i], now))
			pol_region_add(&r, &old[i]);
	pol_region_seal(&r);
	err = pol_region_filter(&r, old, n_old, old_sub, n_old_sub);
	if (!err) {
		err = pol_region_filter(&r, new, n_new, new_sub, n_new_sub);
		if (err)
			free(*old_sub);
	}
	pol_region_free(&r);
	return err;
}

/* Derived elements after the change must fit the capacity: checked
 * before anything is written, so that a full list changes nothing. */
static int check_derived(struct vosfp *h, int list, uint32_t capacity, const struct pol_gen *g,
			 const struct pol_model *old, const struct pol_model *new, bool region,
			 uint32_t out[3])
{
	static const char *const what[3] = { "IPv4 /24 slots", "expiring IPv4 hosts",
					     "expanded IPv6 prefixes" };
	size_t before[3] = { old->n_slots, old->n_hosts, old->n_nets };
	size_t after[3] = { new->n_slots, new->n_hosts, new->n_nets };

	for (int k = 0; k < TBL__COUNT; k++) {
		size_t total = region ? g->rec->tbl[k].keys - before[k] + after[k] : after[k];

		if (total > capacity)
			return capacity_error(h, list, total, capacity, what[k]);
		out[k] = (uint32_t)total;
	}
	return 0;
}

int vosfp__policy_change(struct vosfp *h, int list, const struct pol_entry *adds, size_t n_adds,
			 const struct pol_entry *removes, size_t n_removes, int *present)
{
	struct pol_model old_model = { 0 }, new_model = { 0 };
	struct pol_entry *old = NULL, *new = NULL, *old_sub = NULL, *new_sub = NULL;
	struct pol_gen g = POL_GEN_NONE;
	struct vosfp_pol_state st;
	size_t n_old = 0, n_new = 0, n_old_sub = 0, n_new_sub = 0;
	uint64_t now = vosfp__now_ns(), *kernel_bloom = NULL;
	uint32_t derived[3];
	bool region = false, none = false;
	int lock, err;

	*present = 0;
	lock = pol_lock(h, false);
	if (lock < 0)
		return lock;
	err = pol_state_read(h, &st);
	if (!err) {
		pol_gen_init(&g, &st, list, pol_live(&st, list));
		err = live_gen(h, &g);
		none = err == -ENOENT; /* nothing written yet */
		if (none)
			err = 0;
	}
	if (!err && !none)
		err = pol_entries_read(h, &g, &old, &n_old);
	if (!err && merge(old, n_old, adds, n_adds, removes, n_removes, now, &new, &n_new,
			  present))
		err = vosfp__fail(h, -ENOMEM, "out of memory");
	if (!err && n_new > st.capacity[list])
		err = capacity_error(h, list, n_new, st.capacity[list], "entries");
	/* Nothing written yet, a writer that died halfway through the live
	 * maps (its entries were not switched: old is the list it started
	 * from), or more entries than the live generation has room for: the
	 * list goes to a new generation, built from the entries alone. */
	if (!err && (none || st.dirty[list] || n_new > g.entries_room)) {
		err = new_generation(h, list, &st, new, n_new, now);
		goto out;
	}
	region = n_adds + n_removes + count_expired(old, n_old, now) <= REGION_MAX_CHANGES;
	if (!err && region &&
	    region_subsets(old, n_old, new, n_new, adds, n_adds, removes, n_removes, now,
			   &old_sub, &n_old_sub, &new_sub, &n_new_sub))
		err = vosfp__fail(h, -ENOMEM, "out of memory");
	/* The old model as written (expired entries kept), so that the diff
	 * also deletes what they left behind. */
	if (!err)
		err = build(h, list, region ? old_sub : old, region ? n_old_sub : n_old, 0,
			    UINT32_MAX, &old_model);
	if (!err)
		err = build(h, list, region ? new_sub : new, region ? n_new_sub : n_new, now,
			    st.capacity[list], &new_model);
	if (!err)
		err = check_derived(h, list, st.capacity[list], &g, &old_model, &new_model, region,
				    derived);
	/* A subset's Bloom words miss the bits of the entries outside it:
	 * add its bits to the kernel's words instead. Bits of removed
	 * prefixes stay until the next replace: a false positive costs one
	 * table lookup, never a wrong verdict. */
	if (!err && region) {
		kernel_bloom = malloc(VOSFP_BLOOM6_WORDS * sizeof(*kernel_bloom));
		err = kernel_bloom ? pol_bloom_read(h, &g, kernel_bloom)
				   : vosfp__fail(h, -ENOMEM, "out of memory");
		for (uint32_t w = 0; !err && w < VOSFP_BLOOM6_WORDS; w++)
			new_model.bloom[w] |= kernel_bloom[w];
	}
	if (!err) {
		st.dirty[list] = 1; /* cleared by the state write that ends the change */
		err = pol_state_write(h, &st);
	}
	if (!err)
		err = pol_model_write(h, &g, &old_model, NULL, kernel_bloom, &new_model);
	if (err == POL_TABLES_FULL) {
		/* The live tables have no room: the list moves to a new
		 * generation sized for it (the live one may hold part of the
		 * change meanwhile: additions and changes, never a loss). */
		err = new_generation(h, list, &st, new, n_new, now);
		goto out;
	}
	if (!err)
		err = pol_entries_write(h, &g, new, n_new);
	if (!err) {
		for (int k = 0; k < TBL__COUNT; k++)
			g.rec->tbl[k].keys = derived[k];
		summarize(new, n_new, now, &g.rec->v4_used, &g.rec->v6_levels);
		st.dirty[list] = 0;
		err = pol_state_write(h, &st);
	}
out:
	pol_model_free(&old_model);
	pol_model_free(&new_model);
	free(kernel_bloom);
	free(old_sub);
	free(new_sub);
	free(old);
	free(new);
	pol_gen_close(&g);
	pol_unlock(lock);
	return err;
}

int vosfp__policy_replace(struct vosfp *h, int list, const struct pol_entry *entries, size_t n)
{
	struct vosfp_pol_state st;
	struct pol_entry *e = malloc((n + 1) * sizeof(*e));
	int lock, err;

	if (!e)
		return vosfp__fail(h, -ENOMEM, "out of memory");
	if (n) /* entries may be NULL for an empty list */
		memcpy(e, entries, n * sizeof(*e));
	n = dedupe(e, n);
	lock = pol_lock(h, false);
	if (lock < 0) {
		free(e);
		return lock;
	}
	err = pol_state_read(h, &st);
	if (!err)
		err = new_generation(h, list, &st, e, n, vosfp__now_ns());
	pol_unlock(lock);
	free(e);
	return err;
}

int vosfp__policy_snapshot(struct vosfp *h, int list, struct pol_entry **out, size_t *n)
{
	struct pol_gen g;
	struct vosfp_pol_state st;
	int lock, err;

	*out = NULL;
	*n = 0;
	/* Shared: no writer is halfway through the entries meanwhile. */
	lock = pol_lock(h, true);
	if (lock < 0)
		return lock;
	err = pol_state_read(h, &st);
	if (!err) {
		pol_gen_init(&g, &st, list, pol_live(&st, list));
		err = pol_gen_get(h, &g);
		if (err == -ENOENT)
			err = 0; /* never written: empty */
		else if (!err) {
			err = pol_entries_read(h, &g, out, n);
			pol_gen_close(&g);
		}
	}
	pol_unlock(lock);
	return err;
}
