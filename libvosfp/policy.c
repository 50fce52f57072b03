// SPDX-License-Identifier: BSD-2-Clause
/*
 * Block and allow lists: one LPM trie per list and address family. Each
 * add or remove is one map operation, atomic on its own.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "internal.h"

static const char *const list_names[] = { "block", "allow" };

VOSFP_API int vosfp_list_count(void)
{
	return 2;
}

VOSFP_API const char *vosfp_list_name(int list)
{
	return list == VOSFP_LIST_BLOCK || list == VOSFP_LIST_ALLOW ? list_names[list] : NULL;
}

/* Room for either key layout. */
union lpm_key {
	struct vosfp_lpm_v4 v4;
	struct vosfp_lpm_v6 v6;
};

static int list_fd(struct vosfp *h, int list, int family)
{
	if (list == VOSFP_LIST_BLOCK)
		return h->map_fd[family == AF_INET ? MAP_BLOCK4 : MAP_BLOCK6];
	return h->map_fd[family == AF_INET ? MAP_ALLOW4 : MAP_ALLOW6];
}

static void to_key(const struct vosfp_prefix *p, union lpm_key *k)
{
	memset(k, 0, sizeof(*k));
	if (p->family == AF_INET) {
		k->v4.prefixlen = p->len;
		memcpy(k->v4.addr, p->addr, 4);
	} else {
		k->v6.prefixlen = p->len;
		memcpy(k->v6.addr, p->addr, 16);
	}
}

static int parse(struct vosfp *h, int list, const char *text, struct vosfp_prefix *p)
{
	char why[VOSFP_ERR_LEN];
	int err;

	if (!h)
		return -EINVAL;
	err = vosfp__check_list(h, list);
	if (err)
		return err;
	if (vosfp__prefix_parse(text, p, why, sizeof(why)))
		return vosfp__fail(h, -EINVAL, "%s", why);
	return 0;
}

static const char *family_name(int family)
{
	return family == AF_INET ? "IPv4" : "IPv6";
}

/* The map's max_entries, for the "full" message; 0 if unknown. */
static unsigned capacity(int fd)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	return bpf_obj_get_info_by_fd(fd, &info, &len) ? 0 : info.max_entries;
}

VOSFP_API int vosfp_policy_add(struct vosfp *h, int list, const char *prefix)
{
	struct vosfp_policy_val val = {};
	struct vosfp_prefix p;
	union lpm_key key;
	int err;

	err = parse(h, list, prefix, &p);
	if (err)
		return err;
	to_key(&p, &key);
	if (bpf_map_update_elem(list_fd(h, list, p.family), &key, &val, BPF_NOEXIST)) {
		err = -errno;
		if (err == -EEXIST) {
			vosfp__ok(h);
			return 1;
		}
		if (err == -ENOSPC || err == -E2BIG)
			return vosfp__fail(h, -ENOSPC,
					   "%s: %s list (%s) full: %u entries; reopen with a "
					   "larger capacity (a new pin root)",
					   prefix, list_names[list], family_name(p.family),
					   capacity(list_fd(h, list, p.family)));
		return vosfp__fail(h, err, "%s: cannot add to the %s list: %s", prefix,
				   list_names[list], strerror(-err));
	}
	return vosfp__ok(h);
}

VOSFP_API int vosfp_prefix_check(const char *prefix, char *canonical, size_t canonical_len,
				 char *why, size_t why_len)
{
	struct vosfp_prefix p;
	int err = vosfp__prefix_parse(prefix, &p, why, why_len);

	if (err)
		return err;
	if (canonical && canonical_len && vosfp__prefix_format(&p, canonical, canonical_len)) {
		if (why && why_len)
			snprintf(why, why_len, "canonical buffer too small");
		return -ENOSPC;
	}
	if (why && why_len)
		why[0] = '\0';
	return 0;
}

VOSFP_API int vosfp_policy_remove(struct vosfp *h, int list, const char *prefix)
{
	struct vosfp_prefix p;
	union lpm_key key;
	int err;

	err = parse(h, list, prefix, &p);
	if (err)
		return err;
	to_key(&p, &key);
	if (bpf_map_delete_elem(list_fd(h, list, p.family), &key)) {
		err = -errno;
		if (err == -ENOENT)
			return vosfp__fail(h, err, "%s: not on the %s list", prefix,
					   list_names[list]);
		return vosfp__fail(h, err, "%s: cannot remove from the %s list: %s", prefix,
				   list_names[list], strerror(-err));
	}
	return vosfp__ok(h);
}

