// SPDX-License-Identifier: BSD-2-Clause
/*
 * agent_apply(), the one path from an event to the policy, against a real
 * pin root of the test's own: the allow list is never overridden, fleet
 * events (and non-root control clients) are held to the prefix and TTL
 * limits, root's control events are not, a repeated id is dropped (and
 * the seen table stays bounded), the fleet cannot remove a permanent block
 * entry, program events are counted and not
 * applied again, and only control and program events are published.
 * Skipped (77) without root and BPF.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "agent.h"
#include "skip.h"

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

static int apply(struct agent *a, enum agent_op op, enum agent_origin origin, const char *addr,
		 uint32_t ttl, const char *id, uid_t uid)
{
	struct agent_event ev = { .op = op, .origin = origin, .ttl = ttl };
	struct agent_peer peer = { .pid = 1, .uid = uid, .gid = uid };
	char why[512];

	snprintf(ev.addr, sizeof(ev.addr), "%s", addr);
	snprintf(ev.id, sizeof(ev.id), "%s", id ? id : "");
	snprintf(ev.node, sizeof(ev.node), "other-node");
	return agent_apply(a, &ev, origin == AGENT_FROM_CONTROL ? &peer : NULL, why, sizeof(why));
}

static int banned(const char *addr)
{
	struct vosfp_ban_iter *it;
	char buf[64];
	int found = 0;

	if (vosfp_ban_iter_open(h, &it))
		return -1;
	while (vosfp_ban_iter_next(it, buf, sizeof(buf), NULL, NULL) == 1)
		found |= !strcmp(buf, addr);
	vosfp_ban_iter_close(it);
	return found;
}

int main(void)
{
	struct vosfp_open_opts opts = { .sz = sizeof(opts) };
	static struct agent a; /* the seen table is large: not on the stack */
	unsigned rnd = 0;
	char id[32];
	int err;

	if (geteuid() != 0)
		return test_skip("needs root and BPF");
	if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd))
		rnd = (unsigned)getpid();
	snprintf(root, sizeof(root), "/sys/fs/bpf/vA-apply-%d-%x", (int)getpid(), rnd & 0xffff);
	opts.pin_root = root;
	err = vosfp_open(&opts, &h);
	if (err == -EPERM)
		return test_skip("needs root and BPF: %s", vosfp_open_error());
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

	CHECK(apply(&a, AGENT_OP_BAN, AGENT_FROM_FLEET, "198.51.100.7", 600, "n1-1", 0) == 0,
	      "a fleet ban within the limits is applied");
	CHECK(banned("198.51.100.7") == 1, "... and is in the ban map");
	CHECK(apply(&a, AGENT_OP_BAN, AGENT_FROM_FLEET, "198.51.100.7", 600, "n1-1", 0) ==
		      -AGENT_REJ_DUPLICATE,
	      "the same id again is dropped");
	CHECK(apply(&a, AGENT_OP_BLOCK, AGENT_FROM_FLEET, "10.0.0.0/8", 600, "n1-2", 0) ==
		      -AGENT_REJ_PREFIX,
	      "a fleet /8 is refused (minimum /16)");
	CHECK(apply(&a, AGENT_OP_BLOCK, AGENT_FROM_FLEET, "10.1.0.0/16", 600, "n1-3", 0) == 0,
	      "a fleet /16 is applied");
	CHECK(apply(&a, AGENT_OP_BLOCK, AGENT_FROM_FLEET, "2001:d00::/24", 600, "n1-4", 0) ==
		      -AGENT_REJ_PREFIX,
	      "a fleet IPv6 /24 is refused (minimum /32)");
	CHECK(apply(&a, AGENT_OP_BAN, AGENT_FROM_FLEET, "198.51.100.8", 400 * 86400, "n1-5", 0) ==
		      -AGENT_REJ_TTL,
	      "a fleet ban of 400 days is refused (maximum 365)");
	CHECK(apply(&a, AGENT_OP_BLOCK, AGENT_FROM_FLEET, "192.0.2.0/24", 0, "n1-6", 0) ==
		      -AGENT_REJ_TTL,
	      "a permanent fleet block is refused");
	CHECK(banned("198.51.100.8") == 0, "... nothing refused reached the map");
	CHECK(vosfp_policy_add(h, VOSFP_LIST_BLOCK, "192.0.2.0/24") == 0,
	      "a permanent block made here");
	CHECK(apply(&a, AGENT_OP_UNBLOCK, AGENT_FROM_FLEET, "192.0.2.0/24", 0, "n1-8", 0) ==
		      -AGENT_REJ_PERMANENT,
	      "the fleet cannot remove it");
	CHECK(apply(&a, AGENT_OP_UNBLOCK, AGENT_FROM_FLEET, "10.1.0.0/16", 0, "n1-9", 0) == 0,
	      "the fleet removes its own (expiring) block");

	CHECK(vosfp_policy_add(h, VOSFP_LIST_ALLOW, "203.0.113.0/28") == 0, "allow a /28");
	CHECK(apply(&a, AGENT_OP_BAN, AGENT_FROM_FLEET, "203.0.113.5", 600, "n1-7", 0) ==
		      -AGENT_REJ_ALLOW_LISTED,
	      "a fleet ban inside the allow list is refused");
	CHECK(apply(&a, AGENT_OP_BLOCK, AGENT_FROM_CONTROL, "203.0.113.0/24", 0, NULL, 0) ==
		      -AGENT_REJ_ALLOW_LISTED,
	      "a root block covering the allow list is refused too");
	CHECK(banned("203.0.113.5") == 0, "... and the allowed source is not banned");

	CHECK(apply(&a, AGENT_OP_BLOCK, AGENT_FROM_CONTROL, "10.0.0.0/8", 0, NULL, 0) == 0,
	      "root's control /8, permanent, is applied (no limits for root)");
	CHECK(apply(&a, AGENT_OP_BLOCK, AGENT_FROM_CONTROL, "172.16.0.0/12", 600, NULL, 1000) ==
		      -AGENT_REJ_PREFIX,
	      "a non-root client's /12 is refused");
	CHECK(apply(&a, AGENT_OP_UNBAN, AGENT_FROM_CONTROL, "198.51.100.99", 0, NULL, 1000) ==
		      -AGENT_REJ_NOT_FOUND,
	      "an unban of what is not banned: not_found");
	CHECK(apply(&a, AGENT_OP_BAN, AGENT_FROM_CONTROL, "not-an-address", 600, NULL, 0) ==
		      -AGENT_REJ_INVALID,
	      "a malformed address: invalid");

	CHECK(apply(&a, AGENT_OP_BAN, AGENT_FROM_PROGRAM, "198.51.100.9", 3600, NULL, 0) == 0,
	      "a program event is accepted");
	CHECK(banned("198.51.100.9") == 0, "... and not applied again (the program did)");
	CHECK(a.applied[AGENT_FROM_PROGRAM] == 1, "... but counted");

	CHECK(a.rejected[AGENT_FROM_FLEET][AGENT_REJ_PREFIX] == 2 &&
		      a.rejected[AGENT_FROM_FLEET][AGENT_REJ_TTL] == 2 &&
		      a.rejected[AGENT_FROM_FLEET][AGENT_REJ_DUPLICATE] == 1 &&
		      a.rejected[AGENT_FROM_FLEET][AGENT_REJ_PERMANENT] == 1 &&
		      a.applied[AGENT_FROM_FLEET] == 3 && a.received[AGENT_FROM_FLEET] == 10,
	      "rejections are counted by origin and reason");

	struct agent_event ev = { .origin = AGENT_FROM_CONTROL };
	CHECK(agent_publishes(&ev), "control events are published");
	ev.origin = AGENT_FROM_PROGRAM;
	CHECK(agent_publishes(&ev), "program events are published");
	ev.origin = AGENT_FROM_FLEET;
	CHECK(!agent_publishes(&ev), "fleet events are never published");

	/* The seen table keeps the last AGENT_SEEN_MAX ids, no more. */
	memset(&a.seen, 0, sizeof(a.seen));
	for (int i = 0; i <= AGENT_SEEN_MAX; i++) {
		snprintf(id, sizeof(id), "id-%d", i);
		agent_seen_check(&a.seen, id);
	}
	CHECK(a.seen.used == AGENT_SEEN_MAX, "the seen table is bounded");
	CHECK(agent_seen_check(&a.seen, "id-1") == 1, "... a recent id is still seen");
	CHECK(agent_seen_check(&a.seen, "id-0") == 0, "... the oldest is forgotten");
	return failures ? 1 : 0;
}
