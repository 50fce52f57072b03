// SPDX-License-Identifier: BSD-2-Clause
/*
 * Temporary bans: source addresses the program drops until their expiry
 * time (CLOCK_MONOTONIC, the clock of bpf_ktime_get_ns). The program
 * itself ignores an expired entry, so a ban ends on time with no process
 * running; the library removes expired entries whenever it walks the list.
 * Bans made here live in their own table (VOSFP_MAP_MBANS), never evicted;
 * the program's automatic bans in another (see vosfp_shared.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "internal.h"

#define NSEC 1000000000ull

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

/* Every key of a ban table into the generation being built, expired or
 * not (a cell too many costs a lookup): 0 once the walk reached the end. */
static int mark_all(struct vosfp *h, int map, __u32 idle)
{
	struct vosfp_addr_key key, next;
	bool started = false;

	/* Bounded: a key deleted under the walk restarts it from the top. */
	for (long steps = 0; steps < 4l * (VOSFP_BAN_SLOTS + VOSFP_MBAN_SLOTS); steps++) {
		if (bpf_map_get_next_key(h->map_fd[map], started ? &key : NULL, &next))
			return errno == ENOENT ? 0 : -errno;
		vosfp__banfilter_add(h, idle, &next);
		key = next;
		started = true;
	}
	return -EAGAIN;
}

/* Rebuild the pre-filter when both tables are empty, so that packets skip
 * it again at once after the last ban goes; otherwise the next sweep
 * (vosfp_ban_stats) does it, as its walk costs a syscall per ban. The
 * present flag is never cleared in place (vosfp_shared.h says why). */
static void rebuild_if_empty(struct vosfp *h)
{
	struct vosfp_addr_key key;
	__u32 idle;
	int lock;

	if (!bpf_map_get_next_key(h->map_fd[MAP_MBANS], NULL, &key) || errno != ENOENT ||
	    !bpf_map_get_next_key(h->map_fd[MAP_BANS], NULL, &key) || errno != ENOENT)
		return;
	lock = vosfp__banfilter_begin(h, &idle);
	if (lock < 0)
		return; /* a later sweep will: the filter is only slower meanwhile */
	/* Walk them anyway: a ban made since the look above may have set its
	 * cell before the clear. They are (nearly) empty: a short walk. */
	vosfp__banfilter_end(h, lock, idle, !mark_all(h, MAP_MBANS, idle) &&
					    !mark_all(h, MAP_BANS, idle));
}

static uint32_t capacity(int fd)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	return bpf_obj_get_info_by_fd(fd, &info, &len) ? 0 : info.max_entries;
}

/*
 * One ban by hand: ttl_seconds 1..VOSFP__BAN_TTL_MAX, or 0 with permanent.
 * vosfp_ban_add() and vosfp_ban_add_ex() both end here, so the two forms
 * cannot drift apart.
 */
int vosfp__ban_put(struct vosfp *h, const char *addr, uint32_t ttl_seconds, bool permanent)
{
	struct vosfp_ban_val val = { .reason = VOSFP_CTR_BANNED };
	struct vosfp_addr_key key;
	int err;

	err = to_key(h, addr, &key);
	if (err)
		return err;
	if (permanent && ttl_seconds)
		return vosfp__fail(h, -EINVAL, "a permanent ban takes no TTL (ttl_seconds %u)",
				   ttl_seconds);
	if (!permanent && (ttl_seconds == 0 || ttl_seconds > VOSFP__BAN_TTL_MAX))
		return vosfp__fail(h, -EINVAL, "ban TTL must be 1 to %u seconds (10 years), or the "
				   "ban permanent", VOSFP__BAN_TTL_MAX);
	val.expires_ns = permanent ? VOSFP_BAN_FOREVER_NS
				   : now_ns() + (__u64)ttl_seconds * NSEC;
	if (bpf_map_update_elem(h->map_fd[MAP_MBANS], &key, &val, BPF_ANY)) {
		if (errno == E2BIG)
			return vosfp__fail(h, -ENOSPC, "%s: ban table full (%u)", addr,
					   capacity(h->map_fd[MAP_MBANS]));
		return vosfp__fail(h, -errno, "%s: cannot ban: %s", addr, strerror(errno));
	}
	/* In the table first, then its cells and the flag (vosfp_shared.h). */
	vosfp__banfilter_mark(h, &key);
	/* The ban by hand now decides; an automatic one would only show twice. */
	bpf_map_delete_elem(h->map_fd[MAP_BANS], &key);
	return vosfp__ok(h);
}

