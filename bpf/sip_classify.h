/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Classifies a UDP payload sent to a SIP port by its first line: keep-alive,
 * SIP request (with its method), SIP response, malformed — or undecided when
 * the first line is longer than we scan, which the caller passes.
 *
 * Plain C over a byte range [p, end): the XDP program calls it on packet
 * memory (every read is bounds-checked, loops are bounded, so the verifier
 * accepts it), and host code can compile the very same function.
 *
 * The rule it implements: a false drop is a lost call. Everything RFC 3261
 * allows in a first line is accepted, including long Request-URIs and any
 * extension method token; only payloads that cannot be the start of a SIP
 * message are called malformed.
 */
#ifndef VOSFP_SIP_CLASSIFY_H
#define VOSFP_SIP_CLASSIFY_H

#include <linux/types.h>
#include "vosfp_shared.h"

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

enum sip_kind {
	SIP_UNDECIDED = 0, /* first line longer than the scan window: pass */
	SIP_KEEPALIVE = 1, /* CRLF, CRLFCRLF (RFC 5626) or STUN (RFC 5389) */
	SIP_MALFORMED = 2,
	SIP_REQUEST = 3,
	SIP_RESPONSE = 4,
};

/* Result: kind in bits 8.., method (enum vosfp_method_bit) in bits 0..7. */
#define SIP_RESULT(kind, method) (((kind) << 8) | (method))
#define SIP_KIND(res) ((res) >> 8)
#define SIP_METHOD(res) ((res)&0xff)

/* How far into the payload the first line is searched for its end. RFC 3261
 * sets no limit; 1280 bytes holds a 1024-byte Request-URI with the longest
 * method and the version. A longer first line is undecided and passes. The
 * bound also keeps the verifier's pending-branch stack (8192) in reach:
 * the scan loop below pushes at most three states per byte. */
#define SIP_LINE_SCAN 1280
#define SIP_METHOD_MAX 32 /* longest method token we accept */
#define SIP_LEADING_CRLF_MAX 4
#define STUN_HEADER_LEN 20
#define STUN_MAGIC_COOKIE 0x2112A442u

/* clang would put a small constant table in a mergeable .rodata.cst*
 * section, which libbpf does not load: name the section explicitly. */
#ifdef __bpf__
#define SIP_RODATA __attribute__((section(".rodata")))
#else
#define SIP_RODATA
#endif

/* RFC 3261 §25.1 token characters: alphanumerics and -.!%*_+`'~ as a
 * 256-bit set, so the check is one load and no branches. */
