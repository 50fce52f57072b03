/* SPDX-License-Identifier: BSD-2-Clause */
/* Builds Ethernet frames for the program tests: VLAN tags, IPv4 (options,
 * fragments), IPv6 (extension headers, fragments), UDP or TCP, payload. */
#ifndef VOSFP_TEST_FRAME_H
#define VOSFP_TEST_FRAME_H

#include <stddef.h>
#include <stdint.h>

enum frag_kind { FRAG_NONE = 0, FRAG_FIRST, FRAG_LATER };

struct frame_spec {
	const char *src;      /* "192.0.2.1" or "2001:db8::1": picks the family */
	const char *dst;      /* default: 198.51.100.1 / 2001:db8:5060::1 */
	int l4;               /* IPPROTO_UDP (default when 0) or IPPROTO_TCP */
	uint16_t dport;       /* default 5060 */
	const void *payload;
	size_t payload_len;
	int vlans;            /* 0, 1 or 2 tags (802.1ad outer, 802.1Q inner) */
	int ip_option_words;  /* IPv4: 32-bit words of options (0-10) */
	int v6_ext;           /* IPv6: add hop-by-hop and destination options */
	enum frag_kind frag;
	int ethertype;        /* non-zero: raw Ethernet type and no L3 (e.g. ARP) */
	uint16_t sport;       /* default 40000 */
	int v6_chain;         /* IPv6: this many 8-byte destination options headers
			       * (0-16), after v6_ext's two */
};

/* Writes the frame into out; returns its length, or 0 if cap is too small. */
size_t frame_build(const struct frame_spec *s, uint8_t *out, size_t cap);

#endif
