/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What live_gen.c hands its XDP program (live_gen.bpf.c): one map entry
 * per frame template, everything about the frame that does not change
 * per packet worked out beforehand, so that the program only copies,
 * draws random bytes and finishes the checksum.
 */
#ifndef VOSFP_BENCH_LIVE_GEN_H
#define VOSFP_BENCH_LIVE_GEN_H

#include <linux/types.h>

#define LIVE_MAX_TEMPLATES 32
#define LIVE_FRAME_MAX 1514
#define LIVE_FRAME_MIN 60	/* Ethernet's minimum without the FCS */
#define LIVE_MAX_SPANS 4
#define LIVE_SPAN_MAX 64	/* random bytes per span: a multiple of 4 */

struct live_span {
	__u16 off, len;
	__u8 in_csum;	/* inside the checksummed area: its sum is added */
	__u8 odd;	/* at an odd offset from the area's start: bytes swapped */
	__u16 pad;
};

struct live_tmpl {
	__u32 len;
	__u32 nspans;
	struct live_span span[LIVE_MAX_SPANS];
	__u16 csum_field;	/* where the 16-bit checksum goes, big-endian */
	__u16 v6;		/* an IPv6 UDP checksum: 0 becomes 0xffff */
	/* the checksum's sum (big-endian 16-bit words, unfolded) over the
	 * area with the random bytes and the field zero, plus the IPv6
	 * pseudo header's words that are not in the frame */
	__u32 csum_base;
	__u8 frame[LIVE_FRAME_MAX];
};

#endif
