/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The byte scans under the SIP classifier: find one of three bytes, find a
 * line that may be the User-Agent or the end of the headers. Each is a
 * global function, verified once whatever path leads to it (docs/filter.md,
 * "Costs for the verifier"). Included once, by vosfp.bpf.c, before
 * sip_hooks.h, which builds sip_classify.h's hooks on them.
 */
#ifndef VOSFP_SIP_SCAN_H
#define VOSFP_SIP_SCAN_H

/* Where a scan starts: the payload at off, plus from; NULL when either is
 * out of range. start < 0x4800, so the mask changes nothing; once the
 * compiler cannot see through it, it shows the verifier the bound. */
static __always_inline const __u8 *scan_start(struct xdp_md *ctx, __u32 off, __u32 from)
{
	void *data = (void *)(long)ctx->data;
	__u32 start = off + from;

	if (off > 0x3fff || from > 0x7ff)
		return NULL;
	SIP_OPAQUE(start);
	return (const __u8 *)data + (start & 0x7fff);
}

/*
 * The last bytes of a scan, one at a time: fewer than a word before the end
 * of the data, or the end of the window (left: bytes of it still to look
 * at, at most 9). Global functions of their own: reached from any step of
 * a word loop, each is verified once instead of once per step.
 */
__attribute__((noinline)) int vosfp_find_tail(struct xdp_md *ctx, __u32 off, __u32 len, __u32 from,
					      __u32 abc_left)
{
	void *data_end = (void *)(long)ctx->data_end;
	__u8 a = abc_left & 0xff, b = (abc_left >> 8) & 0xff, c = (abc_left >> 16) & 0xff;
	const __u8 *p = scan_start(ctx, off, from);
	__u32 left = abc_left >> 24;

	if (!p)
		return (int)SIP_NOT_SEEN;
	for (__u32 k = 0; k < 9; k++) {
		const __u8 *q = p + k;

		SIP_OPAQUE(q);
		if (k >= left)
			break;
		if (from + k >= len || (void *)(q + 1) > data_end)
			return (int)len;
		if (*q == a || *q == b || *q == c)
			return (int)(from + k);
	}
	return (int)SIP_NOT_SEEN;
}

__attribute__((noinline)) int vosfp_find_line_u_tail(struct xdp_md *ctx, __u32 off, __u32 len,
						     __u32 from, __u32 left)
{
	void *data_end = (void *)(long)ctx->data_end;
	const __u8 *p = scan_start(ctx, off, from);

	if (!p)
		return (int)SIP_NOT_SEEN;
	for (__u32 k = 0; k < 9; k++) {
		const __u8 *q = p + k;

		SIP_OPAQUE(q);
		if (k >= left)
			break;
		if (from + k >= len || (void *)(q + 1) > data_end)
			return (int)len;
		if (*q != '\n')
			continue;
		if (from + k + 1 >= len || (void *)(q + 2) > data_end)
			return (int)(from + k);
		if ((q[1] | 0x20) == 'u' || q[1] == '\r' || q[1] == '\n')
			return (int)(from + k);
	}
	return (int)SIP_NOT_SEEN;
}

/*
 * The one scan primitive (see sip_find in sip_classify.h): the index of the
 * first byte equal to any of the three bytes of abc at or after `from` in the
 * payload at `off`. A global (non-inlined, non-static) function is verified
 * once, on its own, whatever path led to it: the verifier's work for the
 * byte loops stays independent of the L2/L3 variants and of the callers.
 */
