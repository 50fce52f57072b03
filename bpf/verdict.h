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

/* What a packet that passes is, for xsk_redirect (docs/filter.md, "AF_XDP"):
 * the call site knows, deliver() decides with the config. */
enum dlv_kind {
	DLV_STACK,   /* never to a socket: TCP, a first fragment, an unparsed chain */
	DLV_REQUEST, /* a UDP SIP request that passed inspection */
	DLV_OTHER,   /* a UDP response, keep-alive, or malformed payload let through */
	DLV_ALLOWED, /* UDP from an allowed source: not inspected, so of no known kind */
};

/* kind for a UDP datagram, DLV_STACK for anything else. TCP is a byte
 * stream the kernel's socket owns: a segment taken from it breaks the
 * connection. A first fragment (UDP length past the IP payload) would be
 * taken while its later fragments, which carry no port, go to the stack:
 * neither side could reassemble the message. */
static __always_inline __u32 dlv_udp(const struct flow *f, __u32 kind)
{
	if (f->unparsed || f->l4proto != IPPROTO_UDP || f->udp_len > f->l3_payload_len)
		return DLV_STACK;
	return kind;
}

static __always_inline int xsk_wanted(__u32 flags, __u32 kind)
{
	if (kind == DLV_STACK || (flags & VOSFP_CFG_XSK_NONE))
		return 0;
	if (kind == DLV_ALLOWED)
		return !(flags & VOSFP_CFG_XSK_NO_ALLOWED);
	return kind == DLV_REQUEST || !(flags & VOSFP_CFG_XSK_REQUESTS);
}

/* The last step for every SIP packet we let through: an AF_XDP socket on
 * this RX queue takes it if the config wants this kind, else the kernel
 * stack does. The XSKMAP lookup is inlined, so a queue with no socket costs
 * no helper call. Counted as redirected only when bpf_redirect_map() took
 * it: a socket closed since the lookup (the kernel removes it from the map)
 * makes it return the XDP_PASS fallback, and the packet is counted under
 * its own reason, as what reaches the stack must be. */
static __always_inline int deliver(struct xdp_md *ctx, __u32 flags, __u32 reason, __u32 kind,
				   __u64 bytes)
{
	__u32 queue = ctx->rx_queue_index;

	/* The socket first: with the config's test after it, the verifier
	 * prunes the paths that reach here by the dozens of header layouts
	 * (290,000 instructions verified instead of 427,000 with the decision
	 * inlined into the entry point), at the price of an inlined lookup for
	 * a packet that xsk_redirect keeps from the socket anyway. */
	if (bpf_map_lookup_elem(&vosfp_xsks, &queue) && xsk_wanted(flags, kind) &&
	    bpf_redirect_map(&vosfp_xsks, queue, XDP_PASS) == XDP_REDIRECT)
		return count(ctx, VOSFP_CTR_REDIRECTED, bytes, XDP_REDIRECT);
	return count(ctx, reason, bytes, XDP_PASS);
}

#endif /* VOSFP_VERDICT_H */
