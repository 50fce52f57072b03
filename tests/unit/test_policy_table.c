// SPDX-License-Identifier: BSD-2-Clause
/*
 * The policy TABLEs (libvosfp/policy/table.c) in plain memory: what a
 * reader following the program's rules (bpf/policy_lookup.h, tbl_find4) finds
 * after puts, updates and deletions, and the limits that send a change to
 * a new generation (too full, a key too far from home, no record room).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "policy/table.h"

/* A table of the size the library would give keys keys, in memory: of
 * IPv4 keys (slot4 with records, host4), or of IPv6 keys. */
static void table_for(struct pol_table *t, size_t keys, int records, int ipv6)
{
	memset(t, 0, sizeof(*t));
	t->st = calloc(1, sizeof(*t->st)); /* the state's figures */
	assert_non_null(t->st);
	t->ways = ipv6 ? VOSFP_TBL_WAYS6 : VOSFP_TBL_WAYS4;
	t->st->buckets = pol_table_buckets(keys, t->ways);
	t->elems = pol_table_elems(t->st->buckets, keys, records);
	t->mem = calloc(t->elems, sizeof(*t->mem));
	assert_non_null(t->mem);
}

/* The program's searches (tbl_find4, tbl_find6): from home, at most
 * VOSFP_TBL_PROBES buckets, an empty entry ends it, a deleted key is
 * absent. */
static int find(const struct pol_table *t, uint32_t home, uint32_t tag, uint32_t key4,
		uint64_t hi, uint64_t lo, uint64_t *val)
{
	for (uint32_t i = 0; i < VOSFP_TBL_PROBES; i++) {
		const struct vosfp_tbl_bucket *b = &t->mem[(home + i) & (t->st->buckets - 1)];

		for (uint32_t w = 0; w < t->ways; w++) {
			uint32_t etag = t->ways == VOSFP_TBL_WAYS4 ? b->e4[w].tag : b->e6[w].tag;
			int same = t->ways == VOSFP_TBL_WAYS4
					   ? b->e4[w].key4 == key4
					   : b->e6[w].hi == hi && b->e6[w].lo == lo;
			uint64_t v = t->ways == VOSFP_TBL_WAYS4 ? b->e4[w].val : b->e6[w].val;

			if (!etag)
				return 0;
			if (etag == tag && same) {
				*val = v;
				return v != VOSFP_TBL_TOMB;
			}
		}
	}
	return 0;
}

static int find4(const struct pol_table *t, uint32_t key, uint64_t *val)
{
	return find(t, vosfp_tbl_home4(key), VOSFP_TBL_TAG4, key, 0, 0, val);
}

static int put4(struct pol_table *t, uint32_t key, uint64_t val)
{
	return pol_table_put(t, vosfp_tbl_home4(key), VOSFP_TBL_TAG4, key, 0, 0, val);
}

static void test_put_update_delete(void **state)
{
	struct pol_table t;
	uint64_t v;
	uint32_t filled;

	(void)state;
	/* Neighbouring /24s, the common case of real lists. */
	table_for(&t, 20000, 0, 0);
	for (uint32_t k = 0; k < 20000; k++)
		assert_int_equal(put4(&t, 0xc00000 + k, 1000 + k), 0);
	assert_int_equal(t.st->filled, 20000);
	for (uint32_t k = 0; k < 20000; k++) {
		assert_true(find4(&t, 0xc00000 + k, &v));
		assert_int_equal(v, 1000 + k);
	}
	assert_false(find4(&t, 0xc00000 + 20000, &v));
	assert_false(find4(&t, 0, &v));
	/* An update keeps the entry; a deletion hides the key only. */
	assert_int_equal(put4(&t, 0xc00005, 7), 0);
	for (uint32_t k = 0; k < 20000; k += 2)
		assert_int_equal(pol_table_del(&t, vosfp_tbl_home4(0xc00000 + k), VOSFP_TBL_TAG4,
					       0xc00000 + k, 0, 0),
				 0);
	for (uint32_t k = 0; k < 20000; k++)
		assert_int_equal(find4(&t, 0xc00000 + k, &v), k % 2);
	assert_true(find4(&t, 0xc00005, &v));
	assert_int_equal(v, 7);
	/* A deleted key comes back in its own entry. */
	filled = t.st->filled;
	assert_int_equal(put4(&t, 0xc00000, 99), 0);
	assert_true(find4(&t, 0xc00000, &v));
	assert_int_equal(v, 99);
	assert_int_equal(t.st->filled, filled);
	/* Deleting what is not there changes nothing. */
	assert_int_equal(pol_table_del(&t, vosfp_tbl_home4(7), VOSFP_TBL_TAG4, 7, 0, 0), 0);
	assert_int_equal(t.st->filled, filled);
	free(t.mem);
	free(t.st);
}

