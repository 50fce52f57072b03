// SPDX-License-Identifier: BSD-2-Clause
/*
 * Which entries of a list cover one address: the policy engine's answer
 * to "why is this source blocked (or trusted)?" (vosfp_explain_source).
 * A linear pass over a snapshot of the entries: explaining is rare, and
 * the entries are what the operator wrote, where the derived tables would
 * only say that some entry covers it.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

/* Whether the first len bits of a and b agree. */
static int prefix_covers(const uint8_t *net, uint32_t len, const uint8_t *addr)
{
	uint32_t whole = len / 8, rest = len % 8;

	if (memcmp(net, addr, whole))
		return 0;
	if (!rest)
		return 1;
	return !((net[whole] ^ addr[whole]) & (uint8_t)(0xff << (8 - rest)));
}

/* 1 if entry a holds longer than b: permanent, else later expiry, else
 * the longer prefix. */
static int holds_longer(const struct pol_entry *a, const struct pol_entry *b)
{
	if (a->expires_ns != b->expires_ns) {
		if (!a->expires_ns || !b->expires_ns)
			return !a->expires_ns;
		return a->expires_ns > b->expires_ns;
	}
	return a->key.len > b->key.len;
}

int vosfp__policy_match(struct vosfp *h, int list, int family, const uint8_t *addr,
			struct vosfp__policy_hit *hit)
{
	uint8_t fam = family == AF_INET ? 4 : 6;
	const struct pol_entry *best = NULL;
	uint64_t now = vosfp__now_ns();
	struct pol_entry *e;
	size_t n;
	int err;

	memset(hit, 0, sizeof(*hit));
	err = vosfp__policy_snapshot(h, list, &e, &n);
	if (err)
		return err;
	for (size_t i = 0; i < n; i++) {
		if (e[i].key.family != fam || pol_entry_expired(&e[i], now) ||
		    !prefix_covers(e[i].key.addr, e[i].key.len, addr))
			continue;
		hit->matches++;
		if (!best || holds_longer(&e[i], best))
			best = &e[i];
	}
	if (best) {
		hit->family = family;
		hit->len = best->key.len;
		memcpy(hit->addr, best->key.addr, sizeof(hit->addr));
		hit->expires_ns = best->expires_ns;
	}
	free(e);
	return 0;
}
