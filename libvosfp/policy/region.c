// SPDX-License-Identifier: BSD-2-Clause
/* The region a small change touches (see region.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "region.h"

/* The bits4 words an IPv4 entry covers: [*first, *last]. */
static void words_of(const struct pol_entry *e, uint32_t *first, uint32_t *last)
{
	uint32_t a = ntohl(*(const uint32_t *)e->key.addr), len = e->key.len;
	uint32_t slot = a >> 8, count = len <= 24 ? 1u << (24 - len) : 1;

	*first = slot >> 6;
	*last = (slot + count - 1) >> 6;
}

/* The IPv6 block of an entry: its level, and the address above the byte
 * its expansion varies (entries expand only within that byte). */
static void block_of(const struct pol_entry *e, struct vosfp_net6_key *k)
{
	uint32_t level = (e->key.len + 7u) / 8 * 8;

	memset(k, 0, sizeof(*k));
	k->level = level;
	if (level > 8)
		memcpy(k->addr, e->key.addr, level / 8 - 1);
}

static int block_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct vosfp_net6_key));
}

int pol_region_init(struct pol_region *r, size_t max_changes)
{
	r->words4 = calloc(VOSFP_BITS4_WORDS / 64, sizeof(uint64_t));
	r->blocks6 = malloc((max_changes + 1) * sizeof(*r->blocks6));
	r->n_blocks6 = 0;
	if (!r->words4 || !r->blocks6) {
		pol_region_free(r);
		return -ENOMEM;
	}
	return 0;
}

void pol_region_add(struct pol_region *r, const struct pol_entry *e)
{
	uint32_t first, last;

	if (e->key.family == 6) {
		block_of(e, &r->blocks6[r->n_blocks6++]);
		return;
	}
	words_of(e, &first, &last);
	for (uint32_t w = first; w <= last; w++)
		r->words4[w >> 6] |= 1ull << (w & 63);
}

void pol_region_seal(struct pol_region *r)
{
	qsort(r->blocks6, r->n_blocks6, sizeof(*r->blocks6), block_cmp);
}

bool pol_region_touches(const struct pol_region *r, const struct pol_entry *e)
{
	struct vosfp_net6_key k;
	uint32_t first, last;

	if (e->key.family == 6) {
		block_of(e, &k);
		return bsearch(&k, r->blocks6, r->n_blocks6, sizeof(k), block_cmp) != NULL;
	}
	words_of(e, &first, &last);
	for (uint32_t w = first; w <= last; w++)
		if ((r->words4[w >> 6] >> (w & 63)) & 1)
			return true;
	return false;
}

int pol_region_filter(const struct pol_region *r, const struct pol_entry *e, size_t n,
		      struct pol_entry **out, size_t *n_out)
{
	size_t k = 0, cap = 64;
	struct pol_entry *f = malloc(cap * sizeof(*f));

	if (!f)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (!pol_region_touches(r, &e[i]))
			continue;
		if (k == cap) {
			struct pol_entry *g = realloc(f, (cap *= 2) * sizeof(*f));

			if (!g) {
				free(f);
				return -ENOMEM;
			}
			f = g;
		}
		f[k++] = e[i];
	}
	*out = f;
	*n_out = k;
	return 0;
}

void pol_region_free(struct pol_region *r)
{
	free(r->words4);
	free(r->blocks6);
	r->words4 = NULL;
	r->blocks6 = NULL;
}
