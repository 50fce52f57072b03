// SPDX-License-Identifier: BSD-2-Clause
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <netinet/in.h>
#include <string.h>

#include "frame.h"

static void put16(uint8_t *p, uint16_t v)
{
	v = htons(v);
	memcpy(p, &v, 2);
}

/* The L4 header and payload; returns its length. */
static size_t build_l4(const struct frame_spec *s, uint8_t *p)
{
	uint16_t dport = s->dport ? s->dport : 5060;
	uint16_t sport = s->sport ? s->sport : 40000;

	if (s->l4 == IPPROTO_TCP) {
		struct tcphdr tcp = { .source = htons(sport), .dest = htons(dport), .doff = 5,
				      .ack = 1, .psh = 1, .window = htons(65535) };

		memcpy(p, &tcp, sizeof(tcp));
		if (s->payload_len) /* payload may be NULL: memcpy's NULL is undefined */
			memcpy(p + sizeof(tcp), s->payload, s->payload_len);
		return sizeof(tcp) + s->payload_len;
	}
	struct udphdr udp = { .source = htons(sport), .dest = htons(dport),
			      .len = htons((uint16_t)(sizeof(udp) + s->payload_len)) };

	memcpy(p, &udp, sizeof(udp));
	if (s->payload_len)
		memcpy(p + sizeof(udp), s->payload, s->payload_len);
	return sizeof(udp) + s->payload_len;
}

size_t frame_build(const struct frame_spec *s, uint8_t *out, size_t cap)
{
	uint8_t l4[4096];
	size_t l4len, off = 0;
	int v6 = s->src && strchr(s->src, ':');
	uint8_t proto = s->l4 == IPPROTO_TCP ? IPPROTO_TCP : IPPROTO_UDP;

	if (s->payload_len > 3000 || s->v6_chain < 0 || s->v6_chain > 16 ||
	    cap < 128 + 8 * (size_t)s->v6_chain + s->payload_len)
		return 0;
	l4len = build_l4(s, l4);

	memset(out, 0, cap);
	memcpy(out, "\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02", 12);
	off = 12;
	for (int i = 0; i < s->vlans; i++) {
		put16(out + off, i == 0 && s->vlans == 2 ? ETH_P_8021AD : ETH_P_8021Q);
		put16(out + off + 2, (uint16_t)(100 + i));
		off += 4;
	}
	if (s->ethertype) {
		put16(out + off, (uint16_t)s->ethertype);
		off += 2;
		memset(out + off, 0xab, 28); /* an ARP-sized body */
		return off + 28;
	}
	put16(out + off, v6 ? ETH_P_IPV6 : ETH_P_IP);
	off += 2;

	if (!v6) {
		struct iphdr ip = { .version = 4, .ihl = (unsigned)(5 + s->ip_option_words),
				    .ttl = 64, .protocol = proto };
		size_t hlen = (size_t)ip.ihl * 4;

		ip.tot_len = htons((uint16_t)(hlen + l4len));
		if (s->frag == FRAG_FIRST)
			ip.frag_off = htons(0x2000); /* MF, offset 0 */
		else if (s->frag == FRAG_LATER)
			ip.frag_off = htons(185); /* offset 1480 bytes */
		inet_pton(AF_INET, s->src ? s->src : "192.0.2.1", &ip.saddr);
		inet_pton(AF_INET, s->dst ? s->dst : "198.51.100.1", &ip.daddr);
		memcpy(out + off, &ip, sizeof(ip));
		memset(out + off + sizeof(ip), 1 /* NOP options */, hlen - sizeof(ip));
		off += hlen;
	} else {
		struct ipv6hdr ip6 = { .version = 6, .hop_limit = 64 };
		uint8_t ext[32 + 16 * 8];
		size_t extlen = 0;
		uint8_t *next = &ip6.nexthdr;

		if (s->v6_ext) {
			/* hop-by-hop (8 bytes) then destination options (16 bytes) */
			*next = 0;
			memset(ext, 0, sizeof(ext));
			ext[1] = 0;
			next = &ext[0];
			*next = 60;
			ext[8 + 1] = 1;
			next = &ext[8];
			extlen = 24;
		}
		for (int i = 0; i < s->v6_chain; i++) {
			*next = 60; /* an empty (padded) destination options header */
			memset(ext + extlen, 0, 8);
			ext[extlen + 2] = 1; /* PadN, 4 bytes of padding */
			ext[extlen + 3] = 4;
			next = &ext[extlen];
			extlen += 8;
		}
		if (s->frag != FRAG_NONE) {
			*next = 44;
			memset(ext + extlen, 0, 8);
			next = &ext[extlen];
			put16(ext + extlen + 2, s->frag == FRAG_LATER ? (uint16_t)(1480 | 1)
								      : (uint16_t)1 /* M */);
			extlen += 8;
		}
		*next = proto;
		ip6.payload_len = htons((uint16_t)(extlen + l4len));
		inet_pton(AF_INET6, s->src, &ip6.saddr);
		inet_pton(AF_INET6, s->dst ? s->dst : "2001:db8:5060::1", &ip6.daddr);
		memcpy(out + off, &ip6, sizeof(ip6));
		off += sizeof(ip6);
		memcpy(out + off, ext, extlen);
		off += extlen;
	}
	memcpy(out + off, l4, l4len);
	off += l4len;
	/* Ethernet's minimum frame (without FCS) is 60 bytes: pad like a NIC. */
	return off < 60 ? 60 : off;
}
