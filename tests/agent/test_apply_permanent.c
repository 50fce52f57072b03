// SPDX-License-Identifier: BSD-2-Clause
/*
 * Permanent and long bans through agent_apply(), against a pin root of the
 * test's own: root's control socket makes a permanent ban (the map says 0
 * seconds left); the fleet's and a non-root client's permanent ban is
 * refused under the default --max-ttl (one year, which a 200-day ban fits)
 * and taken when --max-ttl is "permanent" (max_ttl 0). Skipped (77)
 * without root and BPF.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "agent.h"

static int failures;
static char root[96];
static struct vosfp *h;

#define CHECK(cond, what)                                                         \
	do {                                                                      \
		if (cond) {                                                       \
			printf("ok   %s\n", what);                                \
		} else {                                                          \
			printf("FAIL %s (%s:%d)\n", what, __FILE__, __LINE__);     \
			failures++;                                               \
		}                                                                 \
	} while (0)

static void cleanup(void)
{
	if (h) {
		vosfp_unpin(h);
		vosfp_close(h);
		h = NULL;
	}
}

static int apply(struct agent *a, enum agent_origin origin, const char *addr, uint32_t ttl,
		 const char *id, uid_t uid)
{
	struct agent_event ev = { .op = AGENT_OP_BAN, .origin = origin, .ttl = ttl };
	struct agent_peer peer = { .pid = 1, .uid = uid, .gid = uid };
	char why[512];

	snprintf(ev.addr, sizeof(ev.addr), "%s", addr);
	snprintf(ev.id, sizeof(ev.id), "%s", id ? id : "");
	snprintf(ev.node, sizeof(ev.node), "other-node");
	return agent_apply(a, &ev, origin == AGENT_FROM_CONTROL ? &peer : NULL, why, sizeof(why));
}

/* Seconds left of addr's ban: 0 permanent, -1 not banned. */
static long ban_left(const char *addr)
{
	struct vosfp_ban_iter *it;
	char buf[64];
	uint32_t ttl;
	long left = -1;

	if (vosfp_ban_iter_open(h, &it))
		return -2;
	while (vosfp_ban_iter_next(it, buf, sizeof(buf), &ttl, NULL) == 1)
		if (!strcmp(buf, addr))
			left = ttl;
	vosfp_ban_iter_close(it);
	return left;
}

int main(void)
{
	struct vosfp_open_opts opts = { .sz = sizeof(opts) };
	static struct agent a; /* the seen table is large: not on the stack */
	unsigned rnd = 0;
	long left;
	int err;

	if (geteuid() != 0) {
		printf("SKIP: needs root and BPF\n");
		return 77;
	}
	if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd))
		rnd = (unsigned)getpid();
	snprintf(root, sizeof(root), "/sys/fs/bpf/vA-aperm-%d-%x", (int)getpid(), rnd & 0xffff);
	opts.pin_root = root;
	err = vosfp_open(&opts, &h);
	if (err == -EPERM) {
		printf("SKIP: needs root and BPF: %s\n", vosfp_open_error());
		return 77;
	}
	if (err) {
		printf("FAIL vosfp_open: %s\n", vosfp_open_error());
		return 1;
	}
	atexit(cleanup);
	a.h = h;
	a.o.min_prefix4 = AGENT_DEFAULT_MIN_PREFIX4;
	a.o.min_prefix6 = AGENT_DEFAULT_MIN_PREFIX6;
	a.o.max_ttl = AGENT_DEFAULT_MAX_TTL;
	snprintf(a.node, sizeof(a.node), "this-node");
	pthread_mutex_init(&a.lock, NULL);

	CHECK(AGENT_DEFAULT_MAX_TTL >= 365 * 86400u, "the default --max-ttl is a year or more");
	CHECK(apply(&a, AGENT_FROM_CONTROL, "198.51.100.20", 0, NULL, 0) == 0,
	      "root's permanent ban through the socket is applied");
	CHECK(ban_left("198.51.100.20") == 0, "... and is permanent in the map");
	CHECK(apply(&a, AGENT_FROM_CONTROL, "198.51.100.21", 5u * 365 * 86400, NULL, 0) == 0,
	      "root's ban of 5 years is applied");
	left = ban_left("198.51.100.21");
	CHECK(left > 5l * 365 * 86400 - 60 && left <= 5l * 365 * 86400, "... for 5 years");
	CHECK(apply(&a, AGENT_FROM_CONTROL, "198.51.100.22", 11u * 365 * 86400, NULL, 0) ==
		      -AGENT_REJ_INVALID,
	      "a ban of 11 years is invalid, even for root");

	CHECK(apply(&a, AGENT_FROM_FLEET, "198.51.100.23", 200 * 86400, "f-1", 0) == 0,
	      "a fleet ban of 200 days is applied (default --max-ttl)");
	CHECK(apply(&a, AGENT_FROM_FLEET, "198.51.100.24", 0, "f-2", 0) == -AGENT_REJ_TTL,
	      "a permanent fleet ban is refused, not clamped");
	CHECK(apply(&a, AGENT_FROM_CONTROL, "198.51.100.25", 0, NULL, 1000) == -AGENT_REJ_TTL,
	      "a non-root client's permanent ban is refused");
	CHECK(ban_left("198.51.100.24") == -1 && ban_left("198.51.100.25") == -1,
	      "... neither reached the map");

	a.o.max_ttl = 0; /* --max-ttl permanent */
	CHECK(apply(&a, AGENT_FROM_FLEET, "198.51.100.24", 0, "f-3", 0) == 0,
	      "with --max-ttl permanent the fleet's permanent ban is applied");
	CHECK(ban_left("198.51.100.24") == 0, "... and arrives permanent");
	CHECK(apply(&a, AGENT_FROM_CONTROL, "198.51.100.25", 0, NULL, 1000) == 0,
	      "... and a non-root client's too");
	return failures ? 1 : 0;
}
