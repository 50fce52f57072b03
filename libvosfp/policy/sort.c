// SPDX-License-Identifier: BSD-2-Clause
/*
 * A million entries sorted by qsort took about a third of a second, most of
 * a load's user time. Here: a least-significant-digit radix sort, 16 bits a
 * pass, on a 64-bit head of each record that orders records as far as it
 * goes (for entries, the first 8 bytes of the key read big-endian, so the
 * order is memcmp's), carrying the record's index; passes whose digit is
 * the same for every record are skipped (the key's padding, a list of one
 * family). Then the records are gathered in that order and each run of
 * equal heads (IPv6 prefixes inside one /32) is finished by qsort on the
 * whole key.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sort.h"

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

void pol_sort(void *base, size_t n, size_t size, uint64_t (*key)(const void *),
	      int (*cmp)(const void *, const void *))
{
	char *recs = base, *out;
	struct keyed *a, *b;
	size_t *count;

	if (n < 2) /* sorted already; base may be NULL, and qsort's NULL is undefined */
		return;
	if (n < RADIX_MIN) {
		qsort(base, n, size, cmp);
		return;
	}
	a = malloc(n * sizeof(*a));
	b = malloc(n * sizeof(*b));
	out = malloc(n * size);
	count = malloc(DIGITS * sizeof(*count));
	if (!a || !b || !out || !count) {
		qsort(base, n, size, cmp);
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		a[i].head = key(recs + i * size);
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
		memcpy(out + i * size, recs + a[i].idx * size, size);
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && a[j].head == a[i].head; j++)
			;
		if (j - i > 1)
			qsort(out + i * size, j - i, size, cmp);
	}
	memcpy(base, out, n * size);
done:
	free(a);
	free(b);
	free(out);
	free(count);
}
