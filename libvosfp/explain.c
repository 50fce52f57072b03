// SPDX-License-Identifier: BSD-2-Clause
/*
 * vosfp_explain_source: what the filter holds about one source and what it
 * would do with a SIP request from it. Every finding is read from the maps
 * the program reads (the lists through the policy engine's query, the ban,
 * verified and rate tables directly), and the decision follows the
 * program's order (vosfp.bpf.c): block, bans, allow, then the request
 * checks. Nothing is sent through the program: a dry run would move the
 * counters and spend one of the source's tokens.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>

#include "internal.h"
#include "policy/policy.h"

#define NSEC 1000000000ull

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC + (uint64_t)ts.tv_nsec;
}

/* An expiry that never comes: 0 (the lists' permanent) or all ones. */
static int permanent(uint64_t expires_ns)
{
	return !expires_ns || expires_ns == VOSFP_BAN_FOREVER_NS;
}

/* Whole seconds left, rounded up; 0 for permanent (the struct's rule). */
static uint32_t secs_left(uint64_t expires_ns, uint64_t now)
{
	uint64_t s;

	if (permanent(expires_ns) || expires_ns <= now)
		return 0;
	s = (expires_ns - now + NSEC - 1) / NSEC;
	return s > UINT32_MAX ? UINT32_MAX : (uint32_t)s;
}

static void ttl_text(char *buf, size_t len, uint32_t left)
{
	if (!left)
		snprintf(buf, len, "permanent");
	else
		snprintf(buf, len, "%us left", left);
}

static int list_finding(struct vosfp *h, int list, const struct vosfp_prefix *p, uint64_t now,
			uint32_t *matches, uint32_t *ttl_left, char *prefix, size_t len)
{
	struct vosfp__policy_hit hit;
	struct vosfp_prefix best;
	int err = vosfp__policy_match(h, list, p->family, p->addr, &hit);

	if (err)
		return err;
	*matches = hit.matches;
	if (!hit.matches)
		return 0;
	best.family = hit.family;
	best.len = hit.len;
	memcpy(best.addr, hit.addr, sizeof(best.addr));
	*ttl_left = secs_left(hit.expires_ns, now);
	return vosfp__prefix_format(&best, prefix, len);
}

/* A live value in one of the tables keyed by source, read into val whose
 * first member is the expiry: 1 found, 0 not, or a negative errno. */
static int lookup_live(int fd, const struct vosfp_addr_key *key, void *val, uint64_t now)
{
	uint64_t expires;

	if (bpf_map_lookup_elem(fd, key, val))
		return errno == ENOENT ? 0 : -errno;
	memcpy(&expires, val, sizeof(expires));
	return permanent(expires) || expires > now;
}

static int ban_finding(struct vosfp *h, const struct vosfp_addr_key *key, uint64_t now,
		       struct vosfp_explain *e)
{
	/* The program reads the table of bans by hand first. */
	static const int tables[2] = { MAP_MBANS, MAP_BANS };

	for (int t = 0; t < 2; t++) {
		struct vosfp_ban_val val;
		int r = lookup_live(h->map_fd[tables[t]], key, &val, now);

		if (r < 0)
			return r;
		if (r) {
			e->ban = t ? VOSFP_EXPLAIN_BAN_AUTO : VOSFP_EXPLAIN_BAN_MANUAL;
			e->ban_reason = (int)val.reason;
			e->ban_ttl_left = secs_left(val.expires_ns, now);
			return 0;
		}
	}
	return 0;
}

/* A source the rate table does not hold, read from its first sighting
 * (vosfp_shared.h): 1 and *tat, as the table would hold it, if its word
 * says it made a request within the last interval; else 0. */
static int rate_seen(struct vosfp *h, const struct vosfp_config *cfg,
		     const struct vosfp_addr_key *key, uint64_t now, __u64 *tat)
{
	__u64 hash = vosfp_src_hash(key, h->banflag->seed), seen, first;
	uint32_t idx = vosfp_rate_seen_word(hash);

	if (bpf_map_lookup_elem(h->map_fd[MAP_RATE_SEEN], &idx, &seen))
		return -errno;
	if (!vosfp_rate_seen_first(seen, hash, now, cfg->rate_interval_ns, &first))
		return 0;
	*tat = first + cfg->rate_interval_ns;
	return 1;
}

