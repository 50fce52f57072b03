/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * sip_classify.h's parser, plugged into the XDP program: the hooks it asks
 * its includer for (sip_find, sip_find_line_u, sip_header_value) on the
 * scans of sip_scan.h, and the global functions the decision calls: the
 * first-line classifier and the scanner User-Agent match. Included once, by
 * vosfp.bpf.c, after maps.h and sip_scan.h.
 */
#ifndef VOSFP_SIP_HOOKS_H
#define VOSFP_SIP_HOOKS_H

/* The length of the SIP message in a UDP datagram. It ends where UDP says,
 * not at data_end: Ethernet pads short frames, and the padding is not part
 * of the message. */
static __always_inline __u32 sip_payload_len(const struct flow *f)
{
	__u32 ulen = f->udp_len;

	if (ulen < sizeof(struct udphdr) || ulen > f->l3_payload_len)
		ulen = f->l3_payload_len; /* fall back to what IP says */
	return ulen >= sizeof(struct udphdr) ? ulen - sizeof(struct udphdr) : 0;
}

struct sip_src {
	struct xdp_md *ctx;
	__u32 off, len;
};

static __always_inline __u32 sip_find(const struct sip_src *src, __u32 from, __u8 a, __u8 b,
				      __u8 c)
{
	return (__u32)vosfp_find(src->ctx, src->off, src->len, from,
				 (__u32)a | (__u32)b << 8 | (__u32)c << 16);
}

static __always_inline __u32 sip_find_line_u(const struct sip_src *src, __u32 from)
{
	return (__u32)vosfp_find_line_u(src->ctx, src->off, src->len, from);
}

/* sip_value_after_name (see sip_classify.h) in a global function of its
 * own: its white-space loops are verified once, not once per header line. */
__attribute__((noinline)) int vosfp_header_value(struct xdp_md *ctx, __u32 off, __u32 len,
						 __u32 at)
{
	const __u8 *p = scan_start(ctx, off, 0);

	if (!p)
		return 0;
	return (int)sip_value_after_name(p, (void *)(long)ctx->data_end, len, at);
}

/* Nearly every User-Agent is written "User-Agent: value": that one form is
 * read here, without the call and its white-space loops; the function
 * gives the same answer for it and answers every other form. */
static __always_inline __u32 sip_header_value(const struct sip_src *src, __u32 at)
{
	void *data_end = (void *)(long)src->ctx->data_end;
	const __u8 *h = scan_start(src->ctx, src->off, at);

	if (h && at <= SIP_HDR_SCAN + 16 && at + 3 <= src->len && (void *)(h + 3) <= data_end &&
	    h[0] == ':' && h[1] == ' ' && h[2] != ' ' && h[2] != '\t')
		return at + 2;
	return (__u32)vosfp_header_value(src->ctx, src->off, src->len, at);
}

/* The first-line classifier, as a global function for the same reason. */
__attribute__((noinline)) int vosfp_classify_payload(struct xdp_md *ctx, __u32 off, __u32 len,
						    __u32 settled)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct sip_src src = { .ctx = ctx, .off = off, .len = len };

	if (off > 0x3fff)
		return SIP_RESULT(SIP_UNDECIDED, 0);
	return sip_classify(&src, (const __u8 *)data + off, data_end, len, settled);
}

/* 1 if the value at voff starts with a scanner signature: one inlined
 * read of its key's slot in generation gen of the table (vosfp_shared.h),
 * whatever the number of signatures. voff_gen: voff, and gen in bit 16;
 * key: the value's lookup key, which vosfp_user_agent read. */
__attribute__((noinline)) int vosfp_ua_match(struct xdp_md *ctx, __u32 off, __u32 len,
					     __u32 voff_gen, __u32 key)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 voff = voff_gen & 0xffff, slot, pos = off + voff;
	const struct vosfp_ua_val *cand;

	if (off > 0x3fff || voff > SIP_HDR_SCAN + 16 || voff >= len)
		return 0;
	/* pos < 0x4600: the mask changes nothing but keeps the bound visible. */
	SIP_OPAQUE(pos);
	slot = ((voff_gen >> 16) & 1) * VOSFP_UA_KEY_BITS + vosfp_ua_key_bit(key);
	cand = bpf_map_lookup_elem(&vosfp_ua_sigs, &slot);
	return cand ? sip_ua_match((const __u8 *)data + (pos & 0x7fff), data_end, len - voff, cand,
				   key)
		    : 0;
}

/*
 * 1 if the User-Agent of the payload at off starts with a scanner
 * signature. from_gen: where the search starts in its low 16 bits
 * (SIP_HDR_FROM of the classifier's result), the signatures' live
 * generation in bit 16. Most User-Agents stop at their key's bit in
 * vosfp_config.ua_keys and pay neither vosfp_ua_match's call nor its table
 * read; the others hand it the key read here, so that the key is read once
 * and the match is called from here, not from the decision (one return
 * fewer).
 */
__attribute__((noinline)) int vosfp_user_agent(struct xdp_md *ctx, __u32 off, __u32 len,
					       __u32 from_gen)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct sip_src src = { .ctx = ctx, .off = off, .len = len };
	const struct vosfp_config *cfg = &shared_config;
	__u32 voff, pos, key, bit;

	if (off > 0x3fff)
		return 0;
	voff = sip_user_agent_offset_from(&src, (const __u8 *)data + off, data_end, len,
					  from_gen & 0xffff);
	if (!voff || voff > SIP_HDR_SCAN + 16 || voff >= len)
		return 0;
	/* pos < 0x4600, as in vosfp_ua_match. */
	pos = off + voff;
	SIP_OPAQUE(pos);
	if (sip_ua_key((const __u8 *)data + (pos & 0x7fff), data_end, len - voff, &key))
		return 0; /* too short for a key: no signature is that short */
	bit = vosfp_ua_key_bit(key);
	if (!((cfg->ua_keys[(bit >> 6) & (VOSFP_UA_KEY_WORDS - 1)] >> (bit & 63)) & 1))
		return 0;
	return vosfp_ua_match(ctx, off, len, voff | (from_gen & 0x10000), key);
}

/* 1 if the request's User-Agent starts with a scanner signature; res is
 * what vosfp_classify_payload() said of the request, whose Request-Line the
 * walk skips, flags the config's. The walk and the match are global
 * functions, each verified once: the walk has many ways out, and each
 * would otherwise be verified with the match. */
static __always_inline int scanner_match(struct xdp_md *ctx, __u32 off, __u32 len, int res,
					 __u32 flags)
{
	return vosfp_user_agent(ctx, off, len,
				SIP_HDR_FROM(res) | (flags & VOSFP_CFG_UA_GEN ? 1u << 16 : 0)) > 0;
}

#endif /* VOSFP_SIP_HOOKS_H */
