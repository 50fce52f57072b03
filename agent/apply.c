// SPDX-License-Identifier: BSD-2-Clause
/*
 * The one place where events become policy. Every origin passes here, so
 * the rules hold for all of them:
 *  - nothing overrides the local allow list: a ban or block that touches an
 *    allow-listed address is refused, whoever asks (remove the allow entry
 *    first);
 *  - fleet events, and control events from clients other than root, are
 *    held to --min-prefix4/6 and --max-ttl (a permanent block counts as an
 *    infinite TTL); root's control events are not, since root could make
 *    the change with the tool directly anyway;
 *  - the fleet cannot remove a permanent block entry: the fleet never makes
 *    one (it is held to --max-ttl), so such an entry is the operator's;
 *  - an id seen recently is dropped;
 *  - control and program events are published to the fleet, fleet events
 *    never (no loops).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "agent.h"
#include "cidr.h"
#include "log.h"
#ifdef VOSFP_HAVE_FLEET
#include "fleet.h"
#endif

static const char *const reject_names[AGENT_REJ_COUNT] = {
	[AGENT_REJ_NONE] = "none",
	[AGENT_REJ_INVALID] = "invalid",
	[AGENT_REJ_ALLOW_LISTED] = "allow_listed",
	[AGENT_REJ_PREFIX] = "prefix_too_short",
	[AGENT_REJ_TTL] = "ttl_too_long",
	[AGENT_REJ_DUPLICATE] = "duplicate",
	[AGENT_REJ_NOT_FOUND] = "not_found",
	[AGENT_REJ_FAILED] = "failed",
	[AGENT_REJ_PERMANENT] = "permanent_entry",
};

static const char *const origin_names[] = { "control", "program", "fleet" };
static const char *const op_names[] = { "ban", "unban", "block", "unblock" };

const char *agent_reject_name(int r)
{
	return r >= 0 && r < AGENT_REJ_COUNT ? reject_names[r] : "unknown";
}

uint64_t agent_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* The allow-list entry that overlaps p, into found; 1 if any, 0 if none,
 * negative errno if the list cannot be read (then nothing is applied). */
static int allow_overlap(struct agent *a, const struct cidr *p, char *found, size_t len)
{
	struct vosfp_policy_iter *it;
	char buf[64];
	int err;

	err = vosfp_policy_iter_open(a->h, VOSFP_LIST_ALLOW, &it);
	if (err)
		return err;
	while ((err = vosfp_policy_iter_next(it, buf, sizeof(buf))) == 1) {
		struct cidr e;

		if (!cidr_parse(buf, &e) && cidr_overlap(&e, p)) {
			snprintf(found, len, "%s", buf);
			err = 1;
			break;
		}
	}
	vosfp_policy_iter_close(it);
	return err;
}

/* 1 if the block list holds exactly prefix (canonical) with no TTL, 0 if
 * not, negative errno if the list cannot be read. */
static int permanent_block(struct agent *a, const char *prefix)
{
	struct vosfp_policy_iter *it;
	char buf[64];
	int err;

	err = vosfp_policy_iter_open(a->h, VOSFP_LIST_BLOCK, &it);
	if (err)
		return err;
	while ((err = vosfp_policy_iter_next(it, buf, sizeof(buf))) == 1)
		if (!strcmp(buf, prefix)) {
			err = vosfp_policy_iter_ttl(it) == 0;
			break;
		}
	vosfp_policy_iter_close(it);
	return err;
}

