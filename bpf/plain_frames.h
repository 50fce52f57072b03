/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Which frames are ours, told for plain frames in one step: IPv4 or IPv6
 * right after the Ethernet header, and for IPv6 no extension header that
 * parse_l3 walks. Most of what reaches a SIP edge is not SIP (RTP above
 * all, which outweighs signalling by far), and all of it used to pay the
 * full parse first: the VLAN loop, every field of the flow written to the
 * stack and read back, the L4 parse (bench/README.md, "Plain frames in one
 * step"). Here a frame not ours costs the reads that prove it, and one that
 * is ours leaves with its flow as parse_l3 and parse_l4 would have made it.
 * Included once, by vosfp.bpf.c, after parse_headers.h.
 */
#ifndef VOSFP_PLAIN_FRAMES_H
#define VOSFP_PLAIN_FRAMES_H

/* 1 if port (host order) is one of the configured SIP ports. */
static __always_inline int is_sip_port(const struct vosfp_config *cfg, __u16 port)
{
	return (cfg->port_bitmap[(port >> 5) & (VOSFP_PORT_WORDS - 1)] >> (port & 31)) & 1;
}

enum plain_result {
	PLAIN_NOT_OURS, /* the full path would pass it untouched too */
	PLAIN_OURS,     /* ours: the flow is filled */
	PLAIN_FULL,     /* not a plain frame: the full path decides */
};

/*
 * The L4 step of both families, on the header at l4 with IP's protocol:
 * what parse_l4 and the port test make of it. Fewer checks come before the
 * port than parse_l4 makes, because a frame they would let through is
 * passed by the full path as well: a protocol other than UDP or TCP, and an
 * L4 header too short for its ports, make parse_l4 refuse it.
 */
static __always_inline int plain_l4(const __u8 *l4, void *data_end, __u8 proto,
				    const struct vosfp_config *cfg, struct flow *f)
{
	if (proto != IPPROTO_UDP && proto != IPPROTO_TCP)
		return PLAIN_NOT_OURS;
	/* The destination port is bytes 2-3 of both headers. */
	if ((void *)(l4 + 4) > data_end)
		return PLAIN_NOT_OURS;
	f->dport = bpf_ntohs(*(const __be16 *)(l4 + 2));
	if (!is_sip_port(cfg, f->dport))
		return PLAIN_NOT_OURS;
	if (proto == IPPROTO_UDP) {
		if ((void *)(l4 + sizeof(struct udphdr)) > data_end)
			return PLAIN_NOT_OURS;
		f->udp_len = bpf_ntohs(((const hdr_udp_t *)l4)->len);
	} else if ((void *)(l4 + sizeof(struct tcphdr)) > data_end) {
		return PLAIN_NOT_OURS;
	}
	f->l4proto = proto;
	return PLAIN_OURS;
}

/*
 * IPv4. The port is read where IHL points before the header is checked:
 * a header that parse_l3 refuses (version, IHL, total length) passes on
 * the full path, so it is not ours whatever that port says. Later fragments
 * carry no ports and meet the source decisions: the full path takes them.
 */
static __always_inline int plain_v4(void *data, void *data_end, const struct vosfp_config *cfg,
				    struct flow *f)
{
	hdr_ip4_t *ip = data + sizeof(struct ethhdr);
	__u32 hlen, tot;
	int res;

	if ((void *)(ip + 1) > data_end || (ip->frag_off & bpf_htons(0x1fff)))
		return PLAIN_FULL;
	hlen = ip->ihl * 4;
	res = plain_l4((const __u8 *)ip + hlen, data_end, ip->protocol, cfg, f);
	if (res != PLAIN_OURS)
		return res;
	tot = bpf_ntohs(ip->tot_len);
	if (ip->version != 4 || hlen < sizeof(*ip) || tot < hlen)
		return PLAIN_NOT_OURS;
	f->family = L3_V4;
	f->l3_off = sizeof(struct ethhdr);
	f->saddr4 = ip->saddr;
	f->l4_off = sizeof(struct ethhdr) + hlen;
	f->l3_payload_len = tot - hlen;
	return PLAIN_OURS;
}

/* IPv6 whose next header is not one that parse_l3 walks: its L4 header, or
 * a protocol that parse_l4 refuses, follows the fixed header at once. */
static __always_inline int plain_v6(void *data, void *data_end, const struct vosfp_config *cfg,
				    struct flow *f)
{
	hdr_ip6_t *ip6 = data + sizeof(struct ethhdr);
	__u8 next;
	int res;

	if ((void *)(ip6 + 1) > data_end)
		return PLAIN_FULL;
	next = ip6->nexthdr;
	if (ipv6_walked_ext(next))
		return PLAIN_FULL;
	res = plain_l4((const __u8 *)(ip6 + 1), data_end, next, cfg, f);
	if (res != PLAIN_OURS)
		return res;
	f->family = L3_V6;
	f->l3_off = sizeof(struct ethhdr);
	__builtin_memcpy(&f->saddr6, &ip6->saddr, sizeof(f->saddr6));
	f->l4_off = sizeof(struct ethhdr) + sizeof(*ip6);
	f->l3_payload_len = bpf_ntohs(ip6->payload_len);
	return PLAIN_OURS;
}

/* The frame at data: a plain_result, the flow filled if PLAIN_OURS. f
 * starts zeroed: what a plain frame leaves unset (later_fragment, unparsed,
 * udp_len for TCP) is 0, as parse_l3 and parse_l4 leave it. */
static __always_inline int plain_frame(void *data, void *data_end, const struct vosfp_config *cfg,
				       struct flow *f)
{
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > data_end)
		return PLAIN_NOT_OURS; /* parse_l3 refuses it too */
	if (eth->h_proto == bpf_htons(ETH_P_IP))
		return plain_v4(data, data_end, cfg, f);
	if (eth->h_proto == bpf_htons(ETH_P_IPV6))
		return plain_v6(data, data_end, cfg, f);
	return PLAIN_FULL;
}

#endif /* VOSFP_PLAIN_FRAMES_H */
