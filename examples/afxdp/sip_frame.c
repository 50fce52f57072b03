// SPDX-License-Identifier: BSD-2-Clause
/* What a received frame carries: its source and its SIP message. The filter
 * has checked the message already; this only names it for the output. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <linux/if_ether.h>

#include "afxdp.h"

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* The first token of the message, as the filter classified it. */
static void name_message(struct afxdp_msg *m)
{
	const uint8_t *p = m->payload;
	uint32_t n = 0;

	if (!m->len || p[0] == '\r' || p[0] == '\n' || p[0] == 0 || p[0] == 1) {
		snprintf(m->what, sizeof(m->what), "keep-alive"); /* CRLF, STUN */
		return;
	}
	if (m->len >= 12 && !memcmp(p, "SIP/2.0 ", 8)) {
		snprintf(m->what, sizeof(m->what), "response %.3s", p + 8);
		return;
	}
	while (n < m->len && n < sizeof(m->what) - 1 && (isalpha(p[n]) || p[n] == '-' ||
							  p[n] == '.' || p[n] == '!'))
		n++;
	if (!n || n == m->len || p[n] != ' ')
		snprintf(m->what, sizeof(m->what), "not SIP");
	else
		snprintf(m->what, sizeof(m->what), "%.*s", (int)n, p);
}

int afxdp_parse(const uint8_t *frame, uint32_t len, struct afxdp_msg *m)
{
	uint32_t off = ETH_HLEN, l4, ulen;
	uint16_t proto;
	char addr[INET6_ADDRSTRLEN];

	if (len < ETH_HLEN)
		return -1;
	proto = get16(frame + 12);
	for (int i = 0; i < 2 && (proto == ETH_P_8021Q || proto == ETH_P_8021AD); i++) {
		if (len < off + 4)
			return -1;
		proto = get16(frame + off + 2);
		off += 4;
	}
	if (proto == ETH_P_IP) {
		const uint8_t *ip = frame + off;
		uint32_t ihl;

		if (len < off + 20 || (ip[0] >> 4) != 4 || ip[9] != IPPROTO_UDP ||
		    (get16(ip + 6) & 0x1fff))
			return -1;
		ihl = (ip[0] & 15u) * 4;
		if (ihl < 20)
			return -1;
		l4 = off + ihl;
		inet_ntop(AF_INET, ip + 12, addr, sizeof(addr));
		snprintf(m->src, sizeof(m->src), "%s", addr);
	} else if (proto == ETH_P_IPV6) {
		const uint8_t *ip = frame + off;
		uint8_t next;

		if (len < off + 40)
			return -1;
		next = ip[6];
		l4 = off + 40;
		/* Hop-by-hop, routing and destination options may stand before
		 * UDP (the filter never redirects a fragment). */
		for (int i = 0; i < 8 && (next == 0 || next == 43 || next == 60); i++) {
			if (len < l4 + 8)
				return -1;
			next = frame[l4];
			l4 += (frame[l4 + 1] + 1u) * 8;
		}
		if (next != IPPROTO_UDP)
			return -1;
		inet_ntop(AF_INET6, ip + 8, addr, sizeof(addr));
		snprintf(m->src, sizeof(m->src), "[%s]", addr);
	} else {
		return -1;
	}
	if (len < l4 + 8)
		return -1;
	ulen = get16(frame + l4 + 4);
	if (ulen < 8 || l4 + ulen > len)
		return -1; /* a length that lies: nothing to relay */
	snprintf(m->src + strlen(m->src), sizeof(m->src) - strlen(m->src), ":%u",
		 get16(frame + l4));
	m->payload = frame + l4 + 8;
	m->len = ulen - 8;
	name_message(m);
	return 0;
}