/* Checks the event's shape and the limits; AGENT_REJ_NONE or a rejection. */
static int validate(struct agent *a, const struct agent_event *ev, const struct agent_peer *peer,
		    char *why, size_t why_len)
{
	int bounded = ev->origin == AGENT_FROM_FLEET ||
		      (ev->origin == AGENT_FROM_CONTROL && peer && peer->uid != 0);
	int is_ban = ev->op == AGENT_OP_BAN || ev->op == AGENT_OP_UNBAN;
	int adds = ev->op == AGENT_OP_BAN || ev->op == AGENT_OP_BLOCK;
	char detail[256], entry[64], canon[64];
	struct cidr p;
	unsigned min;
	int r;

	if ((unsigned)ev->op > AGENT_OP_UNBLOCK || (unsigned)ev->origin > AGENT_FROM_FLEET ||
	    !memchr(ev->addr, '\0', sizeof(ev->addr))) {
		snprintf(why, why_len, "malformed event");
		return AGENT_REJ_INVALID;
	}
	if (is_ban) {
		if (cidr_parse(ev->addr, &p) || strchr(ev->addr, '/')) {
			snprintf(why, why_len, "%s: not an IPv4 or IPv6 address", ev->addr);
			return AGENT_REJ_INVALID;
		}
		/* ttl 0 is a permanent ban, as for a block. */
		if (ev->op == AGENT_OP_BAN && ev->ttl > AGENT_BAN_TTL_MAX) {
			snprintf(why, why_len, "a ban lasts 1 to %u seconds (10 years) or is "
				 "permanent, not %u", AGENT_BAN_TTL_MAX, ev->ttl);
			return AGENT_REJ_INVALID;
		}
	} else if (vosfp_prefix_check(ev->addr, canon, sizeof(canon), detail, sizeof(detail)) ||
		   cidr_parse(ev->addr, &p)) {
		snprintf(why, why_len, "%s", detail);
		return AGENT_REJ_INVALID;
	}
	if (ev->op == AGENT_OP_UNBLOCK && ev->origin == AGENT_FROM_FLEET) {
		r = permanent_block(a, canon);
		if (r < 0) {
			snprintf(why, why_len, "cannot read the block list: %s",
				 vosfp_last_error(a->h));
			return AGENT_REJ_FAILED;
		}
		if (r) {
			snprintf(why, why_len, "%s: a permanent block entry, made on this node; the "
				 "fleet does not remove it", ev->addr);
			return AGENT_REJ_PERMANENT;
		}
	}
	if (!adds)
		return 0;
	if (bounded) {
		min = p.family == AF_INET ? a->o.min_prefix4 : a->o.min_prefix6;
		if (p.len < min) {
			snprintf(why, why_len, "%s: prefix shorter than /%u, the minimum for %s",
				 ev->addr, min, ev->origin == AGENT_FROM_FLEET ? "the fleet"
									      : "non-root clients");
			return AGENT_REJ_PREFIX;
		}
		/* Refused, not clamped: a ban shorter than asked would look
		 * made as asked. max_ttl 0 bounds nothing. */
		if (a->o.max_ttl && (ev->ttl == 0 || ev->ttl > a->o.max_ttl)) {
			if (ev->ttl)
				snprintf(why, why_len, "%s: TTL %u s above the maximum of %u s",
					 ev->addr, ev->ttl, a->o.max_ttl);
			else
				snprintf(why, why_len, "%s: permanent, above the maximum TTL of "
					 "%u s (the agent's --max-ttl)", ev->addr, a->o.max_ttl);
			return AGENT_REJ_TTL;
		}
	}
	r = allow_overlap(a, &p, entry, sizeof(entry));
	if (r < 0) {
		snprintf(why, why_len, "cannot read the allow list: %s", vosfp_last_error(a->h));
		return AGENT_REJ_FAILED;
	}
	if (r) {
		snprintf(why, why_len, "%s: covered by the allow list entry %s (unallow it first)",
			 ev->addr, entry);
		return AGENT_REJ_ALLOW_LISTED;
	}
	return 0;
}

/* Applies through the public API; 0 or a rejection. */
static int change(struct agent *a, const struct agent_event *ev, char *why, size_t why_len)
{
	int err;

	switch (ev->op) {
	case AGENT_OP_BAN: {
		struct vosfp_ban_add_opts o = { .sz = sizeof(o), .ttl_seconds = ev->ttl,
						.flags = ev->ttl ? 0 : VOSFP_BAN_PERMANENT };

		err = vosfp_ban_add_ex(a->h, ev->addr, &o);
		break;
	}
	case AGENT_OP_UNBAN:
		err = vosfp_ban_remove(a->h, ev->addr);
		break;
	case AGENT_OP_BLOCK:
		err = vosfp_policy_add_ttl(a->h, VOSFP_LIST_BLOCK, ev->addr, ev->ttl);
		break;
	default:
		err = vosfp_policy_remove(a->h, VOSFP_LIST_BLOCK, ev->addr);
		break;
	}
	if (err >= 0)
		return 0;
	if (err == -ENOENT) {
		snprintf(why, why_len, "%s: not %s", ev->addr,
			 ev->op == AGENT_OP_UNBAN ? "banned" : "on the block list");
		return AGENT_REJ_NOT_FOUND;
	}
	snprintf(why, why_len, "%s", *vosfp_last_error(a->h) ? vosfp_last_error(a->h)
							    : vosfp_strerror(err));
	return err == -EINVAL ? AGENT_REJ_INVALID : AGENT_REJ_FAILED;
}

