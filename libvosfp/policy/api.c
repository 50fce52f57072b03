// SPDX-License-Identifier: BSD-2-Clause
/*
 * Block and allow lists: the public calls. The lists live in the maps of
 * store.c, derived by model.c, changed by apply.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "internal.h"
#include "engine.h"
#include "store.h"

static const char *family_name(int family)
{
	return family == AF_INET ? "IPv4" : "IPv6";
}

static int parse(struct vosfp *h, int list, const char *text, struct vosfp_prefix *p,
		 const char *func)
{
	char why[VOSFP_ERR_LEN];
	int err;

	if (!h)
		return vosfp__no_handle(func);
	err = vosfp__check_list(h, list);
	if (err)
		return err;
	if (vosfp__prefix_parse(text, p, why, sizeof(why)))
		return vosfp__fail(h, -EINVAL, "%s", why);
	return 0;
}

int vosfp__policy_entry(const struct vosfp_prefix *p, uint32_t ttl_seconds,
			struct pol_entry *e)
{
	memset(e, 0, sizeof(*e));
	e->key.family = p->family == AF_INET ? 4 : 6;
	e->key.len = (uint8_t)p->len;
	memcpy(e->key.addr, p->addr, p->family == AF_INET ? 4 : 16);
	e->expires_ns = ttl_seconds ? vosfp__now_ns() + ttl_seconds * 1000000000ull : 0;
	return 0;
}

VOSFP_API int vosfp_policy_add_ttl(struct vosfp *h, int list, const char *prefix,
				   uint32_t ttl_seconds)
{
	struct vosfp_prefix p;
	struct pol_entry e;
	int err, present = 0;

	err = parse(h, list, prefix, &p, __func__);
	if (err)
		return err;
	vosfp__policy_entry(&p, ttl_seconds, &e);
	err = vosfp__policy_change(h, list, &e, 1, NULL, 0, &present);
	if (err == -ENOSPC) {
		char detail[VOSFP_ERR_LEN];

		snprintf(detail, sizeof(detail), "%s", h->err); /* h->err is rewritten */
		return vosfp__fail(h, err, "%s: %s list full (%s): %s; reopen with a larger "
				   "capacity (a new pin root)", prefix, vosfp_list_name(list),
				   family_name(p.family), detail);
	}
	if (err)
		return err;
	vosfp__ok(h);
	return present;
}

VOSFP_API int vosfp_policy_add(struct vosfp *h, int list, const char *prefix)
{
	return vosfp_policy_add_ttl(h, list, prefix, 0);
}

VOSFP_API int vosfp_prefix_check(const char *prefix, char *canonical, size_t canonical_len,
				 char *why, size_t why_len)
{
	struct vosfp_prefix p;
	char reason[VOSFP_ERR_LEN];
	int err = vosfp__prefix_parse(prefix, &p, reason, sizeof(reason));

	if (!err && canonical && canonical_len &&
	    vosfp__prefix_format(&p, canonical, canonical_len)) {
		snprintf(reason, sizeof(reason), "canonical buffer too small");
		err = -ENOSPC;
	}
	if (err) {
		/* The caller's why, and the thread's last error, get the same. */
		if (why && why_len)
			snprintf(why, why_len, "%s", reason);
		return vosfp__error(err, "%s", reason);
	}
	if (why && why_len)
		why[0] = '\0';
	return 0;
}

VOSFP_API int vosfp_policy_remove(struct vosfp *h, int list, const char *prefix)
{
	struct vosfp_prefix p;
	struct pol_entry e;
	int err, present = 0;

	err = parse(h, list, prefix, &p, __func__);
	if (err)
		return err;
	vosfp__policy_entry(&p, 0, &e);
	err = vosfp__policy_change(h, list, NULL, 0, &e, 1, &present);
	if (err)
		return err;
	if (!present)
		return vosfp__fail(h, -ENOENT, "%s: not on the %s list", prefix,
				   vosfp_list_name(list));
	return vosfp__ok(h);
}

