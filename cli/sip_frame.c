// SPDX-License-Identifier: BSD-2-Clause
/*
 * A SIP message as the wire would bring it: the operator has the message
 * (from a log, a trace, a scanner's output), the program wants a frame.
 * The MAC addresses are fixed, locally administered ones: the program
 * never reads them.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip_frame.h"

#define ETH_LEN 14
#define IP4_LEN 20
#define IP6_LEN 40
#define UDP_LEN 8

static int port_parse(const char *text, uint16_t *port)
{
	char *end;
	unsigned long v;

	if (!*text || *text < '0' || *text > '9')
		return -1;
	v = strtoul(text, &end, 10);
	if (*end || v == 0 || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

int sip_endpoint_parse(const char *text, struct sip_endpoint *ep, char *why, size_t why_len)
{
	char addr[64];
	const char *port = NULL, *colon;
	size_t alen;

	memset(ep, 0, sizeof(*ep));
	if (text[0] == '[') {
		const char *close = strchr(text, ']');

		if (!close || (close[1] && close[1] != ':')) {
			snprintf(why, why_len, "'%s': expected [IPV6]:PORT", text);
			return -1;
		}
		alen = (size_t)(close - text - 1);
		text++;
		port = close[1] ? close + 2 : NULL;
	} else {
		colon = strchr(text, ':');
		if (colon && !strchr(colon + 1, ':')) { /* one colon: IPv4:PORT */
			alen = (size_t)(colon - text);
			port = colon + 1;
		} else {
			alen = strlen(text);
		}
	}
	if (alen >= sizeof(addr)) {
		snprintf(why, why_len, "address too long");
		return -1;
	}
	memcpy(addr, text, alen);
	addr[alen] = '\0';
	if (inet_pton(AF_INET, addr, ep->addr) == 1) {
		ep->family = AF_INET;
	} else if (inet_pton(AF_INET6, addr, ep->addr) == 1) {
		ep->family = AF_INET6;
	} else {
		snprintf(why, why_len, "'%s' is not an IPv4 or IPv6 address", addr);
		return -1;
	}
	if (port && port_parse(port, &ep->port)) {
		snprintf(why, why_len, "'%s' is not a port (1-65535)", port);
		return -1;
	}
	return 0;
}

size_t sip_frame_len(int family, size_t len)
{
	return ETH_LEN + (family == AF_INET ? IP4_LEN : IP6_LEN) + UDP_LEN + len;
}

static uint32_t sum16(uint32_t sum, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

void sip_frame_build(const struct sip_endpoint *from, const struct sip_endpoint *to,
		     const void *payload, size_t len, uint8_t *out)
{
	static const uint8_t macs[12] = { 0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1 };
	int v4 = from->family == AF_INET;
	size_t alen = v4 ? 4 : 16, ip_len = v4 ? IP4_LEN : IP6_LEN;
	uint8_t *ip = out + ETH_LEN, *udp = ip + ip_len;
	uint16_t udp_len = (uint16_t)(UDP_LEN + len);
	uint32_t sum;

	memset(out, 0, sip_frame_len(from->family, len));
	memcpy(out, macs, sizeof(macs));
	put16(out + 12, v4 ? 0x0800 : 0x86dd);
	if (v4) {
		ip[0] = 0x45;
		put16(ip + 2, (uint16_t)(IP4_LEN + udp_len));
		ip[8] = 64;
		ip[9] = 17;
		memcpy(ip + 12, from->addr, 4);
		memcpy(ip + 16, to->addr, 4);
		put16(ip + 10, fold(sum16(0, ip, IP4_LEN)));
	} else {
		ip[0] = 0x60;
		put16(ip + 4, udp_len);
		ip[6] = 17;
		ip[7] = 64;
		memcpy(ip + 8, from->addr, 16);
		memcpy(ip + 24, to->addr, 16);
	}
	put16(udp, from->port);
	put16(udp + 2, to->port);
	put16(udp + 4, udp_len);
	memcpy(udp + UDP_LEN, payload, len);
	/* The pseudo-header: both addresses, the protocol, the UDP length. */
	sum = sum16(0, ip + (v4 ? 12 : 8), 2 * alen);
	sum += 17 + udp_len;
	sum = sum16(sum, udp, udp_len);
	put16(udp + 6, fold(sum) ? fold(sum) : 0xffff);
}