static const __u8 sip_token_chars[32] SIP_RODATA = {
	0x00, 0x00, 0x00, 0x00,		/* 0x00-0x1f */
	0xa2, 0x6c, 0xff, 0x03,		/* ! % ' * + - . 0-9 */
	0xfe, 0xff, 0xff, 0x87,		/* A-Z _ */
	0xff, 0xff, 0xff, 0x47,		/* ` a-z ~ */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static __always_inline int sip_is_token(__u8 c)
{
	return (sip_token_chars[c >> 3] >> (c & 7)) & 1;
}

/* 1 if x == 0, else 0, without a branch (x - 1 wraps only for 0). */
static __always_inline __u32 sip_is_zero(__u32 x)
{
	return (__u32)(((__u64)x - 1) >> 63);
}

/* 1 if a < b for small a, b, without a branch. */
static __always_inline __u32 sip_below(__u32 a, __u32 b)
{
	return (__u32)(((__u64)a - b) >> 63);
}

static __always_inline __u8 sip_upper(__u8 c)
{
	return (c >= 'a' && c <= 'z') ? c - 32 : c;
}

#define W8(a, b, c, d, e, f, g, h)                                                  \
	((__u64)(a) | (__u64)(b) << 8 | (__u64)(c) << 16 | (__u64)(d) << 24 |        \
	 (__u64)(e) << 32 | (__u64)(f) << 40 | (__u64)(g) << 48 | (__u64)(h) << 56)

/* Known method names are case-sensitive (RFC 3261 §7.1); anything else that
 * is a token is an extension method. `word` holds the first min(len, 8)
 * bytes, little-endian; `ninth` the 9th byte (for SUBSCRIBE). */
static __always_inline int sip_method_id(__u64 word, __u32 len, __u32 ninth)
{
	switch (len) {
	case 3:
		if (word == W8('A', 'C', 'K', 0, 0, 0, 0, 0))
			return VOSFP_M_ACK;
		if (word == W8('B', 'Y', 'E', 0, 0, 0, 0, 0))
			return VOSFP_M_BYE;
		break;
	case 4:
		if (word == W8('I', 'N', 'F', 'O', 0, 0, 0, 0))
			return VOSFP_M_INFO;
		break;
	case 5:
		if (word == W8('P', 'R', 'A', 'C', 'K', 0, 0, 0))
			return VOSFP_M_PRACK;
		if (word == W8('R', 'E', 'F', 'E', 'R', 0, 0, 0))
			return VOSFP_M_REFER;
		break;
	case 6:
		if (word == W8('I', 'N', 'V', 'I', 'T', 'E', 0, 0))
			return VOSFP_M_INVITE;
		if (word == W8('C', 'A', 'N', 'C', 'E', 'L', 0, 0))
			return VOSFP_M_CANCEL;
		if (word == W8('N', 'O', 'T', 'I', 'F', 'Y', 0, 0))
			return VOSFP_M_NOTIFY;
		if (word == W8('U', 'P', 'D', 'A', 'T', 'E', 0, 0))
			return VOSFP_M_UPDATE;
		break;
	case 7:
		if (word == W8('O', 'P', 'T', 'I', 'O', 'N', 'S', 0))
			return VOSFP_M_OPTIONS;
		if (word == W8('P', 'U', 'B', 'L', 'I', 'S', 'H', 0))
			return VOSFP_M_PUBLISH;
		if (word == W8('M', 'E', 'S', 'S', 'A', 'G', 'E', 0))
			return VOSFP_M_MESSAGE;
		break;
	case 8:
		if (word == W8('R', 'E', 'G', 'I', 'S', 'T', 'E', 'R'))
			return VOSFP_M_REGISTER;
		break;
	case 9:
		if (word == W8('S', 'U', 'B', 'S', 'C', 'R', 'I', 'B') && ninth == 'E')
			return VOSFP_M_SUBSCRIBE;
		break;
	}
	return VOSFP_M_OTHER;
}

/* 1 if the 7 bytes at q are "SIP/2.0" in any letter case (RFC 3261 §7.1:
 * the version string is case-insensitive). */
static __always_inline int sip_is_version(const __u8 *q, const __u8 *end)
{
	if (q + 7 > end)
		return 0;
	return sip_upper(q[0]) == 'S' && sip_upper(q[1]) == 'I' && sip_upper(q[2]) == 'P' &&
	       q[3] == '/' && q[4] == '2' && q[5] == '.' && q[6] == '0';
}

static __always_inline int sip_is_digit(__u8 c)
{
	return c >= '0' && c <= '9';
}

/* len: the payload length as UDP says; the bytes present may be fewer
 * (truncated capture), in which case end bounds every read. */
static __always_inline int sip_classify(const __u8 *p, const __u8 *end, __u32 len)
{
	__u32 avail = end > p ? (__u32)(end - p) : 0;
	__u32 s = 0, i, mlen = 0, line_end = 0, spaces = 0, lead, seen_sp = 0, bad = 0;
	__u64 word = 0;
	__u32 ninth = 0;

	if (len > avail)
		len = avail;
	if (len == 0)
		return SIP_RESULT(SIP_MALFORMED, 0);

	/* Keep-alives: exactly CRLF or CRLFCRLF, or a STUN header whose length
	 * field matches the payload. */
	if (len == 2 && p + 2 <= end && p[0] == '\r' && p[1] == '\n')
		return SIP_RESULT(SIP_KEEPALIVE, 0);
	if (len == 4 && p + 4 <= end && p[0] == '\r' && p[1] == '\n' && p[2] == '\r' &&
	    p[3] == '\n')
		return SIP_RESULT(SIP_KEEPALIVE, 0);
	if (len >= STUN_HEADER_LEN && p + STUN_HEADER_LEN <= end && (p[0] & 0xc0) == 0) {
		__u32 cookie = (__u32)p[4] << 24 | (__u32)p[5] << 16 | (__u32)p[6] << 8 | p[7];
		__u32 mlength = (__u32)p[2] << 8 | p[3];

		if (cookie == STUN_MAGIC_COOKIE && mlength + STUN_HEADER_LEN == len &&
		    (mlength & 3) == 0)
			return SIP_RESULT(SIP_KEEPALIVE, 0);
		return SIP_RESULT(SIP_MALFORMED, 0);
	}

	/*
	 * One pass over the first line, from a fixed start, with branch-free
	 * bookkeeping: a scan whose start or state depended on earlier
	 * branches would be verified once per variant and exceed the
	 * verifier's budget. Per byte it tracks:
	 *   lead    still inside leading CR/LF (RFC 3261 §7.5 asks stream
	 *           transports to skip them; some UDP stacks send them too)
	 *   in_m    inside the method (after the lead, before the first SP)
	 * and accumulates the lead length, the method's length, bytes and
	 * validity, and the number of spaces on the line.
	 */
	lead = 1;
	for (i = 0; i < SIP_LINE_SCAN; i++) {
		const __u8 *q = p + i;
		__u32 c, crlf, sp, in_m, take;

		if (i >= len || q + 1 > end)
			break;
		c = *q;
		crlf = sip_is_zero(c ^ '\r') | sip_is_zero(c ^ '\n');
		sp = sip_is_zero(c ^ ' ');
		lead &= crlf;
		if (crlf & (lead ^ 1)) {
			line_end = i;
			break;
		}
		s += lead;
		in_m = (lead ^ 1) & (seen_sp ^ 1);
		take = in_m & (sp ^ 1);
		bad |= take & (sip_is_token(c) ^ 1);
		word |= ((__u64)c << ((mlen & 7) * 8)) & -(__u64)(take & sip_below(mlen, 8));
		ninth |= c & -(take & sip_is_zero(mlen ^ 8));
		mlen += take;
		seen_sp |= (lead ^ 1) & sp;
		spaces += (lead ^ 1) & sp;
	}
	if (s >= len)
		return SIP_RESULT(SIP_MALFORMED, 0); /* nothing but CR/LF */

	/* Status-Line: SIP/2.0 SP 3DIGIT SP Reason-Phrase CRLF. An empty
	 * reason phrase without its SP is tolerated, and so is a missing CRLF
	 * (the reason phrase is free text: nothing to check in it). */
	if (s > SIP_LINE_SCAN)
		return SIP_RESULT(SIP_MALFORMED, 0);
	if (sip_is_version(p + s, end)) {
		const __u8 *q = p + s + 7;

		if (s + 12 > len || q + 5 > end)
			return SIP_RESULT(SIP_MALFORMED, 0);
		if (q[0] == ' ' && sip_is_digit(q[1]) && sip_is_digit(q[2]) &&
		    sip_is_digit(q[3]) && (q[4] == ' ' || q[4] == '\r' || q[4] == '\n'))
			return SIP_RESULT(SIP_RESPONSE, 0);
		return SIP_RESULT(SIP_MALFORMED, 0);
	}

	/* Request-Line: Method SP Request-URI SP SIP-Version CRLF. */
	if (line_end == 0) {
		/* Ran out of payload: no line end at all. Ran out of window: the
		 * line is longer than we look, so we cannot tell. */
		if (i >= len || len <= SIP_LINE_SCAN)
			return SIP_RESULT(SIP_MALFORMED, 0);
		return SIP_RESULT(SIP_UNDECIDED, 0);
	}
	if (bad || mlen == 0 || mlen > SIP_METHOD_MAX || spaces != 2)
		return SIP_RESULT(SIP_MALFORMED, 0);
	/* The second space sits right before the version, leaving a non-empty
	 * Request-URI between the two (the URI itself holds no space). */
	if (line_end < s + mlen + 1 + 1 + 8 || line_end > SIP_LINE_SCAN)
		return SIP_RESULT(SIP_MALFORMED, 0);
	{
		const __u8 *v = p + (line_end - 8);

		if (v + 8 > end || v[0] != ' ' || !sip_is_version(v + 1, end))
			return SIP_RESULT(SIP_MALFORMED, 0);
	}
	return SIP_RESULT(SIP_REQUEST, sip_method_id(word, mlen, ninth));
}

#endif /* VOSFP_SIP_CLASSIFY_H */
