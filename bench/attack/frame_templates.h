/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The spoofed flood's frame templates (junk.py --raw), shared by its two
 * generators: spoof_gen (AF_PACKET, sendmmsg) and live_gen (XDP frames
 * made in the kernel). One template a line:
 *
 *     v4|v6 OFF:LEN[,OFF:LEN...]|- HEXFRAME
 *
 * the frame with zeros where its random bytes go, and the byte ranges to
 * randomize per packet ("-": none). The generator fills those bytes and
 * the one checksum each frame carries: the IPv4 header checksum, or the
 * IPv6 UDP checksum (junk.py leaves the IPv4 UDP checksum 0, "none").
 */
#ifndef VOSFP_BENCH_FRAME_TEMPLATES_H
#define VOSFP_BENCH_FRAME_TEMPLATES_H

#include <stdint.h>

#define FRAME_MAX_TEMPLATES 32
#define FRAME_MAX_LEN 1514
#define FRAME_MAX_SPANS 4

struct frame_span {
	unsigned int off, len;
};

struct frame_tmpl {
	unsigned char frame[FRAME_MAX_LEN];
	unsigned int len;
	int v6;
	unsigned int nspans;
	struct frame_span span[FRAME_MAX_SPANS];
};

/*
 * The bytes a frame's checksum covers, as one range of the frame, and
 * where the checksum goes. IPv4: the header, [14, 34). IPv6: the pseudo
 * header's addresses and the whole UDP datagram, [22, len), which lie
 * back to back in the frame; the pseudo header's other words (the UDP
 * length and next header 17) are not in the frame: see ipv6_pseudo_rest.
 */
struct frame_csum_area {
	unsigned int start, end, field;
};

/*
 * Reads PATH into TMPLS (room for FRAME_MAX_TEMPLATES). Returns the number
 * of templates, at least one; on any bad line, exits with status 2 and a
 * message that names PROG and the line. Checks that every random span and
 * the IPv6 payload length lie inside the frame.
 */
unsigned int frame_templates_load(const char *prog, const char *path,
				  struct frame_tmpl *tmpls);

/* The checksummed range of T's frame and its checksum field. */
struct frame_csum_area frame_csum_area(const struct frame_tmpl *t);

/*
 * The part of the IPv6 UDP checksum's pseudo header that is not in the
 * frame: the UDP length plus next header 17, to add to the sum.
 */
uint32_t ipv6_pseudo_rest(const unsigned char *frame);

/* Adds LEN bytes at P to SUM as big-endian 16-bit words (odd tail padded). */
uint32_t frame_sum16(const unsigned char *p, unsigned int len, uint32_t sum);

/* Folds SUM to 16 bits and complements it: the checksum to store. */
uint16_t frame_csum_fold(uint32_t sum);

#endif