/*
 * Walk one map's keys. get_next_key from the previous key; if that key was
 * deleted meanwhile, the LPM trie restarts from the first key, which can
 * only repeat entries, never skip them.
 */
static int next_key(int fd, const void *prev, void *next)
{
	return bpf_map_get_next_key(fd, prev, next) ? -errno : 0;
}

VOSFP_API int vosfp_policy_clear(struct vosfp *h, int list)
{
	static const int families[] = { AF_INET, AF_INET6 };
	union lpm_key key;

	if (!h)
		return -EINVAL;
	if (vosfp__check_list(h, list))
		return -EINVAL;
	for (int i = 0; i < 2; i++) {
		int fd = list_fd(h, list, families[i]);
		int err;

		/* Always take the first key and delete it: deleting while
		 * walking would invalidate the walk. */
		while (!(err = next_key(fd, NULL, &key))) {
			if (bpf_map_delete_elem(fd, &key) && errno != ENOENT)
				return vosfp__fail(h, -errno, "clearing the %s list: %s",
						   list_names[list], strerror(errno));
		}
		if (err != -ENOENT)
			return vosfp__fail(h, err, "clearing the %s list: %s", list_names[list],
					   strerror(-err));
	}
	return vosfp__ok(h);
}

struct vosfp_policy_iter {
	struct vosfp *h;
	int list;
	int family_idx; /* 0: IPv4, 1: IPv6, 2: done */
	bool started;
	union lpm_key key;
};

VOSFP_API int vosfp_policy_iter_open(struct vosfp *h, int list, struct vosfp_policy_iter **out)
{
	struct vosfp_policy_iter *it;

	if (!h || !out)
		return h ? vosfp__fail(h, -EINVAL, "vosfp_policy_iter_open: out is NULL") : -EINVAL;
	*out = NULL;
	if (vosfp__check_list(h, list))
		return -EINVAL;
	it = calloc(1, sizeof(*it));
	if (!it)
		return vosfp__fail(h, -ENOMEM, "out of memory");
	it->h = h;
	it->list = list;
	*out = it;
	return vosfp__ok(h);
}

VOSFP_API int vosfp_policy_iter_next(struct vosfp_policy_iter *it, char *buf, size_t len)
{
	static const int families[] = { AF_INET, AF_INET6 };

	if (!it || !buf)
		return -EINVAL;
	while (it->family_idx < 2) {
		int family = families[it->family_idx];
		int fd = list_fd(it->h, it->list, family);
		union lpm_key next;
		struct vosfp_prefix p = { .family = family };
		int err = next_key(fd, it->started ? &it->key : NULL, &next);

		if (err == -ENOENT) {
			it->family_idx++;
			it->started = false;
			continue;
		}
		if (err)
			return vosfp__fail(it->h, err, "listing the %s list: %s",
					   list_names[it->list], strerror(-err));
		if (family == AF_INET) {
			p.len = next.v4.prefixlen;
			memcpy(p.addr, next.v4.addr, 4);
		} else {
			p.len = next.v6.prefixlen;
			memcpy(p.addr, next.v6.addr, 16);
		}
		if (vosfp__prefix_format(&p, buf, len))
			return vosfp__fail(it->h, -ENOSPC, "buffer of %zu bytes too small", len);
		it->key = next;
		it->started = true;
		return 1;
	}
	return 0;
}

VOSFP_API void vosfp_policy_iter_close(struct vosfp_policy_iter *it)
{
	free(it);
}

VOSFP_API int64_t vosfp_policy_count(struct vosfp *h, int list)
{
	struct vosfp_policy_iter *it;
	char buf[64];
	int64_t n = 0;
	int err;

	err = vosfp_policy_iter_open(h, list, &it);
	if (err)
		return err;
	while ((err = vosfp_policy_iter_next(it, buf, sizeof(buf))) == 1)
		n++;
	vosfp_policy_iter_close(it);
	return err < 0 ? err : n;
}