/* The GCRA of rate_limit.h read back: a request passes while the
 * theoretical arrival time is at most tau ahead of now, and each one moves
 * it one interval on, so the requests left at once are (tau - ahead) /
 * interval + 1. */
static int rate_finding(struct vosfp *h, const struct vosfp_config *cfg,
			const struct vosfp_addr_key *key, uint64_t now, struct vosfp_explain *e)
{
	struct vosfp_rate_val val;
	uint64_t ahead;
	int seen;

	e->rate_limit = cfg->rate_pps;
	e->rate_burst = cfg->rate_interval_ns
				? (uint32_t)(cfg->rate_tau_ns / cfg->rate_interval_ns) + 1
				: (uint32_t)cfg->rate_tau_ns + 1;
	e->rate_tokens = e->rate_burst;
	if (bpf_map_lookup_elem(h->map_fd[MAP_RATE], key, &val)) {
		if (errno != ENOENT)
			return -errno;
		if (!cfg->rate_interval_ns)
			return 0;
		seen = rate_seen(h, cfg, key, now, &val.tat_ns);
		if (seen <= 0)
			return seen;
	}
	e->rate_tracked = 1;
	if (!cfg->rate_interval_ns)
		return 0;
	ahead = val.tat_ns > now ? val.tat_ns - now : 0;
	if (ahead > cfg->rate_tau_ns)
		e->rate_tokens = 0;
	else
		e->rate_tokens = (uint32_t)((cfg->rate_tau_ns - ahead) / cfg->rate_interval_ns) + 1;
	return 0;
}

static const char *ban_reason_text(int reason)
{
	switch (reason) {
	case VOSFP_CTR_SCANNER:
		return "scanner User-Agent";
	case VOSFP_CTR_RATE_LIMITED:
		return "over the rate limit";
	case VOSFP_CTR_BANNED:
		return "by hand";
	default:
		return vosfp_counter_name(reason) ? vosfp_counter_name(reason) : "unknown reason";
	}
}

static void decide(const struct vosfp_config *cfg, struct vosfp_explain *e)
{
	char ttl[32];

	if (e->block_matches) {
		ttl_text(ttl, sizeof(ttl), e->block_ttl_left);
		e->verdict = VOSFP_VERDICT_DROP;
		e->reason = VOSFP_CTR_BLOCKED;
		snprintf(e->decision, sizeof(e->decision), "dropped: blocked by %s (%s)",
			 e->block_prefix, ttl);
	} else if (e->ban) {
		ttl_text(ttl, sizeof(ttl), e->ban_ttl_left);
		e->verdict = VOSFP_VERDICT_DROP;
		e->reason = VOSFP_CTR_BANNED;
		if (e->ban == VOSFP_EXPLAIN_BAN_MANUAL)
			snprintf(e->decision, sizeof(e->decision), "dropped: banned by hand (%s)",
				 ttl);
		else
			snprintf(e->decision, sizeof(e->decision),
				 "dropped: banned automatically (%s, %s)",
				 ban_reason_text(e->ban_reason), ttl);
	} else if (e->allow_matches) {
		ttl_text(ttl, sizeof(ttl), e->allow_ttl_left);
		e->verdict = VOSFP_VERDICT_PASS;
		e->reason = VOSFP_CTR_ALLOWED;
		snprintf(e->decision, sizeof(e->decision),
			 "passed: allowed by %s (%s), not inspected", e->allow_prefix, ttl);
	} else if (cfg->flags & VOSFP_CFG_TRUSTED_ONLY) {
		e->verdict = VOSFP_VERDICT_DROP;
		e->reason = VOSFP_CTR_STEALTH;
		snprintf(e->decision, sizeof(e->decision),
			 "dropped: trusted_only is on and the source is not on the allow list");
	} else if ((cfg->stealth_methods >> VOSFP_M_INVITE) & 1) {
		e->verdict = VOSFP_VERDICT_DROP;
		e->reason = VOSFP_CTR_STEALTH;
		snprintf(e->decision, sizeof(e->decision),
			 "dropped: INVITE is a stealth method and the source is not allowed");
	} else if (e->rate_limit && e->rate_tracked && !e->rate_tokens) {
		e->verdict = VOSFP_VERDICT_DROP;
		e->reason = VOSFP_CTR_RATE_LIMITED;
		snprintf(e->decision, sizeof(e->decision),
			 "dropped: over the rate limit (%u/s, burst %u)%s", e->rate_limit,
			 e->rate_burst,
			 !(cfg->flags & VOSFP_CFG_AUTOBAN) ? ""
			 : e->verified ? "; verified, so not banned" : "; and banned");
	} else {
		e->verdict = VOSFP_VERDICT_PASS;
		e->reason = VOSFP_CTR_PASSED;
		snprintf(e->decision, sizeof(e->decision),
			 "passed: on no list and not banned; inspected (stealth methods, "
			 "scanner User-Agents%s)", e->rate_limit ? ", rate limit" : "");
	}
}

