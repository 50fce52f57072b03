/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * How a verdict leaves the program: every packet to a SIP port is counted
 * under exactly one reason (enum vosfp_counter), and one that passes goes to
 * an AF_XDP socket if its RX queue has one. Included once, by vosfp.bpf.c,
 * after maps.h.
 */
#ifndef VOSFP_VERDICT_H
#define VOSFP_VERDICT_H

/* The counter row of the interface ctx came in on (vosfp_shared.h). The
 * ARRAY lookup is inlined by the verifier: a bounds check, no helper call;
 * an index past the map and an interface with no row are row 0, "other".
 * Looked up here, not at the program's entry, so that traffic that is not
 * ours pays nothing for it. */
static __always_inline __u32 counter_row(struct xdp_md *ctx)
{
	__u32 ifindex = ctx->ingress_ifindex;
	__u32 *row = bpf_map_lookup_elem(&vosfp_ifindex, &ifindex);

	return row && *row < VOSFP_IFROWS ? *row : VOSFP_IFROW_OTHER;
}

static __always_inline int count(struct xdp_md *ctx, __u32 reason, __u64 bytes, int verdict)
{
	__u32 key = counter_row(ctx) * VOSFP_CTR_SLOTS + (reason & (VOSFP_CTR_SLOTS - 1));
	struct vosfp_counter_val *c = bpf_map_lookup_elem(&vosfp_counters, &key);

	/* Per-CPU slot: no other writer, no atomics needed. */
	if (c) {
		c->packets++;
		c->bytes += bytes;
	}
	return verdict;
}

/* The last step for every SIP packet we let through: an AF_XDP socket on
 * this RX queue takes it, else the kernel stack does. */
static __always_inline int deliver(struct xdp_md *ctx, __u32 reason, __u64 bytes)
{
	__u32 queue = ctx->rx_queue_index;

	if (bpf_map_lookup_elem(&vosfp_xsks, &queue)) {
		count(ctx, VOSFP_CTR_REDIRECTED, bytes, 0);
		/* XDP_PASS as the fallback if the socket went away meanwhile. */
		return bpf_redirect_map(&vosfp_xsks, queue, XDP_PASS);
	}
	return count(ctx, reason, bytes, XDP_PASS);
}

#endif /* VOSFP_VERDICT_H */
