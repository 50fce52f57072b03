// SPDX-License-Identifier: BSD-2-Clause
/*
 * query ADDR: what the filter does with a source, in the program's own
 * order (block list, then bans, then allow list), read from the live lists
 * through the public API. The lists are read rather than a crafted frame
 * run through vosfp_test_packet, because a test run would move the
 * counters that operators graph, and could not say which entry decided.
 */
#include <stdio.h>
#include <string.h>

#include "agent.h"
#include "cidr.h"

/* The longest entry of list covering addr; 1 found (entry, ttl set), 0
 * none, negative errno. */
static int longest(struct agent *a, int list, const struct cidr *addr, char *entry,
		   size_t len, int64_t *ttl)
{
	struct vosfp_policy_iter *it;
	int err, found = 0;
	unsigned best = 0;
	char buf[64];

	err = vosfp_policy_iter_open(a->h, list, &it);
	if (err)
		return err;
	while ((err = vosfp_policy_iter_next(it, buf, sizeof(buf))) == 1) {
		struct cidr e;

		if (cidr_parse(buf, &e) || !cidr_covers(&e, addr) || (found && e.len <= best))
			continue;
		found = 1;
		best = e.len;
		snprintf(entry, len, "%s", buf);
		*ttl = vosfp_policy_iter_ttl(it);
	}
	vosfp_policy_iter_close(it);
	return err < 0 ? err : found;
}

/* The unexpired ban of addr: 1 (ttl, reason set), 0 none, negative errno. */
static int find_ban(struct agent *a, const struct cidr *addr, uint32_t *ttl, int *reason)
{
	struct vosfp_ban_iter *it;
	char buf[64];
	int err;

	err = vosfp_ban_iter_open(a->h, &it);
	if (err)
		return err;
	while ((err = vosfp_ban_iter_next(it, buf, sizeof(buf), ttl, reason)) == 1) {
		struct cidr b;

		if (!cidr_parse(buf, &b) && cidr_covers(&b, addr))
			break;
	}
	vosfp_ban_iter_close(it);
	return err;
}

void agent_query(struct agent *a, const char *text, char *out, size_t len)
{
	char entry[64];
	struct cidr addr;
	int64_t ttl = 0;
	uint32_t left;
	int r, reason;

	if (cidr_parse(text, &addr) || strchr(text, '/')) {
		snprintf(out, len, "error invalid %s: not an IPv4 or IPv6 address", text);
		return;
	}
	r = longest(a, VOSFP_LIST_BLOCK, &addr, entry, sizeof(entry), &ttl);
	if (r == 1) {
		snprintf(out, len, "ok drop block %s ttl=%lld", entry, (long long)ttl);
		return;
	}
	if (r == 0) {
		r = find_ban(a, &addr, &left, &reason);
		if (r == 1) {
			const char *why = reason == VOSFP_CTR_BANNED ? "manual"
								     : vosfp_counter_name(reason);

			snprintf(out, len, "ok drop ban %s ttl=%u reason=%s", text, left,
				 why ? why : "unknown");
			return;
		}
	}
	if (r == 0)
		r = longest(a, VOSFP_LIST_ALLOW, &addr, entry, sizeof(entry), &ttl);
	if (r == 1)
		snprintf(out, len, "ok pass allow %s ttl=%lld", entry, (long long)ttl);
	else if (r == 0)
		snprintf(out, len, "ok inspect none (no entry: the SIP checks decide)");
	else
		snprintf(out, len, "error failed %s", vosfp_last_error(a->h));
}
