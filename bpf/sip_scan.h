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

/* Nonzero (in the high bits) if some byte of x is below the byte of lt (lt:
 * that byte in every byte, at most 0x80). Exact as a yes or no, not as a
 * position: a borrow can mark a byte above a real one. Four operations,
 * where sip_bytes_equal() takes eighteen: a cheap test for a block. */
static __always_inline __u64 sip_has_below(__u64 x, __u64 lt)
{
	return (x - lt) & ~x;
}

/*
 * The one scan primitive (see sip_find in sip_classify.h): the index of the
 * first byte equal to any of the three bytes of abc at or after `from` in the
 * payload at `off`. A global (non-inlined, non-static) function is verified
 * once, on its own, whatever path led to it: the verifier's work for the
 * byte loops stays independent of the L2/L3 variants and of the callers.
 *
 * The bytes looked for are all below 0x21 (SP, CR, LF after a Request-URI,
 * which holds none of them): a block of 32 bytes takes one bounds check and
 * one "any byte below" test, and only a block that passes it is searched
 * exactly, so a URI costs about a quarter of the work of a word-by-word
 * search. Bytes looked for above 0x7f make every block a candidate: the
 * same answers, without the saving.
 */
__attribute__((noinline)) int vosfp_find(struct xdp_md *ctx, __u32 off, __u32 len, __u32 from,
					 __u32 abc)
{
	const __u64 ones = 0x0101010101010101ull, high = ones << 7;
	void *data_end = (void *)(long)ctx->data_end;
	__u8 a = abc & 0xff, b = (abc >> 8) & 0xff, c = (abc >> 16) & 0xff;
	const __u8 *p = scan_start(ctx, off, from);
	__u32 top = a > b ? a : b, i = 0;
	__u64 lt;

	if (!p)
		return (int)SIP_NOT_SEEN;
	top = top > c ? top : c;
	lt = top < 0x80 ? ones * (top + 1) : 0; /* 0: x - 0 & ~x misses bytes >= 0x80 */
	for (__u32 w = 0; w < SIP_FIND_WINDOW / 32; w++) {
		const __u8 *q = p + i;
		__u64 x0, x1, x2, x3, m;

		SIP_OPAQUE(q);
		if (from + i + 32 > len || (void *)(q + 32) > data_end)
			break;
		x0 = SIP_LOAD64(q);
		x1 = SIP_LOAD64(q + 8);
		x2 = SIP_LOAD64(q + 16);
		x3 = SIP_LOAD64(q + 24);
		if (lt && !((sip_has_below(x0, lt) | sip_has_below(x1, lt) |
			     sip_has_below(x2, lt) | sip_has_below(x3, lt)) & high)) {
			i += 32;
			continue;
		}
		m = sip_bytes_equal(x0, a, b, c);
		if (m)
			return (int)(from + i + sip_first_byte(m));
		m = sip_bytes_equal(x1, a, b, c);
		if (m)
			return (int)(from + i + 8 + sip_first_byte(m));
		m = sip_bytes_equal(x2, a, b, c);
		if (m)
			return (int)(from + i + 16 + sip_first_byte(m));
		m = sip_bytes_equal(x3, a, b, c);
		if (m)
			return (int)(from + i + 24 + sip_first_byte(m));
		i += 32;
	}
	/* Eight bytes a step while a whole word fits: fewer than 32 were
	 * left, or the window has fewer (SIP_FIND_WINDOW % 32 == 28)... */
	for (__u32 w = 0; w < 3; w++) {
		const __u8 *q = p + i;
		__u64 m;

		SIP_OPAQUE(q);
		if (i + 8 > SIP_FIND_WINDOW || from + i + 8 > len || (void *)(q + 8) > data_end)
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

/* The hits of one word at q (its '\n' bytes in nl) whose next byte may
 * start a User-Agent line or the empty line; q + 9 is within the data. */
static __always_inline __u64 sip_line_u_hits(const __u8 *q, __u64 nl)
{
	return nl ? nl & sip_line_u_starts(SIP_LOAD64(q + 1)) : 0;
}

/* One word of the walk, the k-th of the block at q: returns from the
 * function at its first hit. A macro, for the return. */
#define SIP_LINE_U_WORD(k)                                                              \
	do {                                                                            \
		__u64 hits = sip_line_u_hits(q + 8 * (k),                               \
					     sip_zero_bytes(SIP_LOAD64(q + 8 * (k)) ^ nls)); \
		if (hits)                                                               \
			return (int)(from + i + 8 * (k) + sip_first_byte(hits));        \
	} while (0)

/* Block steps of n bytes (n: 64, 32, 16, 8) after the loop: one if both the
 * window and the data (with the byte after the block) still hold it. */
#define SIP_LINE_U_STEP(n)                                                              \
	(i + (n) <= SIP_FIND_WINDOW && from + i + (n) + 1 <= len &&                     \
	 (void *)(q + (n) + 1) <= data_end)

/*
 * sip_find_line_u (see sip_classify.h), 128 bytes a step, then 64, 32, 16, 8
 * and a byte at a time: the bytes after each '\n' of a word are the same
 * word loaded one byte later, and only words that hold a '\n' load it. A
 * block of sixteen words takes one bounds check: the walk through headers
 * without a User-Agent (the whole of most requests) pays the loop's checks
 * and spills once per 128 bytes, not once per 16. Lines of 40 bytes or so
 * put a '\n' in most blocks of 32 bytes, so a test of a whole block before
 * its words saves nothing: each word is tested alone.
 */
__attribute__((noinline)) int vosfp_find_line_u(struct xdp_md *ctx, __u32 off, __u32 len,
						__u32 from)
{
	const __u64 nls = 0x0101010101010101ull * '\n';
	void *data_end = (void *)(long)ctx->data_end;
	const __u8 *p = scan_start(ctx, off, from);
	const __u8 *q;
	__u32 i = 0;

	if (!p)
		return (int)SIP_NOT_SEEN;
	for (__u32 w = 0; w < SIP_FIND_WINDOW / 128; w++) {
		q = p + i;
		SIP_OPAQUE(q);
		if (from + i + 129 > len || (void *)(q + 129) > data_end)
			break;
		SIP_LINE_U_WORD(0);
		SIP_LINE_U_WORD(1);
		SIP_LINE_U_WORD(2);
		SIP_LINE_U_WORD(3);
		SIP_LINE_U_WORD(4);
		SIP_LINE_U_WORD(5);
		SIP_LINE_U_WORD(6);
		SIP_LINE_U_WORD(7);
		SIP_LINE_U_WORD(8);
		SIP_LINE_U_WORD(9);
		SIP_LINE_U_WORD(10);
		SIP_LINE_U_WORD(11);
		SIP_LINE_U_WORD(12);
		SIP_LINE_U_WORD(13);
		SIP_LINE_U_WORD(14);
		SIP_LINE_U_WORD(15);
		i += 128;
	}
	/* What is left: at most 128 bytes, or 92 of the window (1500 % 128).
	 * Each step halves it; whatever the window lets pass, fewer than 9
	 * bytes of data or of the window are left to the tail. */
	q = p + i;
	SIP_OPAQUE(q);
	if (SIP_LINE_U_STEP(64)) {
		SIP_LINE_U_WORD(0);
		SIP_LINE_U_WORD(1);
		SIP_LINE_U_WORD(2);
		SIP_LINE_U_WORD(3);
		SIP_LINE_U_WORD(4);
		SIP_LINE_U_WORD(5);
		SIP_LINE_U_WORD(6);
		SIP_LINE_U_WORD(7);
		i += 64;
	}
	q = p + i;
	SIP_OPAQUE(q);
	if (SIP_LINE_U_STEP(32)) {
		SIP_LINE_U_WORD(0);
		SIP_LINE_U_WORD(1);
		SIP_LINE_U_WORD(2);
		SIP_LINE_U_WORD(3);
		i += 32;
	}
	q = p + i;
	SIP_OPAQUE(q);
	if (SIP_LINE_U_STEP(16)) {
		SIP_LINE_U_WORD(0);
		SIP_LINE_U_WORD(1);
		i += 16;
	}
	q = p + i;
	SIP_OPAQUE(q);
	if (SIP_LINE_U_STEP(8)) {
		SIP_LINE_U_WORD(0);
		i += 8;
	}
	return vosfp_find_line_u_tail(ctx, off, len, from + i,
				      SIP_FIND_WINDOW - i < 9 ? SIP_FIND_WINDOW - i : 9);
}

#undef SIP_LINE_U_STEP
#undef SIP_LINE_U_WORD

#endif /* VOSFP_SIP_SCAN_H */
