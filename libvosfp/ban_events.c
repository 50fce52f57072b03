// SPDX-License-Identifier: BSD-2-Clause
/*
 * The program's automatic bans as events: a reader of the pinned BPF ring
 * buffer (VOSFP_MAP_BAN_EVENTS) to which the program writes one record per
 * ban it makes. libbpf's ring_buffer does the reading; this file turns each
 * record into scalars for the caller (address text, reason, TTL), so that
 * no struct layout crosses the ABI.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/libbpf.h>

#include "internal.h"

#define NSEC 1000000000ull

struct vosfp_ban_events {
	struct vosfp *h;
	struct ring_buffer *rb;
	/* Set for the length of one vosfp_ban_events_consume() call. */
	vosfp_ban_event_fn fn;
	void *user;
	int n;
};

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * NSEC + (__u64)ts.tv_nsec;
}

/* One record; a negative return stops ring_buffer__consume(). */
static int on_record(void *ctx, void *data, size_t size)
{
	struct vosfp_ban_events *ev = ctx;
	const struct vosfp_ban_event *r = data;
	char addr[INET6_ADDRSTRLEN];
	__u64 now = now_ns(), end;
	uint32_t left = 0;
	int err;

	/* A record of another size or family is not one this library wrote:
	 * skip it rather than read past it or print garbage. */
	if (size < sizeof(*r) || (r->family != 4 && r->family != 6))
		return 0;
	if (!inet_ntop(r->family == 4 ? AF_INET : AF_INET6, r->addr, addr, sizeof(addr)))
		return 0;
	end = r->ktime_ns + (__u64)r->ttl_s * NSEC;
	if (end > now)
		left = (uint32_t)((end - now + NSEC - 1) / NSEC);
	ev->n++;
	err = ev->fn(ev->user, addr, (int)r->reason, r->ttl_s, left);
	return err < 0 ? err : 0;
}

VOSFP_API int vosfp_ban_events_open(struct vosfp *h, struct vosfp_ban_events **out)
{
	struct vosfp_ban_events *ev;
	int err;

	if (!h)
		return vosfp__no_handle(__func__);
	if (!out)
		return vosfp__fail(h, -EINVAL, "vosfp_ban_events_open: out is NULL");
	*out = NULL;
	ev = calloc(1, sizeof(*ev));
	if (!ev)
		return vosfp__fail(h, -ENOMEM, "out of memory");
	ev->h = h;
	ev->rb = ring_buffer__new(h->map_fd[MAP_BAN_EVENTS], on_record, ev, NULL);
	if (!ev->rb) {
		err = errno ? errno : EINVAL;
		free(ev);
		return vosfp__fail(h, -err, "%s/%s: cannot read the ban events: %s", h->pin_root,
				   VOSFP_MAP_BAN_EVENTS, strerror(err));
	}
	*out = ev;
	return vosfp__ok(h);
}

VOSFP_API int vosfp_ban_events_fd(const struct vosfp_ban_events *ev)
{
	if (!ev)
		return vosfp__error(-EINVAL, "vosfp_ban_events_fd: no reader (NULL)");
	return ring_buffer__epoll_fd(ev->rb);
}

VOSFP_API int vosfp_ban_events_consume(struct vosfp_ban_events *ev, vosfp_ban_event_fn fn,
				       void *user)
{
	int r;

	if (!ev)
		return vosfp__error(-EINVAL, "vosfp_ban_events_consume: no reader (NULL)");
	if (!fn)
		return vosfp__fail(ev->h, -EINVAL, "vosfp_ban_events_consume: fn is NULL");
	ev->fn = fn;
	ev->user = user;
	ev->n = 0;
	r = ring_buffer__consume(ev->rb);
	ev->fn = NULL;
	ev->user = NULL;
	if (r < 0)
		return r; /* the callback's own error, or the ring's */
	vosfp__ok(ev->h);
	return ev->n;
}

VOSFP_API void vosfp_ban_events_close(struct vosfp_ban_events *ev)
{
	if (!ev)
		return;
	ring_buffer__free(ev->rb);
	free(ev);
}
