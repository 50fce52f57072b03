/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The commonest payloads at a SIP port, decided by the decision itself before
 * it calls the classifier's global function (vosfp_classify_payload): an
 * exact keep-alive (CRLF, CRLFCRLF), an OPTIONS request when OPTIONS is
 * settled (a stealth method from a source on no list: dropped whatever
 * follows; the default stealth set), and a payload whose first byte can start
 * no SIP message. Under a flood these are nearly all the junk, and each paid
 * a BPF-to-BPF call and the classifier's checks in their order
 * (bench/README.md, "Fixed cost (issue 15)").
 *
 * Each answer is the one sip_classify() gives for the same bytes: the steps
 * below are its first steps, cut short only where the rest of its checks
 * cannot change the answer (the reasoning is at each step). Anything else is
 * SIP_FAST_ASK: the caller asks the classifier. tests/unit/test_sip_fast.c
 * holds the two side by side on the boundaries (host builds of both), the
 * differential test runs a million mutated frames through the program and
 * the host reference, and tests/bpf/test_fast_path.c checks that the program
 * makes no classifier call for this junk.
 * Included once, by vosfp.bpf.c, after sip_hooks.h.
 */
#ifndef VOSFP_SIP_FAST_H
#define VOSFP_SIP_FAST_H

#define SIP_FAST_ASK (-1)

/* Where the decision asks the classifier after all: nothing in the program;
 * tests/bpf/fast_path_probe.h counts it in a build of its own. */
#ifndef SIP_FAST_TEST_ASKED
#define SIP_FAST_TEST_ASKED() ((void)0)
#endif
/* CRLFCRLF and CRLF as little-endian words (SIP_LOAD32). */
#define SIP_FAST_CRLFCRLF 0x0a0d0a0du
#define SIP_FAST_CRLF 0x0a0du

static __always_inline int sip_fast(void *data, void *data_end, __u32 off, __u32 len,
				    __u32 settled)
{
	const __u8 *p;
	__u8 c;

	if (off > 0x3fff) /* as in vosfp_classify_payload: keeps the bound visible */
		return SIP_FAST_ASK;
	p = (const __u8 *)data + off;
	if (len == 0 || (void *)(p + 1) > data_end)
		return SIP_FAST_ASK;
	c = p[0];

	/* The classifier first tests len (its len: the payload, cut to the
	 * bytes present) against 2 and 4. Here len is what UDP says; with all
	 * its bytes present the two agree, and with fewer we ask. Length and
	 * bytes are tested in one compare: a branch on len alone would leave
	 * the verifier a known len on the way to the classifier, and it would
	 * verify everything after it once more for each (+140,000 insns). */
	if (c == '\r') {
		if ((void *)(p + 4) <= data_end) {
			__u32 w = SIP_LOAD32(p);

			if (((len ^ 4) | (w ^ SIP_FAST_CRLFCRLF)) == 0 ||
			    ((len ^ 2) | ((w & 0xffff) ^ SIP_FAST_CRLF)) == 0)
				return SIP_RESULT(SIP_KEEPALIVE, 0);
		} else if ((void *)(p + 2) <= data_end) {
			if (((len ^ 2) | (p[1] ^ '\n')) == 0)
				return SIP_RESULT(SIP_KEEPALIVE, 0);
		}
		return SIP_FAST_ASK; /* leading CR/LF before a start line, or junk */
	}
	if (c == '\n')
		return SIP_FAST_ASK;

	/* Neither a token character nor CR/LF: no keep-alive (they start with
	 * CR), no Status-Line (it starts with 'S' or 's') and no method (a
	 * token, and the classifier's first method byte is this one): the
	 * classifier calls it malformed after its STUN test, which only a
	 * header of 20 bytes or more whose first byte has its two top bits
	 * clear can pass. Those we leave to it. */
	if (!sip_is_token(c)) {
		if ((c & 0xc0) == 0 && len >= STUN_HEADER_LEN)
			return SIP_FAST_ASK;
		return SIP_RESULT(SIP_MALFORMED, 0);
	}

	/* "OPTIONS " in the first word, OPTIONS settled: what scanners send
	 * most, one compare. The classifier's word step, which it reaches with
	 * this word (a letter first: not STUN, no CR/LF to skip, not "SIP/2.0"),
	 * finds the same method and returns there. Other settled methods are
	 * the classifier's to settle: telling every known name apart here
	 * measured 5-7 ns more for the requests that are not settled (an
	 * INVITE), which the classifier then reads again. */
	if (((settled >> VOSFP_M_OPTIONS) & 1) && len >= 8 && (void *)(p + 8) <= data_end &&
	    SIP_LOAD64(p) == W8('O', 'P', 'T', 'I', 'O', 'N', 'S', ' '))
		return SIP_RESULT(SIP_REQUEST, VOSFP_M_OPTIONS);
	return SIP_FAST_ASK;
}

#endif /* VOSFP_SIP_FAST_H */
