// SPDX-License-Identifier: BSD-2-Clause
/*
 * pol_sort_entries against qsort with the same comparator: random lists of
 * mixed families and lengths, with duplicate keys and with long runs of
 * IPv6 prefixes that share their first 32 bits (the radix key's ties), at
 * sizes below and above the radix threshold. Keys must come out in the
 * same order; entries with equal keys may come in any order, so each run of
 * equal keys is compared as a multiset of expiries.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "policy/model.h"
#include "policy/sort.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* One entry; shared_v6 in [0, 1]: the share of IPv6 entries inside one /32. */
static void random_entry(struct pol_entry *e, double shared_v6)
{
	uint64_t r = next_random();

	memset(e, 0, sizeof(*e));
	if (r & 1) {
		uint32_t a = (uint32_t)(next_random() % 4096); /* few: duplicates */

		e->key.family = 4;
		e->key.len = (uint8_t)(16 + (r >> 8) % 17);
		memcpy(e->key.addr, &a, sizeof(a));
	} else {
		uint64_t lo = next_random(), hi = next_random();

		e->key.family = 6;
		e->key.len = (uint8_t)(32 + 16 * ((r >> 8) % 7));
		memcpy(e->key.addr, &hi, 8);
		memcpy(e->key.addr + 8, &lo, 8);
		if ((double)(next_random() % 1000) < shared_v6 * 1000)
			memcpy(e->key.addr, "\x20\x01\x0d\xb8", 4);
	}
	e->expires_ns = next_random() % 3; /* what tells equal keys apart */
}

static int by_expiry(const void *a, const void *b)
{
	uint64_t x = ((const struct pol_entry *)a)->expires_ns;
	uint64_t y = ((const struct pol_entry *)b)->expires_ns;

	return (x > y) - (x < y);
}

/* Same key order; within a run of equal keys, the same expiries. */
static void assert_same_order(struct pol_entry *got, struct pol_entry *want, size_t n)
{
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && !pol_entry_cmp(&want[i], &want[j]); j++)
			;
		for (size_t k = i; k < j; k++)
			assert_int_equal(pol_entry_cmp(&got[k], &want[i]), 0);
		qsort(got + i, j - i, sizeof(*got), by_expiry);
		qsort(want + i, j - i, sizeof(*want), by_expiry);
		for (size_t k = i; k < j; k++)
			assert_int_equal(got[k].expires_ns, want[k].expires_ns);
	}
}

static void check(size_t n, double shared_v6)
{
	struct pol_entry *got = malloc(n * sizeof(*got)), *want = malloc(n * sizeof(*want));

	assert_non_null(got);
	assert_non_null(want);
	for (size_t i = 0; i < n; i++)
		random_entry(&got[i], shared_v6);
	memcpy(want, got, n * sizeof(*got));
	pol_sort_entries(got, n);
	qsort(want, n, sizeof(*want), pol_entry_cmp);
	assert_same_order(got, want, n);
	free(got);
	free(want);
}

static void test_small_lists(void **state)
{
	(void)state;
	for (size_t n = 0; n < 64; n++)
		check(n, 0.5);
	check(4095, 0.1);
}

static void test_large_lists(void **state)
{
	(void)state;
	check(4096, 0.0);
	check(100000, 0.0);
	check(100000, 0.3);
	check(200000, 1.0); /* every IPv6 entry in one /32: long tie runs */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small_lists),
		cmocka_unit_test(test_large_lists),
	};

	return cmocka_run_group_tests_name("policy-sort", tests, NULL, NULL);
}