VOSFP_API int vosfp_explain_source(struct vosfp *h, const char *addr, struct vosfp_explain *out)
{
	struct vosfp_explain e = { .sz = sizeof(e) };
	char why[VOSFP_ERR_LEN];
	struct vosfp_verified_val ver;
	struct vosfp_addr_key key;
	struct vosfp_config cfg;
	struct vosfp_prefix p;
	uint64_t now;
	int err;

	if (!h)
		return vosfp__no_handle(__func__);
	if (!out || out->sz < offsetof(struct vosfp_explain, family))
		return vosfp__fail(h, -EINVAL,
				   "vosfp_explain_source: out is NULL or its sz too small");
	if (vosfp__prefix_parse(addr, &p, why, sizeof(why)))
		return vosfp__fail(h, -EINVAL, "%s", why);
	if (p.len != (p.family == AF_INET ? 32u : 128u))
		return vosfp__fail(h, -EINVAL, "'%s': explain one address, not a prefix", addr);
	if (!inet_ntop(p.family, p.addr, e.addr, sizeof(e.addr)))
		return vosfp__fail(h, -EINVAL, "'%s': cannot format the address", addr);
	e.family = p.family == AF_INET ? 4 : 6;
	memset(&key, 0, sizeof(key));
	key.family = (uint8_t)e.family;
	memcpy(key.addr, p.addr, p.family == AF_INET ? 4 : 16);

	err = vosfp__config_read(h, &cfg);
	if (err)
		return err;
	now = mono_ns();
	err = list_finding(h, VOSFP_LIST_BLOCK, &p, now, &e.block_matches, &e.block_ttl_left,
			   e.block_prefix, sizeof(e.block_prefix));
	if (!err)
		err = list_finding(h, VOSFP_LIST_ALLOW, &p, now, &e.allow_matches,
				   &e.allow_ttl_left, e.allow_prefix, sizeof(e.allow_prefix));
	if (err)
		return err;
	err = ban_finding(h, &key, now, &e);
	if (!err) {
		err = lookup_live(h->map_fd[MAP_VERIFIED], &key, &ver, now);
		if (err > 0) {
			e.verified = 1;
			e.verified_ttl_left = secs_left(ver.expires_ns, now);
		}
	}
	if (err >= 0)
		err = rate_finding(h, &cfg, &key, now, &e);
	if (err < 0)
		return vosfp__fail(h, err, "%s: reading the source tables: %s", addr,
				   strerror(-err));
	decide(&cfg, &e);
	/* OPTS rule: an older caller's struct gets the fields it knows. */
	memcpy((char *)out + sizeof(out->sz), (char *)&e + sizeof(e.sz),
	       (out->sz < sizeof(e) ? out->sz : sizeof(e)) - sizeof(e.sz));
	return vosfp__ok(h);
}