VOSFP_API int vosfp_policy_clear(struct vosfp *h, int list)
{
	int err;

	if (!h)
		return vosfp__no_handle(__func__);
	if (vosfp__check_list(h, list))
		return -EINVAL;
	err = vosfp__policy_replace(h, list, NULL, 0);
	return err ? err : vosfp__ok(h);
}

struct vosfp_policy_iter {
	struct vosfp *h;
	struct pol_entry *entries; /* a snapshot of the live generation */
	size_t n, next;
	uint64_t now;
	int64_t ttl; /* of the entry last returned */
};

VOSFP_API int vosfp_policy_iter_open(struct vosfp *h, int list, struct vosfp_policy_iter **out)
{
	struct vosfp_policy_iter *it;
	int err;

	if (!h || !out)
		return h ? vosfp__fail(h, -EINVAL, "vosfp_policy_iter_open: out is NULL") : -EINVAL;
	*out = NULL;
	if (vosfp__check_list(h, list))
		return -EINVAL;
	it = calloc(1, sizeof(*it));
	if (!it)
		return vosfp__fail(h, -ENOMEM, "out of memory");
	it->h = h;
	it->now = vosfp__now_ns();
	err = vosfp__policy_snapshot(h, list, &it->entries, &it->n);
	if (err) {
		free(it);
		return err;
	}
	*out = it;
	return vosfp__ok(h);
}

VOSFP_API int vosfp_policy_iter_next(struct vosfp_policy_iter *it, char *buf, size_t len)
{
	if (!it || !buf)
		return -EINVAL;
	while (it->next < it->n) {
		const struct pol_entry *e = &it->entries[it->next];
		struct vosfp_prefix p = { .family = e->key.family == 4 ? AF_INET : AF_INET6,
					  .len = e->key.len };

		if (pol_entry_expired(e, it->now)) {
			it->next++; /* expired: no longer honoured, not shown */
			continue;
		}
		memcpy(p.addr, e->key.addr, sizeof(p.addr));
		if (vosfp__prefix_format(&p, buf, len))
			return vosfp__fail(it->h, -ENOSPC, "buffer of %zu bytes too small", len);
		it->ttl = e->expires_ns ? (int64_t)((e->expires_ns - it->now + 999999999) /
						    1000000000)
					: 0;
		it->next++;
		return 1;
	}
	return 0;
}

VOSFP_API int64_t vosfp_policy_iter_ttl(const struct vosfp_policy_iter *it)
{
	return it ? it->ttl : -EINVAL;
}

VOSFP_API void vosfp_policy_iter_close(struct vosfp_policy_iter *it)
{
	if (it)
		free(it->entries);
	free(it);
}

/* Counts the live entries without formatting them: status, stats and every
 * exporter scrape call this, and at a million entries the text would cost
 * ten times the read. */
VOSFP_API int64_t vosfp_policy_count(struct vosfp *h, int list)
{
	struct pol_entry *e;
	uint64_t now = vosfp__now_ns();
	size_t n;
	int64_t live = 0;
	int err;

	if (!h)
		return vosfp__no_handle(__func__);
	if (vosfp__check_list(h, list))
		return -EINVAL;
	err = vosfp__policy_snapshot(h, list, &e, &n);
	if (err)
		return err;
	for (size_t i = 0; i < n; i++)
		live += !pol_entry_expired(&e[i], now);
	free(e);
	vosfp__ok(h);
	return live;
}

VOSFP_API int64_t vosfp_policy_capacity(struct vosfp *h, int list)
{
	struct vosfp_pol_state st;
	int err;

	if (!h)
		return vosfp__no_handle(__func__);
	if (vosfp__check_list(h, list))
		return -EINVAL;
	err = pol_state_read(h, &st);
	if (err)
		return err;
	vosfp__ok(h);
	return st.capacity[list];
}
