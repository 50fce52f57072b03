// SPDX-License-Identifier: BSD-2-Clause
/*
 * A million entries sorted by qsort took about a third of a second, most of
 * a load's user time. Here: a least-significant-digit radix sort, 16 bits a
 * pass, on the first 8 bytes of each key read big-endian (so the order is
 * memcmp's), carrying the entry's index; passes whose digit is the same for
 * every entry are skipped (the key's padding, a list of one family). Then
 * the entries are gathered in that order and each run of equal first 8
 * bytes (IPv6 prefixes inside one /32) is finished by qsort on the whole
 * key.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy_sort.h"

/* Below this, qsort is as fast and needs no scratch memory. */
#define RADIX_MIN 4096
#define DIGIT_BITS 16
#define DIGITS (1u << DIGIT_BITS)

struct keyed {
	uint64_t head; /* key bytes 0..7, big-endian */
	uint64_t idx;
};

/* One stable counting pass on the digit at shift; 0 if it was skipped
 * (every entry has the same digit), 1 if out now holds the result. */
static int radix_pass(const struct keyed *in, struct keyed *out, size_t n, unsigned shift,
		      size_t *count)
{
	size_t sum = 0;

	memset(count, 0, DIGITS * sizeof(*count));
	for (size_t i = 0; i < n; i++)
		count[(in[i].head >> shift) & (DIGITS - 1)]++;
	if (count[(in[0].head >> shift) & (DIGITS - 1)] == n)
		return 0;
	for (size_t d = 0; d < DIGITS; d++) {
		size_t c = count[d];

		count[d] = sum;
		sum += c;
	}
	for (size_t i = 0; i < n; i++)
		out[count[(in[i].head >> shift) & (DIGITS - 1)]++] = in[i];
	return 1;
}

void pol_sort_entries(struct pol_entry *e, size_t n)
{
	struct keyed *a, *b;
	struct pol_entry *out;
	size_t *count;

	if (n < RADIX_MIN) {
		qsort(e, n, sizeof(*e), pol_entry_cmp);
		return;
	}
	a = malloc(n * sizeof(*a));
	b = malloc(n * sizeof(*b));
	out = malloc(n * sizeof(*out));
	count = malloc(DIGITS * sizeof(*count));
	if (!a || !b || !out || !count) {
		qsort(e, n, sizeof(*e), pol_entry_cmp);
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		a[i].head = pol_be64_at(&e[i].key);
		a[i].idx = i;
	}
	for (unsigned shift = 0; shift < 64; shift += DIGIT_BITS) {
		if (radix_pass(a, b, n, shift, count)) {
			struct keyed *t = a;

			a = b;
			b = t;
		}
	}
	for (size_t i = 0; i < n; i++)
		out[i] = e[a[i].idx];
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && a[j].head == a[i].head; j++)
			;
		if (j - i > 1)
			qsort(out + i, j - i, sizeof(*out), pol_entry_cmp);
	}
	memcpy(e, out, n * sizeof(*e));
done:
	free(a);
	free(b);
	free(out);
	free(count);
}
