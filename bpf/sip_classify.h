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

#ifdef __bpf__
/* Unaligned loads are fine on the JITs that matter (x86-64, arm64). */
#define SIP_LOAD64(q) (*(const __u64 *)(q))
#define SIP_LOAD32(q) (*(const __u32 *)(q))
/* Keeps clang from hoisting "end - 1" out of a loop: the verifier refuses
 * arithmetic on the packet's end pointer. */
#define SIP_OPAQUE(x) asm volatile("" : "+r"(x))
#else
#define SIP_OPAQUE(x) ((void)0)
#define SIP_LOAD64(q) sip_load64_host(q)
#define SIP_LOAD32(q) sip_load32_host(q)
static inline __u32 sip_load32_host(const __u8 *q)
{
	__u32 v;

	__builtin_memcpy(&v, q, 4);
	return v;
}

static inline __u64 sip_load64_host(const __u8 *q)
{
	__u64 v;

	__builtin_memcpy(&v, q, 8);
	return v;
}
#endif

enum sip_kind {
	SIP_UNDECIDED = 0, /* first line longer than the scan window: pass */
	SIP_KEEPALIVE = 1, /* CRLF, CRLFCRLF (RFC 5626) or STUN (RFC 5389) */
	SIP_MALFORMED = 2,
	SIP_REQUEST = 3,
	SIP_RESPONSE = 4,
};

/* Result: kind in bits 8..15, method (enum vosfp_method_bit) in bits 0..7;
 * for a request, where its headers may be searched from in bits 16..30
 * (SIP_HDR_FROM: the end of its Request-Line, which holds no line break:
 * the User-Agent walk need not read it, nor the CR/LF bytes tolerated
 * before it, which would read as the empty line that ends the headers). */
#define SIP_RESULT(kind, method) (((kind) << 8) | (method))
#define SIP_KIND(res) (((res) >> 8) & 0xff)
#define SIP_METHOD(res) ((res)&0xff)
#define SIP_HDR_FROM(res) (((__u32)(res) >> 16) & 0x7fff)

/* Longest method token we accept. RFC 3261 sets no limit; RFC 4475's
 * torture test uses a 43-character extension method. */
#define SIP_METHOD_MAX 64
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

/* " SIP/2.0" little-endian, letters in lower case, and the mask that
 * folds only those three letters. */
#define SIP_SP_VERSION W8(' ', 's', 'i', 'p', '/', '2', '.', '0')
#define SIP_VERSION_FOLD W8(0, 0x20, 0x20, 0x20, 0, 0, 0, 0)

static __always_inline int sip_is_digit(__u8 c)
{
	return c >= '0' && c <= '9';
}

/*
 * The scans: the includer defines, before calling sip_classify() or
 * sip_user_agent_offset(),
 *   struct sip_src   whatever locates the payload;
 *   sip_find(src, from, a, b, c)
 *                    the index of the first byte equal to a, b or c at or after
 *                    `from`, looking at most SIP_FIND_WINDOW bytes: the
 *                    payload length if the payload ends first, SIP_NOT_SEEN
 *                    if the window does.
 * The XDP program implements sip_find as a global function, verified once,
 * so that each scan costs the verifier one loop rather than one per path
 * that leads to it; host code implements it as a plain loop.
 */
#define SIP_FIND_WINDOW 1500
#define SIP_NOT_SEEN 0xffffffffu

/* High bit set in each byte of x that is zero; exact, no false hits (the
 * classic test, done without carries between bytes). */
static __always_inline __u64 sip_zero_bytes(__u64 x)
{
	const __u64 lo7 = 0x7f7f7f7f7f7f7f7full;

	return ~(((x & lo7) + lo7) | x | lo7);
}

/* High bit set in each byte of x equal to a, b or c. */
static __always_inline __u64 sip_bytes_equal(__u64 x, __u8 a, __u8 b, __u8 c)
{
	const __u64 ones = 0x0101010101010101ull;

	return sip_zero_bytes(x ^ (ones * a)) | sip_zero_bytes(x ^ (ones * b)) |
	       sip_zero_bytes(x ^ (ones * c));
}

/* Index (0-7) of the first byte in memory order (little-endian: the
 * lowest) whose high bit is set in m, m != 0. */
static __always_inline __u32 sip_first_byte(__u64 m)
{
	__u32 k = 0;

	if (!(m & 0xffffffffull)) {
		k += 4;
		m >>= 32;
	}
	if (!(m & 0xffff)) {
		k += 2;
		m >>= 16;
	}
	if (!(m & 0xff))
		k += 1;
	return k;
}

struct sip_src;
static __always_inline __u32 sip_find(const struct sip_src *src, __u32 from, __u8 a, __u8 b,
				      __u8 c);