static void test_ipv6_keys(void **state)
{
	struct pol_table t;
	uint64_t v;

	(void)state;
	table_for(&t, 5000, 0, 1);
	/* Prefixes of one /32 that differ in one byte far down: they must
	 * not pile up on one home bucket (they did with a weaker hash). */
	for (uint64_t k = 0; k < 5000; k++) {
		uint64_t hi = 0x20010db800000000ull, lo = k << 48;
		uint64_t x = vosfp_net6_hash(hi, lo, 128);

		assert_int_equal(pol_table_put(&t, vosfp_net6_home(x), 129, 0, hi, lo, k), 0);
	}
	for (uint64_t k = 0; k < 5000; k++) {
		uint64_t hi = 0x20010db800000000ull, lo = k << 48;
		uint64_t x = vosfp_net6_hash(hi, lo, 128);

		assert_true(find(&t, vosfp_net6_home(x), 129, 0, hi, lo, &v));
		assert_int_equal(v, k);
		/* The same address at another level is another key. */
		assert_false(find(&t, vosfp_net6_home(x), 121, 0, hi, lo, &v));
	}
	free(t.mem);
	free(t.st);
}

static void test_limits(void **state)
{
	struct pol_table t;
	struct vosfp_slot4 rec = { .host_ttls = 1 };
	uint64_t index, v;
	uint32_t room;

	(void)state;
	/* Too full: a change may fill half of the entries. */
	table_for(&t, 1, 0, 0);
	assert_int_equal(t.st->buckets * t.ways, 16);
	for (uint32_t k = 0; k < 8; k++)
		assert_int_equal(put4(&t, k, k), 0);
	assert_int_equal(put4(&t, 8, 8), -ENOSPC);
	assert_false(find4(&t, 8, &v));
	assert_int_equal(put4(&t, 3, 33), 0); /* updates still go in */
	free(t.mem);
	free(t.st);

	/* Too far from home: keys that all start at one bucket fill the
	 * VOSFP_TBL_PROBES buckets a search reads, and no more. */
	for (int ipv6 = 0; ipv6 < 2; ipv6++) {
		uint32_t tag = ipv6 ? 129 : VOSFP_TBL_TAG4;

		table_for(&t, 1000, 0, ipv6);
		for (uint32_t k = 0; k < VOSFP_TBL_PROBES * t.ways; k++)
			assert_int_equal(pol_table_put(&t, 5, tag, ipv6 ? 0 : k, ipv6 ? k : 0, 0, k), 0);
		assert_int_equal(pol_table_put(&t, 5, tag, ipv6 ? 0 : 999, ipv6 ? 999 : 0, 0, 1),
				 -ENOSPC);
		for (uint32_t k = 0; k < VOSFP_TBL_PROBES * t.ways; k++)
			assert_true(find(&t, 5, tag, ipv6 ? 0 : k, ipv6 ? k : 0, 0, &v));
		free(t.mem);
		free(t.st);
	}

	/* Records: as many as there is room for past the buckets. */
	table_for(&t, 10, 1, 0);
	room = t.elems - t.st->buckets;
	assert_true(room >= 10);
	for (uint32_t k = 0; k < room; k++) {
		assert_int_equal(pol_table_record(&t, &rec, &index), 0);
		assert_int_equal(index, t.st->buckets + k);
		assert_int_equal(((struct vosfp_slot4 *)&t.mem[index])->host_ttls, 1);
	}
	assert_int_equal(pol_table_record(&t, &rec, &index), -ENOSPC);
	free(t.mem);
	free(t.st);
}

/* A writer killed after storing records, before the state said how many:
 * the next one starts from the stale count and must not reuse them. */
static void test_records_after_a_killed_writer(void **state)
{
	struct pol_table t;
	struct vosfp_slot4 rec = { .whole_expires_ns = 5 };
	uint64_t first, index;

	(void)state;
	table_for(&t, 100, 1, 0);
	for (int k = 0; k < 3; k++)
		assert_int_equal(pol_table_record(&t, &rec, &first), 0);
	t.st->records = 0; /* the count the state still holds */
	assert_int_equal(pol_table_record(&t, &rec, &index), 0);
	assert_int_equal(index, first + 1);
	assert_int_equal(t.st->records, 4);
	free(t.mem);
	free(t.st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_update_delete),
		cmocka_unit_test(test_ipv6_keys),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_records_after_a_killed_writer),
	};

	return cmocka_run_group_tests_name("policy-table", tests, NULL, NULL);
}
