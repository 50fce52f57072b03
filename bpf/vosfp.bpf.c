// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The vosfp XDP program: one pass over each frame, cheapest decisions first
 * (see DESIGN.md, "Data path"). Frames that are not UDP or TCP to a
 * configured SIP port pass untouched and uncounted: the filter never harms
 * traffic it does not own. Every other frame is counted under exactly one
 * reason.
 */
#include "parse_headers.h"
#include "sip_classify.h"
#include "vosfp_shared.h"
#include "plain_frames.h"  /* is_sip_port(), plain_frame() */

/* One concern per header, in the order each needs the one before. */
#include "maps.h"          /* the maps of the XDP program */
#include "verdict.h"       /* count(), deliver(): how a packet leaves */
/* The ban tables and verified sources, and the egress program that learns
 * them; after the maps above, which they use. */
#include "bans.h"
#include "egress.h"
#include "policy_lookup.h" /* listed(): block and allow lists */
#include "rate_limit.h"    /* over_rate() */
#include "sip_scan.h"      /* the byte scans under the classifier */
#include "sip_hooks.h"     /* vosfp_classify_payload(), scanner_match() */
#include "sip_fast.h"      /* sip_fast(): the commonest payloads, before the call */

/* 1 if the frame is UDP or TCP to one of the configured SIP ports. */
static __always_inline int to_sip_port(void *data, void *data_end, const struct vosfp_config *cfg,
				       struct flow *f)
{
	return parse_l4(data, data_end, f) == 0 && is_sip_port(cfg, f->dport);
}

/*
 * Every decision after the IP header, inlined into the entry point: the
 * flow the parser filled and the config it looked up are used as they are,
 * where a global function (verified once for all the parser's paths) had
 * to re-read the source address from the frame, look the config up again
 * and pay a call on every packet to a SIP port. The verifier's state
 * pruning keeps the cost of verifying it once per parser path small: its
 * count grew by 2 % (Linux 6.18), and Debian 11's 5.10 loads it
 * (bench/README.md, "Fixed cost (issue 15)").
 */
static __always_inline int vosfp_decide(struct xdp_md *ctx, const struct flow *f,
					const struct vosfp_config *cfg)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u64 bytes = data_end - data;
	const struct vosfp_pol_state *st = &shared_pol_state;
	struct vosfp_addr_key src;
	__u32 payload_len, settled;
	__u64 now = 0;
	int res;

	/* Later fragments carry no ports: only the source decisions apply. */
	if (f->later_fragment) {
		if (listed(st, VOSFP_LIST_BLOCK, f, &now))
			return count(ctx, VOSFP_CTR_BLOCKED, bytes, XDP_DROP);
		addr_key(f, &src);
		if (is_banned(&src))
			return count(ctx, VOSFP_CTR_BANNED, bytes, XDP_DROP);
		return XDP_PASS;
	}

	if (listed(st, VOSFP_LIST_BLOCK, f, &now))
		return count(ctx, VOSFP_CTR_BLOCKED, bytes, XDP_DROP);
	addr_key(f, &src);
	if (is_banned(&src))
		return count(ctx, VOSFP_CTR_BANNED, bytes, XDP_DROP);
	if (listed(st, VOSFP_LIST_ALLOW, f, &now))
		return deliver(ctx, cfg->flags, VOSFP_CTR_ALLOWED, dlv_udp(f, DLV_ALLOWED), bytes);

	/* Past the source decisions, a frame whose L4 header we cannot see is
	 * dropped: passed, a chain of seven extension headers would carry a
	 * scanner past every check below. */
	if (f->unparsed)
		return count(ctx, VOSFP_CTR_MALFORMED, bytes, XDP_DROP);

	/* SIP over TCP is a byte stream: only the source decisions apply. */
	if (f->l4proto != IPPROTO_UDP)
		return deliver(ctx, cfg->flags, VOSFP_CTR_PASSED, DLV_STACK, bytes);

	payload_len = sip_payload_len(f);
	/* Requests that will be dropped as stealth whatever their line holds
	 * need only their method read; they, keep-alives and binary junk are
	 * decided here, without the classifier's call. */
	settled = cfg->flags & VOSFP_CFG_TRUSTED_ONLY ? ~0u : cfg->stealth_methods;
	res = sip_fast(data, data_end, f->l4_off + sizeof(struct udphdr), payload_len, settled);
	if (res == SIP_FAST_ASK) {
		SIP_FAST_TEST_ASKED();
		res = vosfp_classify_payload(ctx, f->l4_off + sizeof(struct udphdr), payload_len,
					     settled);
	}
	switch (SIP_KIND(res)) {
	case SIP_KEEPALIVE:
		return deliver(ctx, cfg->flags, VOSFP_CTR_KEEPALIVE, dlv_udp(f, DLV_OTHER), bytes);
	case SIP_MALFORMED:
		if (cfg->flags & VOSFP_CFG_MALFORMED_DROP)
			return count(ctx, VOSFP_CTR_MALFORMED, bytes, XDP_DROP);
		break;
	case SIP_REQUEST:
		if ((cfg->flags & VOSFP_CFG_TRUSTED_ONLY) ||
		    ((cfg->stealth_methods >> (SIP_METHOD(res) & 31)) & 1))
			return count(ctx, VOSFP_CTR_STEALTH, bytes, XDP_DROP);
		if ((cfg->flags & VOSFP_CFG_SCANNERS) &&
		    scanner_match(ctx, f->l4_off + sizeof(struct udphdr), payload_len, res,
				  cfg->flags)) {
			ban(cfg, &src, VOSFP_CTR_SCANNER);
			return count(ctx, VOSFP_CTR_SCANNER, bytes, XDP_DROP);
		}
		if (over_rate(cfg, &src)) {
			ban(cfg, &src, VOSFP_CTR_RATE_LIMITED);
			return count(ctx, VOSFP_CTR_RATE_LIMITED, bytes, XDP_DROP);
		}
		break;
	}
	return deliver(ctx, cfg->flags, VOSFP_CTR_PASSED,
		       dlv_udp(f, SIP_KIND(res) == SIP_REQUEST ? DLV_REQUEST : DLV_OTHER), bytes);
}

SEC("xdp")
int vosfp_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct flow f = {};

	const struct vosfp_config *cfg = &shared_config;

	/* The config's address, hidden from the compiler here: knowing it all
	 * the way down, clang shaped the decision so that the verifier walked
	 * 867,380 instructions instead of 295,426, for 1-2 ns (bench/README.md,
	 * "Shared data"). */
	asm volatile("" : "+r"(cfg));
	/* Most traffic is not ours: let it go before anything else. A plain
	 * frame is told in one step, the rest takes the full parse. */
	switch (plain_frame(data, data_end, cfg, &f)) {
	case PLAIN_NOT_OURS:
		return XDP_PASS;
	case PLAIN_FULL:
		if (parse_l3(data, data_end, &f) < 0)
			return XDP_PASS;
		/* An IPv6 header chain longer than the walk hides the L4
		 * header and its port: such a frame is ours (vosfp_decide). */
		if (!f.later_fragment && !f.unparsed && !to_sip_port(data, data_end, cfg, &f))
			return XDP_PASS;
		break;
	}
	/* Not configured yet: stay out of the way. Tested here only: a config
	 * the library has not written is all zeros, so it has no port. */
	if (cfg->magic != VOSFP_CFG_MAGIC)
		return XDP_PASS;
	return vosfp_decide(ctx, &f, cfg);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