/*
 * len: the payload length as UDP says; the bytes present may be fewer
 * (truncated capture), in which case end bounds every read.
 *
 * settled: methods (bits of enum vosfp_method_bit) whose requests the caller
 * will drop whatever the rest of their first line says (stealth methods from
 * a source on no list). A known method of 3 to 7 letters in this set, read
 * with its space, is a request at once: the Request-URI and the version are
 * not scanned, which saves the URI scan on the commonest junk (scanner
 * OPTIONS). 0: every first line is checked in full.
 */
static __always_inline int sip_classify(const struct sip_src *src, const __u8 *p,
					const __u8 *end, __u32 len, __u32 settled)
{
	__u32 avail = end > p ? (__u32)(end - p) : 0;
	__u32 s = 0, mlen, sp2;
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

		/* Without the cookie it is not STUN: the first-line rules below
		 * decide (a message may start with CRLF, bytes below 0x40). */
		if (cookie == STUN_MAGIC_COOKIE) {
			if (mlength + STUN_HEADER_LEN == len && (mlength & 3) == 0)
				return SIP_RESULT(SIP_KEEPALIVE, 0);
			return SIP_RESULT(SIP_MALFORMED, 0);
		}
	}

	/* Tolerate a few CR/LF before the start line (RFC 3261 §7.5 asks this of
	 * stream transports; some UDP stacks send them too). */
	for (__u32 i = 0; i < SIP_LEADING_CRLF_MAX; i++) {
		if (s >= len || p + s + 1 > end || (p[s] != '\r' && p[s] != '\n'))
			break;
		s++;
	}
	if (s >= len || p + s + 1 > end)
		return SIP_RESULT(SIP_MALFORMED, 0); /* nothing but CR/LF */

	/* Status-Line: SIP/2.0 SP 3DIGIT SP Reason-Phrase CRLF. An empty
	 * reason phrase without its SP is tolerated, and so is a missing CRLF
	 * (the reason phrase is free text: nothing to check in it). */
	if (sip_is_version(p + s, end)) {
		const __u8 *q = p + s + 7;

		if (s + 12 > len || q + 5 > end)
			return SIP_RESULT(SIP_MALFORMED, 0);
		if (q[0] == ' ' && sip_is_digit(q[1]) && sip_is_digit(q[2]) &&
		    sip_is_digit(q[3]) && (q[4] == ' ' || q[4] == '\r' || q[4] == '\n'))
			return SIP_RESULT(SIP_RESPONSE, 0);
		return SIP_RESULT(SIP_MALFORMED, 0);
	}

	/* Request-Line: Method SP Request-URI SP SIP-Version CRLF. The method
	 * is a token; known names are told apart by their first 9 bytes.
	 * Known methods of 3 to 7 letters, nearly all traffic, take one word:
	 * one SWAR test finds the space, and a known name's letters are all
	 * token characters. Anything else takes the byte loop. */
	mlen = SIP_METHOD_MAX + 1;
	if (s + 8 <= len && p + s + 8 <= end) {
		__u64 w = SIP_LOAD64(p + s);
		__u64 sp = sip_zero_bytes(w ^ (0x0101010101010101ull * ' '));

		if (sp) {
			__u32 k = sip_first_byte(sp);
			__u64 known = w & ((1ull << (8 * k)) - 1);

			int id = k >= 3 ? sip_method_id(known, k, 0) : VOSFP_M_OTHER;

			if (id != VOSFP_M_OTHER) {
				if ((settled >> id) & 1)
					return SIP_RESULT(SIP_REQUEST, id);
				mlen = k;
				word = known;
			}
		} else if (w == W8('R', 'E', 'G', 'I', 'S', 'T', 'E', 'R') && s + 9 <= len &&
			   p + s + 9 <= end && p[s + 8] == ' ') {
			/* The commonest request has 8 letters: what the byte
			 * loop below would find, without it. Not settled here:
			 * the early answer above is for 3 to 7 letters only. */
			mlen = 8;
			word = w;
		}
	}
	for (__u32 i = 0; mlen > SIP_METHOD_MAX && i < SIP_METHOD_MAX + 1; i++) {
		const __u8 *q = p + s + i;
		__u8 c;

		if (s + i >= len || q + 1 > end)
			return SIP_RESULT(SIP_MALFORMED, 0);
		c = *q;
		if (c == ' ') {
			mlen = i;
			break;
		}
		if (!sip_is_token(c))
			return SIP_RESULT(SIP_MALFORMED, 0);
		if (i < 8)
			word |= (__u64)c << (8 * i);
		else if (i == 8)
			ninth = c;
	}
	if (mlen == 0 || mlen > SIP_METHOD_MAX)
		return SIP_RESULT(SIP_MALFORMED, 0);

	/* The Request-URI holds no space and no line end: the first SP, CR or
	 * LF after it must be the space before the version, and the line must
	 * end right after "SIP/2.0". One scan over the URI, whatever its
	 * length, then a fixed-size check. */
	sp2 = sip_find(src, s + mlen + 1, ' ', '\r', '\n');
	if (sp2 == SIP_NOT_SEEN)
		return SIP_RESULT(SIP_UNDECIDED, 0); /* longer than we look */
	if (sp2 >= len || sp2 == s + mlen + 1)
		return SIP_RESULT(SIP_MALFORMED, 0); /* no line end, or no URI */
	/* A name-addr where the bare URI belongs (RFC 4475 "ltgtruri"): no
	 * URI scheme starts with '<'. */
	if (p + s + mlen + 2 > end || p[s + mlen + 1] == '<')
		return SIP_RESULT(SIP_MALFORMED, 0);
	{
		/* sp2 < 1570, so the mask changes nothing; made opaque to the
		 * compiler, it gives the verifier a bound it can keep. */
		__u32 v = sp2;
		const __u8 *q;

		SIP_OPAQUE(v);
		q = p + (v & 0x7ff);
		/* " SIP/2.0" in one compare: | 0x20 folds the three letters
		 * and nothing else can fold onto them. */
		if (sp2 + 9 > len || q + 9 > end ||
		    (SIP_LOAD64(q) | SIP_VERSION_FOLD) != SIP_SP_VERSION ||
		    (q[8] != '\r' && q[8] != '\n'))
			return SIP_RESULT(SIP_MALFORMED, 0);
	}
	/* The Request-Line's first '\n' is at sp2 + 8 or later, whatever CR/LF
	 * came before the method. */
	return SIP_RESULT(SIP_REQUEST, sip_method_id(word, mlen, ninth)) | (int)((sp2 + 8) << 16);
}