/* ttl_seconds 0 stays an error here, as it was in 0.1: an old caller's 0
 * is a bug, not a wish for a ban that never ends (that is the opts form's
 * VOSFP_BAN_PERMANENT). */
VOSFP_API int vosfp_ban_add(struct vosfp *h, const char *addr, uint32_t ttl_seconds)
{
	if (!h)
		return vosfp__no_handle(__func__);
	return vosfp__ban_put(h, addr, ttl_seconds, false);
}

VOSFP_API int vosfp_ban_remove(struct vosfp *h, const char *addr)
{
	struct vosfp_addr_key key;
	int err, found = 0;

	if (!h)
		return vosfp__no_handle(__func__);
	err = to_key(h, addr, &key);
	if (err)
		return err;
	for (int m = 0; m < 2; m++) {
		int fd = h->map_fd[m ? MAP_BANS : MAP_MBANS];

		if (!bpf_map_delete_elem(fd, &key))
			found = 1;
		else if (errno != ENOENT)
			return vosfp__fail(h, -errno, "%s: %s", addr, strerror(errno));
	}
	if (!found)
		return vosfp__fail(h, -ENOENT, "%s: not banned", addr);
	rebuild_if_empty(h);
	return vosfp__ok(h);
}

/* Walks one of the hash maps keyed by struct vosfp_addr_key. The entry
 * last returned is removed only once the walk has moved past it (removing
 * the current key would make the kernel start the walk again). */
struct walk {
	int fd;
	bool started, drop_prev;
	struct vosfp_addr_key key;
};

/* The next key and its expiry: 1, 0 at the end, or a negative errno. An
 * entry that vanished meanwhile is skipped. */
static int walk_next(struct walk *w, void *val, size_t val_len)
{
	(void)val_len;
	for (;;) {
		struct vosfp_addr_key next;
		int end;

		end = bpf_map_get_next_key(w->fd, w->started ? &w->key : NULL, &next);
		if (end && errno != ENOENT)
			return -errno;
		if (w->drop_prev)
			bpf_map_delete_elem(w->fd, &w->key);
		w->drop_prev = false;
		if (end)
			return 0;
		w->key = next;
		w->started = true;
		if (!bpf_map_lookup_elem(w->fd, &next, val))
			return 1;
	}
}

struct vosfp_ban_iter {
	struct vosfp *h;
	int table; /* 0: bans by hand, 1: automatic, 2: done */
	struct walk w;
};

VOSFP_API int vosfp_ban_iter_open(struct vosfp *h, struct vosfp_ban_iter **out)
{
	if (!h || !out)
		return h ? vosfp__fail(h, -EINVAL, "vosfp_ban_iter_open: out is NULL") : -EINVAL;
	*out = calloc(1, sizeof(**out));
	if (!*out)
		return vosfp__fail(h, -ENOMEM, "out of memory");
	(*out)->h = h;
	(*out)->w.fd = h->map_fd[MAP_MBANS];
	return vosfp__ok(h);
}

VOSFP_API int vosfp_ban_iter_next(struct vosfp_ban_iter *it, char *addr, size_t len,
				  uint32_t *ttl_left, int *reason)
{
	if (!it)
		return vosfp__error(-EINVAL, "vosfp_ban_iter_next: no iterator (NULL)");
	if (!addr)
		return vosfp__fail(it->h, -EINVAL, "vosfp_ban_iter_next: addr is required");
	while (it->table < 2) {
		struct vosfp_ban_val val;
		__u64 now;
		int r = walk_next(&it->w, &val, sizeof(val));

		if (r < 0)
			return vosfp__fail(it->h, r, "listing bans: %s", strerror(-r));
		if (r == 0) {
			if (++it->table == 2) {
				rebuild_if_empty(it->h); /* expired bans may have gone */
				break;
			}
			memset(&it->w, 0, sizeof(it->w));
			it->w.fd = it->h->map_fd[MAP_BANS];
			continue;
		}
		now = now_ns();
		if (val.expires_ns != VOSFP_BAN_FOREVER_NS && val.expires_ns <= now) {
			it->w.drop_prev = true; /* tidy up: the program ignores it */
			continue;
		}
		if (!inet_ntop(it->w.key.family == 4 ? AF_INET : AF_INET6, it->w.key.addr, addr,
			       (socklen_t)len))
			return vosfp__fail(it->h, -ENOSPC, "buffer of %zu bytes too small", len);
		/* 0 only for a permanent ban: a live one has at least 1 s left. */
		if (ttl_left)
			*ttl_left = val.expires_ns == VOSFP_BAN_FOREVER_NS ? 0
				    : (uint32_t)((val.expires_ns - now + NSEC - 1) / NSEC);
		if (reason)
			*reason = (int)val.reason;
		return 1;
	}
	return 0;
}

