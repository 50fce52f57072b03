// SPDX-License-Identifier: BSD-2-Clause
/* The fleet's memory of recent event ids (see fleet_internal.h). */
#include <string.h>

#include "fleet_internal.h"

static uint64_t id_hash(const char *id)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */

	for (; *id; id++) {
		h ^= (unsigned char)*id;
		h *= 1099511628211ULL;
	}
	return h ? h : 1;
}

/* 1 if h is in the table; else 0 and, with add, h is put in. */
static int probe(uint64_t *slots, uint64_t h, int add)
{
	for (size_t i = h % FLEET_SEEN_SLOTS;; i = (i + 1) % FLEET_SEEN_SLOTS) {
		if (slots[i] == h)
			return 1;
		if (!slots[i]) {
			if (add)
				slots[i] = h;
			return 0;
		}
	}
}

int fleet_seen_check(struct fleet_seen *s, const char *id)
{
	uint64_t h = id_hash(id);

	if (probe(s->gen[!s->cur], h, 0) || probe(s->gen[s->cur], h, 0))
		return 1;
	if (s->count == FLEET_SEEN_GEN) {
		s->cur = !s->cur;
		memset(s->gen[s->cur], 0, sizeof(s->gen[s->cur]));
		s->count = 0;
	}
	probe(s->gen[s->cur], h, 1);
	s->count++;
	return 0;
}