/* --- User-Agent ------------------------------------------------------- */

/* How far into the payload headers are searched for User-Agent. */
#define SIP_HDR_SCAN 1500



/* "user-age" little-endian: the first 8 bytes of the header name, matched
 * in one compare after folding ASCII letters to lower case with | 0x20
 * ('-' is unchanged by it). */
#define SIP_UA_WORD W8('u', 's', 'e', 'r', '-', 'a', 'g', 'e')

static __always_inline int sip_is_ws(__u8 c)
{
	return c == ' ' || c == '\t';
}

/* White space skipped at most on each side of a header's colon. */
#define SIP_WS_MAX 16

/*
 * The value of a header whose name ends at `at`: after HCOLON, that is any
 * white space, ':', any white space (a scanner must not hide behind a few
 * extra blanks). Its offset, or 0 if there is no colon or no value.
 */
static __always_inline __u32 sip_value_after_name(const __u8 *p, const __u8 *end, __u32 len,
						  __u32 at)
{
	const __u8 *h;
	__u32 j = 0;

	if (at > SIP_HDR_SCAN + 16)
		return 0;
	SIP_OPAQUE(at);
	h = p + (at & 0x7ff);
	for (int k = 0; k < SIP_WS_MAX && h + j + 1 <= end && sip_is_ws(h[j]); k++)
		j++;
	if (h + j + 1 > end || h[j] != ':')
		return 0;
	j++;
	for (int k = 0; k < SIP_WS_MAX && h + j + 1 <= end && sip_is_ws(h[j]); k++)
		j++;
	if (h + j + 1 > end || at + j >= len)
		return 0;
	return at + j;
}

/* A third hook, for the verifier's sake like the others:
 *   sip_header_value(src, at)   sip_value_after_name() on the payload. */
static __always_inline __u32 sip_header_value(const struct sip_src *src, __u32 at);

/* Candidate header lines examined at most (lines that start with U or u,
 * or the empty line); a User-Agent further down is not seen. */
#define SIP_MAX_LINES 64

/*
 * One more hook for the includer, like sip_find():
 *   sip_find_line_u(src, from)
 *                    the index of the first '\n' at or after `from` whose
 *                    next byte is 'U', 'u', CR or LF, or is past the data:
 *                    the start of a line that may be User-Agent, or of the
 *                    empty line; the payload length if there is none,
 *                    SIP_NOT_SEEN if the window ends first.
 * The header walk then visits a line or two instead of every line.
 */
static __always_inline __u32 sip_find_line_u(const struct sip_src *src, __u32 from);

