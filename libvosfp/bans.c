// SPDX-License-Identifier: BSD-2-Clause
/*
 * Temporary bans: source addresses the program drops until their expiry
 * time (CLOCK_MONOTONIC, the clock of bpf_ktime_get_ns). The program
 * itself ignores an expired entry, so a ban ends on time with no process
 * running; the library removes expired entries whenever it walks the list.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>

#include "internal.h"

#define NSEC 1000000000ull
#define MAX_TTL (30u * 24 * 3600)

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * NSEC + (__u64)ts.tv_nsec;
}

static int to_key(struct vosfp *h, const char *addr, struct vosfp_addr_key *key)
{
	struct vosfp_prefix p;
	char why[VOSFP_ERR_LEN];

	if (vosfp__prefix_parse(addr, &p, why, sizeof(why)))
		return vosfp__fail(h, -EINVAL, "%s", why);
	if (p.len != (p.family == AF_INET ? 32u : 128u))
		return vosfp__fail(h, -EINVAL, "'%s': a ban is for one address, not a prefix", addr);
	memset(key, 0, sizeof(*key));
	key->family = p.family == AF_INET ? 4 : 6;
	memcpy(key->addr, p.addr, p.family == AF_INET ? 4 : 16);
	return 0;
}

static int set_present(struct vosfp *h, __u32 value)
{
	__u32 zero = 0;

	return bpf_map_update_elem(h->map_fd[MAP_BANS_PRESENT], &zero, &value, BPF_ANY) ? -errno
											: 0;
}

/* After a removal: clear the flag, then set it again if a ban is left (see
 * VOSFP_MAP_BANS_PRESENT for why this order never loses a ban). */
static void recheck_present(struct vosfp *h)
{
	struct vosfp_addr_key key;

	set_present(h, 0);
	if (!bpf_map_get_next_key(h->map_fd[MAP_BANS], NULL, &key) || errno != ENOENT)
		set_present(h, 1);
}

VOSFP_API int vosfp_ban_add(struct vosfp *h, const char *addr, uint32_t ttl_seconds)
{
	struct vosfp_ban_val val = { .reason = VOSFP_CTR_BANNED };
	struct vosfp_addr_key key;
	int err;

	if (!h)
		return -EINVAL;
	err = to_key(h, addr, &key);
	if (err)
		return err;
	if (ttl_seconds == 0 || ttl_seconds > MAX_TTL)
		return vosfp__fail(h, -EINVAL, "ban TTL must be 1 to %u seconds", MAX_TTL);
	val.expires_ns = now_ns() + (__u64)ttl_seconds * NSEC;
	if (bpf_map_update_elem(h->map_fd[MAP_BANS], &key, &val, BPF_ANY))
		return vosfp__fail(h, -errno, "%s: cannot ban: %s", addr, strerror(errno));
	err = set_present(h, 1);
	if (err)
		return vosfp__fail(h, err, "%s: cannot flag the ban: %s", addr, strerror(-err));
	return vosfp__ok(h);
}

VOSFP_API int vosfp_ban_remove(struct vosfp *h, const char *addr)
{
	struct vosfp_addr_key key;
	int err;

	if (!h)
		return -EINVAL;
	err = to_key(h, addr, &key);
	if (err)
		return err;
	if (bpf_map_delete_elem(h->map_fd[MAP_BANS], &key))
		return vosfp__fail(h, -errno, "%s: %s", addr,
				   errno == ENOENT ? "not banned" : strerror(errno));
	recheck_present(h);
	return vosfp__ok(h);
}

struct vosfp_ban_iter {
	struct vosfp *h;
	bool started;
	struct vosfp_addr_key key;
};

VOSFP_API int vosfp_ban_iter_open(struct vosfp *h, struct vosfp_ban_iter **out)
{
	if (!h || !out)
		return h ? vosfp__fail(h, -EINVAL, "vosfp_ban_iter_open: out is NULL") : -EINVAL;
	*out = calloc(1, sizeof(**out));
	if (!*out)
		return vosfp__fail(h, -ENOMEM, "out of memory");
	(*out)->h = h;
	return vosfp__ok(h);
}

VOSFP_API int vosfp_ban_iter_next(struct vosfp_ban_iter *it, char *addr, size_t len,
				  uint32_t *ttl_left, int *reason)
{
	int fd;

	if (!it || !addr)
		return -EINVAL;
	fd = it->h->map_fd[MAP_BANS];
	for (;;) {
		struct vosfp_addr_key next;
		struct vosfp_ban_val val;
		__u64 now = now_ns();

		if (bpf_map_get_next_key(fd, it->started ? &it->key : NULL, &next)) {
			if (errno != ENOENT)
				return vosfp__fail(it->h, -errno, "listing bans: %s",
						   strerror(errno));
			recheck_present(it->h); /* expired bans may have gone */
			return 0;
		}
		it->key = next;
		it->started = true;
		if (bpf_map_lookup_elem(fd, &next, &val))
			continue; /* gone meanwhile */
		if (val.expires_ns <= now) {
			bpf_map_delete_elem(fd, &next); /* tidy up: the program ignores it */
			continue;
		}
		if (!inet_ntop(next.family == 4 ? AF_INET : AF_INET6, next.addr, addr,
			       (socklen_t)len))
			return vosfp__fail(it->h, -ENOSPC, "buffer of %zu bytes too small", len);
		if (ttl_left)
			*ttl_left = (uint32_t)((val.expires_ns - now + NSEC - 1) / NSEC);
		if (reason)
			*reason = (int)val.reason;
		return 1;
	}
}

VOSFP_API void vosfp_ban_iter_close(struct vosfp_ban_iter *it)
{
	free(it);
}