VOSFP_API void vosfp_ban_iter_close(struct vosfp_ban_iter *it)
{
	free(it);
}

/* Unexpired entries of a table whose values start with an expiry; the
 * expired ones are removed on the way, which frees a table a flood filled
 * once their time is up. With a rebuild under way (lock >= 0), each live
 * ban's cell goes into the generation being built. */
static int count_live(struct vosfp *h, int fd, uint32_t *used, int lock, __u32 idle)
{
	union {
		struct vosfp_ban_val ban;
		struct vosfp_verified_val verified;
	} val;
	struct walk w = { .fd = fd };
	uint32_t n = 0;
	int r;

	while ((r = walk_next(&w, &val, sizeof(val))) == 1) {
		/* Both layouts start with the expiry. */
		if (val.ban.expires_ns > now_ns()) {
			n++;
			if (lock >= 0)
				vosfp__banfilter_add(h, idle, &w.key);
		} else
			w.drop_prev = true;
	}
	*used = n;
	return r;
}

static int sum_bstat(struct vosfp *h, __u32 slot, uint64_t *out)
{
	int ncpus = libbpf_num_possible_cpus();
	__u64 *vals;

	*out = 0;
	if (ncpus <= 0)
		return -EINVAL;
	vals = calloc((size_t)ncpus, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	if (bpf_map_lookup_elem(h->map_fd[MAP_BSTATS], &slot, vals)) {
		int err = -errno;

		free(vals);
		return err;
	}
	for (int c = 0; c < ncpus; c++)
		*out += vals[c];
	free(vals);
	return 0;
}

VOSFP_API int vosfp_ban_stats(struct vosfp *h, struct vosfp_ban_stats *out)
{
	struct vosfp_ban_stats st = { .sz = sizeof(st) };
	__u32 idle = 0;
	int err, lock;

	if (!h)
		return vosfp__no_handle(__func__);
	if (!out || out->sz < offsetof(struct vosfp_ban_stats, manual_capacity))
		return vosfp__fail(h, -EINVAL, "vosfp_ban_stats: out is NULL or its sz too small");
	st.manual_capacity = capacity(h->map_fd[MAP_MBANS]);
	st.auto_capacity = capacity(h->map_fd[MAP_BANS]);
	st.verified_capacity = capacity(h->map_fd[MAP_VERIFIED]);
	/* The sweep that removes expired bans also rebuilds the pre-filter
	 * without their cells (vosfp_shared.h): same walk, no second one. */
	lock = vosfp__banfilter_begin(h, &idle);
	if (lock < 0 && lock != -EAGAIN)
		return lock;
	err = count_live(h, h->map_fd[MAP_MBANS], &st.manual_used, lock, idle);
	if (!err)
		err = count_live(h, h->map_fd[MAP_BANS], &st.auto_used, lock, idle);
	if (lock >= 0) /* else another writer has the lock: no rebuild this time */
		vosfp__banfilter_end(h, lock, idle, !err);
	if (!err)
		err = count_live(h, h->map_fd[MAP_VERIFIED], &st.verified_used, -1, 0);
	if (!err)
		err = sum_bstat(h, VOSFP_BS_AUTO_REFUSED, &st.auto_refused);
	if (!err)
		err = sum_bstat(h, VOSFP_BS_SPARED, &st.auto_spared);
	if (!err)
		err = sum_bstat(h, VOSFP_BS_LEARNED, &st.verified_learned);
	if (!err)
		err = sum_bstat(h, VOSFP_BS_EVENTS_LOST, &st.events_lost);
	if (err)
		return vosfp__fail(h, err, "reading the ban tables: %s", strerror(-err));
	/* OPTS rule: an older caller's struct gets the fields it knows. */
	memcpy((char *)out + sizeof(out->sz), (char *)&st + sizeof(st.sz),
	       (out->sz < sizeof(st) ? out->sz : sizeof(st)) - sizeof(st.sz));
	return vosfp__ok(h);
}