/*
 * Offset of the User-Agent value (after "User-Agent", optional white space,
 * ':' and optional white space) among the headers, or 0 if there is none.
 * The walk stops at the empty line that ends the headers, so a body that
 * mentions a User-Agent does not count. It starts at `from`: a request's
 * SIP_HDR_FROM, or the first byte after any leading CR/LF, from where the
 * first line break found ends the Request-Line.
 */
static __always_inline __u32 sip_user_agent_offset_from(const struct sip_src *src,
							const __u8 *p, const __u8 *end,
							__u32 len, __u32 from)
{
	for (int n = 0; n < SIP_MAX_LINES; n++) {
		__u32 nl = sip_find_line_u(src, from), start = nl + 1, j;
		const __u8 *h;

		if (nl >= len || nl == SIP_NOT_SEEN || start > SIP_HDR_SCAN)
			return 0;
		h = p + start;
		/* Room for "User-Agent:" and one value byte, else no more. */
		if (start + 12 > len || h + 12 > end)
			return 0;
		from = start;
		if (h[0] == '\r' || h[0] == '\n')
			return 0; /* end of headers */
		if ((SIP_LOAD64(h) | 0x2020202020202020ull) != SIP_UA_WORD ||
		    (h[8] | 0x20) != 'n' || (h[9] | 0x20) != 't')
			continue;
		j = sip_header_value(src, start + 10);
		if (j)
			return j;
	}
	return 0;
}

static __always_inline __u32 sip_user_agent_offset(const struct sip_src *src, const __u8 *p,
						   const __u8 *end, __u32 len)
{
	__u32 s = 0;

	/* Past the CR/LF bytes the classifier tolerates before a start line:
	 * an empty line there does not end the headers, which start after
	 * the Request-Line (SIP_HDR_FROM). */
	for (__u32 i = 0; i < SIP_LEADING_CRLF_MAX; i++) {
		if (s >= len || p + s + 1 > end || (p[s] != '\r' && p[s] != '\n'))
			break;
		s++;
	}
	return sip_user_agent_offset_from(src, p, end, len, s);
}

/* The lookup key of a value: its first VOSFP_UA_KEY_LEN bytes, folded. */
static __always_inline int sip_ua_key(const __u8 *v, const __u8 *end, __u32 avail, __u32 *key)
{
	SIP_OPAQUE(v);
	if (avail < VOSFP_UA_KEY_LEN || v + VOSFP_UA_KEY_LEN > end)
		return -1;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* The same number as the bytes below, in one load. */
	*key = SIP_LOAD32(v) | (__u32)VOSFP_UA_FOLD;
#else
	*key = ((__u32)v[0] | (__u32)v[1] << 8 | (__u32)v[2] << 16 | (__u32)v[3] << 24) |
	       (__u32)VOSFP_UA_FOLD;
#endif
	return 0;
}

/* 1 if the value, whose lookup key is key, starts with one of the
 * candidate signatures of that key: whole
 * 8-byte words from the start, then one last word (4 bytes for signatures
 * under 8) ending exactly at the signature's end, overlapping the others;
 * the first 4 bytes were the lookup key. So a signature matches as soon as
 * its bytes are there, even at the very end of the datagram. Unrolled. */
static __always_inline int sip_ua_match(const __u8 *v, const __u8 *end, __u32 avail,
					const struct vosfp_ua_val *cand, __u32 key)
{
#pragma unroll
	for (__u32 k = 0; k < VOSFP_UA_PER_KEY; k++) {
		__u32 n = cand->len[k], same = 1, back;
		const __u8 *t;

		if (k >= cand->n)
			break;
		if (cand->key[k] != key)
			continue; /* another key's candidate in the same slot */
		if (n < VOSFP_UA_KEY_LEN || n > VOSFP_UA_MAX || n > avail)
			continue;
#pragma unroll
		for (__u32 w = 0; w < VOSFP_UA_WORDS; w++) {
			if (8 * (w + 1) > n)
				break;
			if (v + 8 * (w + 1) > end) {
				same = 0;
				break;
			}
			same &= (SIP_LOAD64(v + 8 * w) | VOSFP_UA_FOLD) == cand->head[k][w];
		}
		back = n >= 8 ? n - 8 : n - 4;
		SIP_OPAQUE(back);
		t = v + (back & 31);
		if (n >= 8) {
			if (t + 8 > end)
				continue;
			same &= (SIP_LOAD64(t) | VOSFP_UA_FOLD) == cand->tail[k];
		} else {
			if (t + 4 > end)
				continue;
			same &= (SIP_LOAD32(t) | (__u32)VOSFP_UA_FOLD) == (__u32)cand->tail[k];
		}
		if (same)
			return 1;
	}
	return 0;
}

#endif /* VOSFP_SIP_CLASSIFY_H */