int agent_publishes(const struct agent_event *ev)
{
	return ev->origin == AGENT_FROM_CONTROL || ev->origin == AGENT_FROM_PROGRAM;
}

static void publish(struct agent *a, const struct agent_event *ev)
{
#ifdef VOSFP_HAVE_FLEET
	int err;

	if (!a->fleet || !agent_publishes(ev))
		return;
	err = fleet_publish(a->fleet, ev);
	pthread_mutex_lock(&a->lock);
	if (err)
		a->publish_failed++;
	else
		a->published++;
	pthread_mutex_unlock(&a->lock);
#else
	(void)a, (void)ev;
#endif
}

int agent_apply(struct agent *a, struct agent_event *ev, const struct agent_peer *peer,
		char *why, size_t why_len)
{
	int o = (unsigned)ev->origin <= AGENT_FROM_FLEET ? (int)ev->origin : AGENT_FROM_FLEET;
	char who[192] = "";
	int r;

	pthread_mutex_lock(&a->lock);
	a->received[o]++;
	a->last_event_ms = agent_now_ms();
	pthread_mutex_unlock(&a->lock);

	/* Events made here get their identity now: what is published must
	 * carry one, and a restart must not reuse an id (hence the time). */
	if (ev->origin != AGENT_FROM_FLEET) {
		snprintf(ev->node, sizeof(ev->node), "%s", a->node);
		ev->made_ms = agent_now_ms();
		snprintf(ev->id, sizeof(ev->id), "%.48s-%llu-%llu", a->node,
			 (unsigned long long)ev->made_ms, (unsigned long long)++a->seq);
	}
	if (peer)
		snprintf(who, sizeof(who), " uid=%u gid=%u pid=%d", (unsigned)peer->uid,
			 (unsigned)peer->gid, (int)peer->pid);
	else if (ev->origin == AGENT_FROM_FLEET)
		snprintf(who, sizeof(who), " node=%.48s id=%.40s", ev->node, ev->id);

	r = agent_seen_check(&a->seen, ev->id) ? AGENT_REJ_DUPLICATE : AGENT_REJ_NONE;
	if (r == AGENT_REJ_DUPLICATE)
		snprintf(why, why_len, "event %s already seen", ev->id);
	else
		r = validate(a, ev, peer, why, why_len);
	/* The program has already enforced its own auto-bans: the agent only
	 * counts and publishes them. */
	if (!r && ev->origin != AGENT_FROM_PROGRAM)
		r = change(a, ev, why, why_len);
	if (r) {
		pthread_mutex_lock(&a->lock);
		a->rejected[o][r]++;
		pthread_mutex_unlock(&a->lock);
		/* Malformed and repeated events are only counted: a flood of
		 * them must not flood the journal too. */
		if (r != AGENT_REJ_INVALID && r != AGENT_REJ_DUPLICATE)
			agent_log(LOG_NOTICE, "%s %s refused (%s, from %s%s): %s",
				  op_names[ev->op & 3], ev->addr, reject_names[r], origin_names[o],
				  who, why);
		return -r;
	}
	pthread_mutex_lock(&a->lock);
	a->applied[o]++;
	pthread_mutex_unlock(&a->lock);
	if ((ev->op == AGENT_OP_BAN || ev->op == AGENT_OP_BLOCK) && ev->ttl)
		agent_log(LOG_NOTICE, "%s %s ttl=%u applied (from %s%s)", op_names[ev->op],
			  ev->addr, ev->ttl, origin_names[o], who);
	else
		agent_log(LOG_NOTICE, "%s %s%s applied (from %s%s)", op_names[ev->op], ev->addr,
			  ev->op == AGENT_OP_BAN ? " permanent" : "", origin_names[o], who);
	publish(a, ev);
	return 0;
}
