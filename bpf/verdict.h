/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * How a verdict leaves the program: every packet to a SIP port is counted
 * under exactly one reason (enum vosfp_counter), and one that passes goes to
 * an AF_XDP socket if its RX queue has one. Included once, by vosfp.bpf.c,
 * after maps.h.
 */
#ifndef VOSFP_VERDICT_H
#define VOSFP_VERDICT_H

static __always_inline int count(__u32 reason, __u64 bytes, int verdict)
{
	struct vosfp_counter_val *c = bpf_map_lookup_elem(&vosfp_counters, &reason);

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
		count(VOSFP_CTR_REDIRECTED, bytes, 0);
		/* XDP_PASS as the fallback if the socket went away meanwhile. */
		return bpf_redirect_map(&vosfp_xsks, queue, XDP_PASS);
	}
	return count(reason, bytes, XDP_PASS);
}

#endif /* VOSFP_VERDICT_H */
