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

/* 1 if the frame is UDP or TCP to one of the configured SIP ports. */
static __always_inline int to_sip_port(void *data, void *data_end, const struct vosfp_config *cfg,
				       struct flow *f)
{
	if (parse_l4(data, data_end, f) < 0)
		return 0;
	return (cfg->port_bitmap[(f->dport >> 5) & (VOSFP_PORT_WORDS - 1)] >> (f->dport & 31)) & 1;
}

/*
 * Every decision after the IP header, as a global function: the header
 * parser reaches it by dozens of paths (VLAN tags, IPv4 options, IPv6
 * extension headers), and a global function is verified once for all of
 * them instead of once per path.
 */
__attribute__((noinline)) int vosfp_decide(struct xdp_md *ctx, __u32 l3_off, __u32 l4_off,
					   __u32 meta, __u32 l3_len)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u64 bytes = data_end - data;
	const struct vosfp_config *cfg;
	const struct vosfp_pol_state *st;
	struct vosfp_addr_key src;
	struct flow f = {};
	__u32 zero = 0, payload_len;
	__u64 now = 0;
	int res;

	if (flow_restore(data, data_end, l3_off, l4_off, meta, l3_len, &f) < 0)
		return XDP_PASS;

	cfg = bpf_map_lookup_elem(&vosfp_config, &zero);
	st = bpf_map_lookup_elem(&vosfp_pstate, &zero);
	if (!cfg || cfg->magic != VOSFP_CFG_MAGIC || !st)
		return XDP_PASS; /* not configured yet: stay out of the way */

	/* Later fragments carry no ports: only the source decisions apply. */
	if (f.later_fragment) {
		if (listed(st, VOSFP_LIST_BLOCK, &f, &now))
			return count(ctx, VOSFP_CTR_BLOCKED, bytes, XDP_DROP);
		addr_key(&f, &src);
		if (is_banned(&src))
			return count(ctx, VOSFP_CTR_BANNED, bytes, XDP_DROP);
		return XDP_PASS;
	}

	/* An IPv6 header chain longer than the walk hides the L4 header and
	 * its port: such a frame is ours (see below). */
	if (!f.unparsed && !to_sip_port(data, data_end, cfg, &f))
		return XDP_PASS;

	if (listed(st, VOSFP_LIST_BLOCK, &f, &now))
		return count(ctx, VOSFP_CTR_BLOCKED, bytes, XDP_DROP);
	addr_key(&f, &src);
	if (is_banned(&src))
		return count(ctx, VOSFP_CTR_BANNED, bytes, XDP_DROP);
	if (listed(st, VOSFP_LIST_ALLOW, &f, &now))
		return deliver(ctx, cfg->flags, VOSFP_CTR_ALLOWED, dlv_udp(&f, DLV_ALLOWED), bytes);

	/* Past the source decisions, a frame whose L4 header we cannot see is
	 * dropped: passed, a chain of seven extension headers would carry a
	 * scanner past every check below. */
	if (f.unparsed)
		return count(ctx, VOSFP_CTR_MALFORMED, bytes, XDP_DROP);

	/* SIP over TCP is a byte stream: only the source decisions apply. */
	if (f.l4proto != IPPROTO_UDP)
		return deliver(ctx, cfg->flags, VOSFP_CTR_PASSED, DLV_STACK, bytes);

	payload_len = sip_payload_len(&f);
	/* Requests that will be dropped as stealth whatever their line holds
	 * need only their method read. */
	res = vosfp_classify_payload(ctx, f.l4_off + sizeof(struct udphdr), payload_len,
				     cfg->flags & VOSFP_CFG_TRUSTED_ONLY ? ~0u
									: cfg->stealth_methods);
	switch (SIP_KIND(res)) {
	case SIP_KEEPALIVE:
		return deliver(ctx, cfg->flags, VOSFP_CTR_KEEPALIVE, dlv_udp(&f, DLV_OTHER), bytes);
	case SIP_MALFORMED:
		if (cfg->flags & VOSFP_CFG_MALFORMED_DROP)
			return count(ctx, VOSFP_CTR_MALFORMED, bytes, XDP_DROP);
		break;
	case SIP_REQUEST:
		if ((cfg->flags & VOSFP_CFG_TRUSTED_ONLY) ||
		    ((cfg->stealth_methods >> (SIP_METHOD(res) & 31)) & 1))
			return count(ctx, VOSFP_CTR_STEALTH, bytes, XDP_DROP);
		if ((cfg->flags & VOSFP_CFG_SCANNERS) &&
		    scanner_match(ctx, f.l4_off + sizeof(struct udphdr), payload_len, res)) {
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
		       dlv_udp(&f, SIP_KIND(res) == SIP_REQUEST ? DLV_REQUEST : DLV_OTHER), bytes);
}

SEC("xdp")
int vosfp_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct flow f = {};

	const struct vosfp_config *cfg;
	__u32 zero = 0;

	if (parse_l3(data, data_end, &f) < 0)
		return XDP_PASS;
	/* Most traffic is not ours: let it go before any call. */
	cfg = bpf_map_lookup_elem(&vosfp_config, &zero);
	if (!cfg || cfg->magic != VOSFP_CFG_MAGIC)
		return XDP_PASS; /* not configured yet: stay out of the way */
	if (!f.later_fragment && !f.unparsed && !to_sip_port(data, data_end, cfg, &f))
		return XDP_PASS;
	return vosfp_decide(ctx, f.l3_off, f.l4_off, FLOW_META(&f), f.l3_payload_len);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