__attribute__((noinline)) int vosfp_find(struct xdp_md *ctx, __u32 off, __u32 len, __u32 from,
					 __u32 abc)
{
	void *data_end = (void *)(long)ctx->data_end;
	__u8 a = abc & 0xff, b = (abc >> 8) & 0xff, c = (abc >> 16) & 0xff;
	const __u8 *p = scan_start(ctx, off, from);
	__u32 i = 0;

	if (!p)
		return (int)SIP_NOT_SEEN;
	/* Eight bytes a step while a whole word fits... */
	for (__u32 w = 0; w < SIP_FIND_WINDOW / 8; w++) {
		const __u8 *q = p + i;
		__u64 m;

		SIP_OPAQUE(q);
		if (from + i + 8 > len || (void *)(q + 8) > data_end)
			break;
		m = sip_bytes_equal(SIP_LOAD64(q), a, b, c);
		if (m)
			return (int)(from + i + sip_first_byte(m));
		i += 8;
	}
	/* ...then byte by byte: fewer than 8 before the end, or the rest of
	 * the window. The same answers as a plain byte loop. */
	return vosfp_find_tail(ctx, off, len, from + i,
			       abc | (SIP_FIND_WINDOW - i < 9 ? SIP_FIND_WINDOW - i : 9) << 24);
}

/* The high bit of each byte of `next` (the word one byte after a word)
 * that may start a User-Agent line or the empty line: u, U, CR or LF. */
static __always_inline __u64 sip_line_u_starts(__u64 next)
{
	const __u64 ones = 0x0101010101010101ull;

	return sip_zero_bytes((next | VOSFP_UA_FOLD) ^ (ones * 'u')) |
	       sip_zero_bytes(next ^ (ones * '\r')) | sip_zero_bytes(next ^ (ones * '\n'));
}

/* sip_find_line_u (see sip_classify.h), sixteen then eight bytes a step:
 * the bytes after each '\n' of a word are the same word loaded one byte
 * later, and most words hold no '\n', so only those that do load it.
 * Two words a step halve the bounds checks and the loop overhead of a walk
 * through headers that have no User-Agent (the whole of most requests). */
__attribute__((noinline)) int vosfp_find_line_u(struct xdp_md *ctx, __u32 off, __u32 len,
						__u32 from)
{
	const __u64 nls = 0x0101010101010101ull * '\n';
	void *data_end = (void *)(long)ctx->data_end;
	const __u8 *p = scan_start(ctx, off, from);
	__u32 i = 0;

	if (!p)
		return (int)SIP_NOT_SEEN;
	for (__u32 w = 0; w < SIP_FIND_WINDOW / 16; w++) {
		const __u8 *q = p + i;
		__u64 nl0, nl1, hits;

		SIP_OPAQUE(q);
		if (from + i + 17 > len || (void *)(q + 17) > data_end)
			break;
		nl0 = sip_zero_bytes(SIP_LOAD64(q) ^ nls);
		nl1 = sip_zero_bytes(SIP_LOAD64(q + 8) ^ nls);
		if (nl0 | nl1) {
			hits = nl0 ? nl0 & sip_line_u_starts(SIP_LOAD64(q + 1)) : 0;
			if (hits)
				return (int)(from + i + sip_first_byte(hits));
			hits = nl1 ? nl1 & sip_line_u_starts(SIP_LOAD64(q + 9)) : 0;
			if (hits)
				return (int)(from + i + 8 + sip_first_byte(hits));
		}
		i += 16;
	}
	/* At most one more whole word: fewer than 17 bytes were left, or the
	 * window has fewer than 16 (SIP_FIND_WINDOW % 16 == 12). */
	{
		const __u8 *q = p + i;
		__u64 nl, hits;

		SIP_OPAQUE(q);
		if (i + 8 <= SIP_FIND_WINDOW && from + i + 9 <= len &&
		    (void *)(q + 9) <= data_end) {
			nl = sip_zero_bytes(SIP_LOAD64(q) ^ nls);
			hits = nl ? nl & sip_line_u_starts(SIP_LOAD64(q + 1)) : 0;
			if (hits)
				return (int)(from + i + sip_first_byte(hits));
			i += 8;
		}
	}
	return vosfp_find_line_u_tail(ctx, off, len, from + i,
				      SIP_FIND_WINDOW - i < 9 ? SIP_FIND_WINDOW - i : 9);
}

#endif /* VOSFP_SIP_SCAN_H */
